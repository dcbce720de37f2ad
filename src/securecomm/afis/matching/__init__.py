"""1:1 fingerprint comparison: Minutia Cylinder-Code with LSS-R consolidation.

    from securecomm.afis.matching import compare, prepare, compare_prepared
    result = compare(template_a, template_b)   # .score (−log10 FMR), .pairs (n × 2)

Method, calibration and measured accuracy: ``docs/afis-matching.md``.
"""

from pathlib import Path

from securecomm.afis.kernel_cache import invalidate_if_sources_changed
from securecomm.afis.matching.batch import (
    PackedTemplates,
    compare_one_to_many,
    compare_pairs,
    pack,
)
from securecomm.afis.matching.comparator import (
    Comparison,
    compare,
    compare_prepared,
    raw_score,
)
from securecomm.afis.matching.prepared import PreparedTemplate, prepare

# Before any kernel is called (numba loads its cache on the first call): see afis/kernel_cache.py.
invalidate_if_sources_changed(Path(__file__).resolve().parent)

__all__ = [
    "Comparison",
    "PackedTemplates",
    "PreparedTemplate",
    "compare",
    "compare_one_to_many",
    "compare_pairs",
    "compare_prepared",
    "pack",
    "prepare",
    "raw_score",
]
