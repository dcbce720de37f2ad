"""Synthetic ten-print identities at scale: the public face of the template-level generator.

``TenPrintGenerator(seed)`` defines an unbounded, reproducible population: identity ``i`` has
ten master fingers drawn from streams keyed by (seed, i, finger), and impression ``k`` of
identity ``i`` is a fixed function of (seed, i, finger, k). Any batch can be generated on its
own, in any order and on any machine, and gives the same templates. Identities at or above
:data:`~parameters.NONMATED_BASE` are the reserve for non-mated probes (never enrolled by the
benchmarks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from securecomm.afis.search.packed import PackedMinutiae
from securecomm.afis.template_synthesis import parameters as P
from securecomm.afis.template_synthesis.impressions import MASTER_IMPRESSION, impressions_kernel
from securecomm.afis.types import FingerPosition, Template

FINGERS = tuple(FingerPosition(p) for p in range(1, 11))


class TenPrintGenerator:
    """Seeded generator of ten-print minutiae templates (see module docstring)."""

    def __init__(self, seed: int) -> None:
        if not 0 <= seed < 2**63:
            raise ValueError(f"seed must be in [0, 2**63), got {seed}")
        self.seed = int(seed)

    def impressions(
        self, identities: Sequence[int] | npt.NDArray[np.int64], impression: int = 0
    ) -> PackedMinutiae:
        """Impression ``impression`` of every identity: ``10 * len(identities)`` fingers,
        finger position p of identity j at index ``10 * j + p - 1``."""
        ids = np.ascontiguousarray(identities, dtype=np.int64)
        rows = len(ids) * 10
        cap = P.MAX_IMPRESSION_MINUTIAE
        x = np.zeros((rows, cap), np.float32)
        y = np.zeros((rows, cap), np.float32)
        angle = np.zeros((rows, cap), np.float32)
        kind = np.zeros((rows, cap), np.uint8)
        mq = np.zeros((rows, cap), np.uint8)
        count = np.zeros(rows, np.int64)
        quality = np.zeros(rows, np.uint8)
        impressions_kernel(self.seed, ids, impression, x, y, angle, kind, mq, count, quality)
        offsets = np.zeros(rows + 1, np.int64)
        np.cumsum(count, out=offsets[1:])
        mask = np.arange(cap)[None, :] < count[:, None]
        return PackedMinutiae(
            offsets=offsets,
            x=x[mask],
            y=y[mask],
            angle=angle[mask],
            kind=kind[mask],
            minutia_quality=mq[mask],
            quality=quality,
            width=P.FRAME_WIDTH,
            height=P.FRAME_HEIGHT,
        )

    def masters(self, identities: Sequence[int] | npt.NDArray[np.int64]) -> PackedMinutiae:
        """The master fingers themselves (no sensor effects)."""
        return self.impressions(identities, MASTER_IMPRESSION)

    def ten_print(self, identity: int, impression: int = 0) -> dict[FingerPosition, Template]:
        """One identity's impression as templates keyed by finger position."""
        packed = self.impressions([identity], impression)
        return {pos: packed.template(i, pos) for i, pos in enumerate(FINGERS)}
