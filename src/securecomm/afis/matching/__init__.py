"""1:1 fingerprint comparison: Minutia Cylinder-Code with LSS-R consolidation."""

from securecomm.afis.matching.comparator import (
    Comparison,
    compare,
    compare_prepared,
    raw_score,
)
from securecomm.afis.matching.prepared import PreparedTemplate, prepare

__all__ = [
    "Comparison",
    "PreparedTemplate",
    "compare",
    "compare_prepared",
    "prepare",
    "raw_score",
]
