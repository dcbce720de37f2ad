"""1:N ten-print identification: gallery, pre-filter, re-ranking, fusion, FPIR thresholds.

Typical use::

    from securecomm.config import Settings
    from securecomm.afis.search import open_search_engine

    with open_search_engine(Settings.from_env(), "immigration") as engine:
        engine.enrol("E-000123", {FingerPosition.RIGHT_THUMB: template, ...})
        result = engine.search(probe_fingers)
        if result.hit: ...

See ``docs/afis-search.md``.
"""

from __future__ import annotations

from pathlib import Path

from securecomm.afis.errors import GalleryError
from securecomm.afis.kernel_cache import invalidate_if_sources_changed
from securecomm.afis.search.embedded import EmbeddedSearchEngine
from securecomm.afis.search.engine import (
    Candidate,
    Comparator,
    Decision,
    SearchEngine,
    SearchResult,
)
from securecomm.afis.search.errors import (
    GalleryLockedError,
    IdentityExistsError,
    ProbeError,
    ShardPlacementError,
    UnknownIdentityError,
)
from securecomm.afis.search.factory import open_search_engine
from securecomm.afis.search.gallery import Gallery
from securecomm.afis.search.recode import RecodeReport, recode_gallery
from securecomm.afis.search.thresholds import ThresholdPolicy, fused_threshold

# Before any kernel is called (numba loads its cache on the first call): see afis/kernel_cache.py.
invalidate_if_sources_changed(Path(__file__).resolve().parent)

__all__ = [
    "Candidate",
    "Comparator",
    "Decision",
    "EmbeddedSearchEngine",
    "Gallery",
    "GalleryError",
    "GalleryLockedError",
    "IdentityExistsError",
    "ProbeError",
    "RecodeReport",
    "SearchEngine",
    "SearchResult",
    "ShardPlacementError",
    "ThresholdPolicy",
    "UnknownIdentityError",
    "fused_threshold",
    "open_search_engine",
    "recode_gallery",
]
