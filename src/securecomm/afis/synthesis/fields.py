"""Smooth random fields: the slow variations of nature (ridge period, pressure, contrast).

A coarse grid of independent normal values, one every ``scale`` pixels, interpolated with a
cubic spline: a cheap stand-in for a Gaussian random field with correlation length ≈ ``scale``
whose values have a standard deviation close to 1.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from securecomm.afis.types import FloatArray


def smooth_random_field(
    rng: np.random.Generator, size: tuple[int, int], scale: float
) -> FloatArray:
    """A field of ``size`` = (rows, cols), mean ≈ 0, sd ≈ 1, correlated over ``scale`` pixels."""
    rows, cols = size
    grid_rows = max(2, int(np.ceil(rows / scale)) + 2)
    grid_cols = max(2, int(np.ceil(cols / scale)) + 2)
    coarse = rng.standard_normal((grid_rows, grid_cols))
    yy = np.linspace(0.5, grid_rows - 1.5, rows)
    xx = np.linspace(0.5, grid_cols - 1.5, cols)
    coords = np.meshgrid(yy, xx, indexing="ij")
    field = ndimage.map_coordinates(coarse, coords, order=3, mode="nearest")
    sd = float(field.std())
    return (field / sd if sd > 0 else field).astype(np.float32)
