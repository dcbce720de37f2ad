"""The values that pass between the stages of the fingerprint engine.

Conventions (all stages, all formats):
- Coordinates are pixels at the template's ``ppi``; the working resolution is 500 ppi, and
  templates made by our extractor are at 500 ppi. The origin is the image's top-left corner,
  x to the right, y down.
- A minutia's ``angle`` is in radians in [0, 2π), counter-clockwise from the x axis as seen on
  screen (so toward −y for π/2), giving the ridge direction at the minutia in the sense of
  ISO/IEC 19794-2 (``templates/iso19794_2.py`` documents the exact mapping of both kinds):
  a ridge ending points from the ending along its ridge, into the ridge's body; a bifurcation
  points from the fork into the valley between its two branches (a bifurcation is the ending
  of that valley). Measured on the third-party FVC ``.iso`` templates against our extractor
  (FVC2002 DB1, 739 minutiae paired by position and kind): every pair agrees in sense, median
  difference 4°.
- ``kind``: 1 ridge ending, 2 bifurcation, 0 other/unknown (ISO codes).
- ``quality``: 0–100 per minutia (0 = not reported), and 0–100 for the whole print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

WORKING_PPI = 500

FloatArray = npt.NDArray[np.float32]
ByteArray = npt.NDArray[np.uint8]


class MinutiaKind(IntEnum):
    OTHER = 0
    ENDING = 1
    BIFURCATION = 2


class FingerPosition(IntEnum):
    """ANSI/NIST-ITL finger position codes (FGP)."""

    UNKNOWN = 0
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10


@dataclass(frozen=True)
class FingerImage:
    """An 8-bit grayscale fingerprint image (rows × columns) and its resolution."""

    pixels: ByteArray
    ppi: float = WORKING_PPI
    position: FingerPosition = FingerPosition.UNKNOWN

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


@dataclass(frozen=True, eq=False)
class Template:
    """A minutiae template: parallel arrays, one entry per minutia.

    Arrays are read-only numpy arrays so that templates can be shared between threads and
    memory-mapped galleries without copies.
    """

    width: int
    height: int
    x: FloatArray
    y: FloatArray
    angle: FloatArray
    kind: ByteArray
    minutia_quality: ByteArray
    ppi: float = WORKING_PPI
    #: Whole-print quality 0–100 (NFIQ-like; higher is better); 0 when unknown.
    quality: int = 0
    position: FingerPosition = FingerPosition.UNKNOWN
    #: Free-form provenance, e.g. {"source": "iso19794-2"}; not part of equality.
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.x)
        for name in ("y", "angle", "kind", "minutia_quality"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"Template.{name} has {len(getattr(self, name))} entries, x has {n}"
                )

    @property
    def count(self) -> int:
        return len(self.x)

    @classmethod
    def from_arrays(
        cls,
        width: int,
        height: int,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        angle: npt.ArrayLike,
        kind: npt.ArrayLike | None = None,
        minutia_quality: npt.ArrayLike | None = None,
        **kwargs: object,
    ) -> Template:
        xs = np.asarray(x, dtype=np.float32)
        n = len(xs)
        arrays = {
            "x": xs,
            "y": np.asarray(y, dtype=np.float32),
            "angle": np.mod(np.asarray(angle, dtype=np.float32), np.float32(2 * np.pi)),
            "kind": np.asarray(kind if kind is not None else np.zeros(n), dtype=np.uint8),
            "minutia_quality": np.asarray(
                minutia_quality if minutia_quality is not None else np.zeros(n), dtype=np.uint8
            ),
        }
        for a in arrays.values():
            a.setflags(write=False)
        return cls(width=width, height=height, **arrays, **kwargs)  # type: ignore[arg-type]  # the arrays are the typed fields, by name

    def same_minutiae(self, other: Template, *, tol: float = 1e-4) -> bool:
        """True when both hold the same minutiae in the same order (within ``tol``)."""
        return (
            self.count == other.count
            and bool(np.allclose(self.x, other.x, atol=tol))
            and bool(np.allclose(self.y, other.y, atol=tol))
            and bool(np.allclose(self.angle, other.angle, atol=tol))
            and bool(np.array_equal(self.kind, other.kind))
        )
