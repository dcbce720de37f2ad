"""Foreground segmentation: which part of the image holds the print.

Method: block-wise gray-level variance and orientation coherence (Mehtre 1993; Bazen and
Gerez 2001, "Segmentation of fingerprint images"), with the contrast threshold set per image by
Otsu's method on the contrast histogram (bounded, relative to the image's own contrast), then
morphological clean-up (closing, hole filling, opening, removal of small components) as in
SourceAFIS' segmentation mask. Works on the coarse grid of the orientation stage.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from securecomm.afis.extraction.blocks import expand_nearest
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.types import FloatArray


def segment(
    coarse_deviation: FloatArray,
    coarse_coherence: FloatArray,
    shape: tuple[int, int],
    params: ExtractionParameters,
) -> np.ndarray:
    """Per-pixel foreground mask (bool) from the coarse contrast and coherence maps."""
    factor = params.coarse_factor
    reference = float(np.percentile(coarse_deviation, 95))
    if reference <= 0:
        return np.zeros(shape, dtype=bool)
    ratio = coarse_deviation / reference
    threshold = float(
        np.clip(
            _otsu(ratio),
            params.segmentation_contrast_ratio,
            params.segmentation_max_contrast_ratio,
        )
    )
    cells = (ratio >= threshold) & (coarse_coherence >= params.segmentation_min_coherence)
    cells = _clean(cells, params)
    return np.ascontiguousarray(expand_nearest(cells, factor, shape))


def _clean(cells: np.ndarray, params: ExtractionParameters) -> np.ndarray:
    close = max(1, round(params.segmentation_closing_radius / params.coarse_factor))
    open_ = max(1, round(params.segmentation_opening_radius / params.coarse_factor))
    padded = np.pad(cells, close, mode="constant")
    cells = ndimage.binary_closing(padded, structure=_disk(close))[close:-close, close:-close]
    cells = ndimage.binary_fill_holes(cells)
    cells = ndimage.binary_opening(cells, structure=_disk(open_))
    labels, count = ndimage.label(cells)
    if count > 1:
        sizes = np.bincount(labels.ravel())[1:]
        keep = np.flatnonzero(sizes >= params.segmentation_min_component_ratio * sizes.max()) + 1
        cells = np.isin(labels, keep)
    return cells


def _otsu(values: np.ndarray, bins: int = 64) -> float:
    """Otsu's (1979) threshold of ``values`` in [0, 1]: the split maximising the between-class
    variance, here between background and print contrast."""
    hist, edges = np.histogram(np.clip(values, 0.0, 1.0), bins=bins, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2.0
    weight0 = np.cumsum(hist)
    weight1 = weight0[-1] - weight0
    sum0 = np.cumsum(hist * centres)
    mean0 = sum0 / np.maximum(weight0, 1)
    mean1 = (sum0[-1] - sum0) / np.maximum(weight1, 1)
    between = weight0 * weight1 * (mean0 - mean1) ** 2
    return float(edges[1:][np.argmax(between)])


def _disk(radius: int) -> np.ndarray:
    r = np.arange(-radius, radius + 1)
    return (r[:, None] ** 2 + r[None, :] ** 2) <= radius * radius + radius
