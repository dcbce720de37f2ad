"""Many fingers' minutiae in flat arrays with offsets: the bulk form of :class:`Template`.

Finger ``i`` owns ``x[offsets[i]:offsets[i + 1]]`` (and the same slice of ``y``, ``angle``,
``kind``, ``minutia_quality``). This is what the numba kernels, the synthetic generator and the
gallery files exchange, so a million identities never become ten million Python objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from securecomm.afis.search.parameters import MAX_MINUTIAE
from securecomm.afis.types import WORKING_PPI, FingerPosition, Template

DEFAULT_WIDTH = 416
DEFAULT_HEIGHT = 512


@dataclass(frozen=True, eq=False)
class PackedMinutiae:
    """Minutiae of ``count`` fingers; empty slices are absent fingers."""

    offsets: npt.NDArray[np.int64]
    x: npt.NDArray[np.float32]
    y: npt.NDArray[np.float32]
    angle: npt.NDArray[np.float32]
    kind: npt.NDArray[np.uint8]
    minutia_quality: npt.NDArray[np.uint8]
    #: Whole-print quality per finger (0–100).
    quality: npt.NDArray[np.uint8]
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT

    @property
    def count(self) -> int:
        return len(self.offsets) - 1

    def counts(self) -> npt.NDArray[np.int64]:
        return np.diff(self.offsets)

    def template(self, i: int, position: FingerPosition = FingerPosition.UNKNOWN) -> Template:
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return Template.from_arrays(
            self.width,
            self.height,
            self.x[a:b],
            self.y[a:b],
            self.angle[a:b],
            self.kind[a:b],
            self.minutia_quality[a:b],
            ppi=WORKING_PPI,
            quality=int(self.quality[i]),
            position=position,
        )

    @classmethod
    def from_templates(cls, templates: Sequence[Template | None]) -> PackedMinutiae:
        """Pack templates (``None`` = absent finger), rescaled to 500 ppi; keeps at most
        MAX_MINUTIAE per finger, the highest-quality ones (stable order otherwise)."""
        counts = np.zeros(len(templates), dtype=np.int64)
        parts: list[Template | None] = []
        for i, t in enumerate(templates):
            parts.append(t)
            if t is not None:
                counts[i] = min(t.count, MAX_MINUTIAE)
        offsets = np.zeros(len(templates) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        total = int(offsets[-1])
        x = np.zeros(total, np.float32)
        y = np.zeros(total, np.float32)
        angle = np.zeros(total, np.float32)
        kind = np.zeros(total, np.uint8)
        mq = np.zeros(total, np.uint8)
        quality = np.zeros(len(templates), np.uint8)
        width, height = DEFAULT_WIDTH, DEFAULT_HEIGHT
        for i, t in enumerate(parts):
            if t is None:
                continue
            keep = _keep(t)
            a, b = offsets[i], offsets[i + 1]
            scale = np.float32(WORKING_PPI / t.ppi) if t.ppi > 0 else np.float32(1.0)
            x[a:b] = t.x[keep] * scale
            y[a:b] = t.y[keep] * scale
            angle[a:b] = t.angle[keep]
            kind[a:b] = t.kind[keep]
            mq[a:b] = t.minutia_quality[keep]
            quality[i] = max(0, min(100, int(t.quality)))
            width = max(width, round(t.width * float(scale)))
            height = max(height, round(t.height * float(scale)))
        return cls(offsets, x, y, angle, kind, mq, quality, width, height)


def _keep(t: Template) -> npt.NDArray[np.int64]:
    if t.count <= MAX_MINUTIAE:
        return np.arange(t.count)
    order = np.argsort(-t.minutia_quality.astype(np.int64), kind="stable")[:MAX_MINUTIAE]
    return np.sort(order)
