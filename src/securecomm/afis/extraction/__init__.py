"""Fingerprint feature extraction: image → segmentation, orientation, frequency, enhancement,
skeleton → minutiae template with quality.

    from securecomm.afis.image import load_image
    from securecomm.afis.extraction import extract
    template = extract(load_image("101_1.png"))

``extract_features`` returns every intermediate result (``Features``) for the examiner's view.
Stages and the methods they implement: ``docs/afis-extraction.md``.
"""

from __future__ import annotations

from pathlib import Path

from securecomm.afis.extraction.extractor import extract, extract_features
from securecomm.afis.extraction.features import Features
from securecomm.afis.extraction.parameters import DEFAULT_PARAMETERS, ExtractionParameters
from securecomm.afis.extraction.quality import QualityMeasures
from securecomm.afis.kernel_cache import invalidate_if_sources_changed

# Before any kernel is called (numba loads its cache on the first call): see afis/kernel_cache.py.
invalidate_if_sources_changed(Path(__file__).resolve().parent)

__all__ = [
    "DEFAULT_PARAMETERS",
    "ExtractionParameters",
    "Features",
    "QualityMeasures",
    "extract",
    "extract_features",
]
