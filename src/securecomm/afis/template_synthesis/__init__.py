"""Template-level synthetic ten-prints: millions of seeded identities and their impressions.

Image-level synthesis is a separate component; this one makes minutiae templates directly, so
galleries of millions of identities can be built in minutes.
"""

from __future__ import annotations

from pathlib import Path

from securecomm.afis.kernel_cache import invalidate_if_sources_changed
from securecomm.afis.template_synthesis.generator import FINGERS, TenPrintGenerator
from securecomm.afis.template_synthesis.parameters import NONMATED_BASE

# Before any kernel is called (numba loads its cache on the first call): see afis/kernel_cache.py.
invalidate_if_sources_changed(Path(__file__).resolve().parent)

__all__ = ["FINGERS", "NONMATED_BASE", "TenPrintGenerator"]
