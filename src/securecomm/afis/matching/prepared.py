"""A template prepared for fast comparison: its MCC cylinders and pair geometry, as numpy arrays.

Preparing costs about 0.4 ms for 40 minutiae (0.9 ms for 80); comparing two prepared templates
costs tens of microseconds, so galleries keep templates prepared. Everything is a plain numpy array
(``to_arrays``/``from_arrays``), so a prepared template pickles, memory-maps or goes into an
``.npz`` unchanged. Coordinates are rescaled to 500 ppi and flipped to a y-up frame.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from securecomm.afis.matching import parameters as P
from securecomm.afis.matching.cylinders import build_cylinders
from securecomm.afis.types import Template

ARRAY_FIELDS = ("values", "masks", "minutia_index", "x", "y", "angle", "radial")


@dataclass(frozen=True, eq=False)
class PreparedTemplate:
    """Bit-wise MCC cylinders of the valid minutiae of one template, and their geometry."""

    #: (n, words) uint64 cylinder value bits and validity bits.
    values: npt.NDArray[np.uint64]
    masks: npt.NDArray[np.uint64]
    #: (n,) int16 index of each cylinder's minutia in the source template.
    minutia_index: npt.NDArray[np.int16]
    #: (n,) float32 position at 500 ppi, y up.
    x: npt.NDArray[np.float32]
    y: npt.NDArray[np.float32]
    #: (n,) uint8 direction in 1/256 turn.
    angle: npt.NDArray[np.uint8]
    #: (n, n) uint8: direction from minutia i to minutia k, relative to i's direction.
    radial: npt.NDArray[np.uint8]
    #: Number of minutiae in the source template (cylinders can be fewer).
    minutiae: int
    #: A content digest: orders the two sides of a comparison so that it is symmetric.
    key: int

    @property
    def count(self) -> int:
        return int(self.values.shape[0])

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {name: getattr(self, name) for name in ARRAY_FIELDS}
        arrays["header"] = np.array([self.minutiae, self.key], dtype=np.uint64)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> PreparedTemplate:
        header = arrays["header"]
        return cls(
            **{name: np.ascontiguousarray(arrays[name]) for name in ARRAY_FIELDS},
            minutiae=int(header[0]),
            key=int(header[1]),
        )


def prepare(template: Template) -> PreparedTemplate:
    """Compute the cylinders and pair geometry of ``template`` (MCC, bit-wise)."""
    scale = P.PPI / template.ppi if template.ppi > 0 else 1.0
    x = np.asarray(template.x, dtype=np.float64) * scale
    y = np.asarray(template.y, dtype=np.float64) * scale
    angle = np.asarray(template.angle, dtype=np.float64)
    cyl = build_cylinders(x, y, angle)
    idx = cyl.minutia_index.astype(np.intp)
    xs, ys, th = x[idx], -y[idx], angle[idx]
    units = np.rint(th * (P.ANGLE_UNITS / (2 * math.pi))).astype(np.int64) % P.ANGLE_UNITS
    direction = np.arctan2(ys[None, :] - ys[:, None], xs[None, :] - xs[:, None])
    radial = np.rint((direction - th[:, None]) * (P.ANGLE_UNITS / (2 * math.pi)))
    radial = (radial.astype(np.int64) % P.ANGLE_UNITS).astype(np.uint8)
    digest = hashlib.blake2b(digest_size=8)
    for part in (cyl.values, cyl.masks, units.astype(np.uint8), xs.astype(np.float32)):
        digest.update(np.ascontiguousarray(part).tobytes())
    return PreparedTemplate(
        values=cyl.values,
        masks=cyl.masks,
        minutia_index=cyl.minutia_index,
        x=xs.astype(np.float32),
        y=ys.astype(np.float32),
        angle=units.astype(np.uint8),
        radial=np.ascontiguousarray(radial),
        minutiae=template.count,
        key=int.from_bytes(digest.digest(), "little") >> 1,
    )
