"""Smooth random fields: the slow variations of nature (ridge period, pressure, contrast).

A coarse grid of independent normal values, one every ``scale`` pixels, spread over the image
with separable Gaussian weights (σ = ``scale`` / 2, rows normalised): a cheap stand-in for a
Gaussian random field with correlation length ≈ ``scale``. Two small matrix products, so a
full-size field costs a few milliseconds; the result is rescaled to standard deviation 1.
"""

from __future__ import annotations

import numpy as np

from securecomm.afis.types import FloatArray


def _weights(length: int, nodes: int, scale: float) -> np.ndarray:
    """(length × nodes) Gaussian interpolation weights from nodes spaced ``scale`` apart."""
    positions = np.arange(length, dtype=np.float64)
    centres = (np.arange(nodes, dtype=np.float64) - 1.0) * scale
    w = np.exp(-0.5 * ((positions[:, None] - centres[None, :]) / (0.5 * scale)) ** 2)
    return w / w.sum(axis=1, keepdims=True)


def smooth_random_field(
    rng: np.random.Generator, size: tuple[int, int], scale: float
) -> FloatArray:
    """A field of ``size`` = (rows, cols), mean ≈ 0, sd 1, correlated over ``scale`` pixels."""
    rows, cols = size
    grid_rows = int(np.ceil(rows / scale)) + 3
    grid_cols = int(np.ceil(cols / scale)) + 3
    coarse = rng.standard_normal((grid_rows, grid_cols))
    field = _weights(rows, grid_rows, scale) @ coarse @ _weights(cols, grid_cols, scale).T
    field -= field.mean()
    sd = float(field.std())
    return (field / sd if sd > 0 else field).astype(np.float32)
