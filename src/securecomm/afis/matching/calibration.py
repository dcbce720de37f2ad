"""Score calibration: raw LSS-R similarity → −log10(estimated false match rate).

Placeholder identity-free mapping until fitted (see docs/afis-matching.md).
"""

from __future__ import annotations


def calibrate(raw: float) -> float:
    return raw
