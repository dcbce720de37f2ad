"""Template-level synthetic ten-prints: millions of seeded identities and their impressions.

Image-level synthesis is a separate component; this one makes minutiae templates directly, so
galleries of millions of identities can be built in minutes.
"""

from __future__ import annotations

from securecomm.afis.template_synthesis.generator import FINGERS, TenPrintGenerator
from securecomm.afis.template_synthesis.parameters import NONMATED_BASE

__all__ = ["FINGERS", "NONMATED_BASE", "TenPrintGenerator"]
