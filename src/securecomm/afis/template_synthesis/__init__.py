"""Template-level synthetic ten-prints: millions of seeded identities and their impressions.

Image-level synthesis is a separate component; this one makes minutiae templates directly, so
galleries of millions of identities can be built in minutes.
"""

from __future__ import annotations

from pathlib import Path

from securecomm.afis.matching.kernel_cache import invalidate_if_sources_changed

# The kernels read their tuning constants from ``parameters`` at compile time, and numba's
# on-disk cache only watches the kernel's own file: drop cached kernels when any source here
# changes, before any of them is loaded.
invalidate_if_sources_changed(Path(__file__).resolve().parent)

from securecomm.afis.template_synthesis.generator import FINGERS, TenPrintGenerator  # noqa: E402
from securecomm.afis.template_synthesis.parameters import NONMATED_BASE  # noqa: E402

__all__ = ["FINGERS", "NONMATED_BASE", "TenPrintGenerator"]
