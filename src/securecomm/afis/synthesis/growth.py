"""Iterative Gabor growth of the ridge pattern from random seeds (SFinGe).

Cappelli, Erol & Maio, "Synthetic fingerprint-image generation" (ICPR 2000), and Maltoni et
al., *Handbook of Fingerprint Recognition*, §7.5: start from an empty image holding a few
random seeds; repeatedly filter it with a Gabor filter tuned, pixel by pixel, to the local ridge
orientation and period, and clip the result. Ridges grow out of the seeds along the
orientation field; where growth fronts from different seeds meet with mismatched phase, the
filter resolves the conflict by ending or splitting a ridge — which is where the minutiae come
from, as on real fingers.

Speed: the space-variant filter is a numba loop over a precomputed bank (orientation bins ×
period bins, zero-mean even-symmetric Gabor kernels, each normalised so that an ideal ridge
pattern of its own orientation and period gives 1). Only "active" pixels are filtered — those
whose neighbourhood changed in the previous pass — so the cost follows the growth front and,
late on, the few places that still settle. The loop is single-threaded and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
from scipy import ndimage

from securecomm.afis.synthesis.parameters import MasterParameters
from securecomm.afis.types import FloatArray

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class GaborBank:
    """Kernels ``[orientation, period, 2R+1, 2R+1]`` and each period bin's support radius."""

    kernels: npt.NDArray[np.float32]
    radii: npt.NDArray[np.int64]
    periods: npt.NDArray[np.float32]

    @property
    def max_radius(self) -> int:
        return int(self.radii.max())


_BANKS: dict[tuple[int, int, float, float, float, float], GaborBank] = {}


def gabor_bank(params: MasterParameters, downsample: int = 1) -> GaborBank:
    """The filter bank for ``params`` at 1/``downsample`` resolution (built once, cached)."""
    key = (
        params.orientation_bins,
        params.period_bins,
        params.period_bank_range[0] / downsample,
        params.period_bank_range[1] / downsample,
        params.gabor_sigma_factor,
        params.gabor_radius_sigmas,
    )
    bank = _BANKS.get(key)
    if bank is None:
        bank = _build_bank(*key)
        _BANKS[key] = bank
    return bank


def _build_bank(
    n_orient: int,
    n_period: int,
    p_lo: float,
    p_hi: float,
    sigma_factor: float,
    radius_sigmas: float,
) -> GaborBank:
    periods = np.linspace(p_lo, p_hi, n_period).astype(np.float32)
    sigmas = sigma_factor * periods
    radii = np.ceil(radius_sigmas * sigmas).astype(np.int64)
    rmax = int(radii.max())
    dy, dx = np.mgrid[-rmax : rmax + 1, -rmax : rmax + 1].astype(np.float64)
    kernels = np.zeros((n_orient, n_period, 2 * rmax + 1, 2 * rmax + 1), dtype=np.float32)
    for o in range(n_orient):
        theta = np.pi * o / n_orient
        # Distance across the ridges: along the normal (sin θ, cos θ) in (x, y-down) pixels.
        across = dx * np.sin(theta) + dy * np.cos(theta)
        for p, (period, sigma, radius) in enumerate(zip(periods, sigmas, radii, strict=True)):
            inside = (np.abs(dx) <= radius) & (np.abs(dy) <= radius)
            envelope = np.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) * inside
            carrier = np.cos(2 * np.pi * across / period)
            kernel = envelope * carrier
            kernel -= envelope * (kernel.sum() / envelope.sum())  # zero mean: no DC growth
            # Normalise: an ideal pattern cos(2π·across/T) of the same θ and T answers 1.
            kernel /= float((kernel * carrier).sum())
            kernels[o, p] = kernel
    return GaborBank(kernels=kernels, radii=radii, periods=periods)


@numba.njit(cache=True, nogil=True, fastmath=True)
def _filter_pass(
    padded: np.ndarray,
    out: np.ndarray,
    active_rows: np.ndarray,
    active_cols: np.ndarray,
    orient_bin: np.ndarray,
    period_bin: np.ndarray,
    kernels: np.ndarray,
    radii: np.ndarray,
    rmax: int,
    gain: float,
    tolerance: float,
    changed: np.ndarray,
) -> int:
    """Filter the active pixels of ``padded`` into ``out``; mark and count the changed ones."""
    n_changed = 0
    for i in range(active_rows.shape[0]):
        r = active_rows[i]
        c = active_cols[i]
        o = orient_bin[r, c]
        p = period_bin[r, c]
        rad = radii[p]
        acc = np.float32(0.0)
        k0 = rmax - rad
        for i in range(2 * rad + 1):
            for j in range(2 * rad + 1):
                acc += kernels[o, p, k0 + i, k0 + j] * padded[r + k0 + i, c + k0 + j]
        # float(): numba types ``gain`` as float64, so ``gain * acc`` already is a float64
        # (NumPy's stubs say float32, by the Python-scalar rule); the call changes nothing.
        v = float(gain * acc)
        if v > 1.0:
            v = 1.0
        elif v < -1.0:
            v = -1.0
        old = padded[r + rmax, c + rmax]
        out[r, c] = v
        if abs(v - old) > tolerance:
            changed[r, c] = True
            n_changed += 1
    return n_changed


def _seed_image(
    mask: BoolArray,
    orientation: FloatArray,
    period: FloatArray,
    rng: np.random.Generator,
    params: MasterParameters,
    pixel_area: float,
) -> FloatArray:
    """Small patches of ideal ridge pattern with random phase at random points of the mask.

    ``pixel_area`` is the full-resolution area of one pixel of ``mask`` (the seed density is
    per 10,000 full-resolution pixels).
    """
    rows, cols = mask.shape
    image = np.zeros((rows, cols), dtype=np.float32)
    ys, xs = np.nonzero(mask)
    count = max(1, round(params.seed_density * len(ys) * pixel_area / 10_000))
    picks = rng.choice(len(ys), size=count, replace=False)
    radius = 3
    dy, dx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    disc = dx * dx + dy * dy <= radius * radius
    for k in picks:
        y, x = int(ys[k]), int(xs[k])
        theta = float(orientation[y, x])
        t = float(period[y, x])
        phase = float(rng.uniform(0, 2 * np.pi))
        across = dx * np.sin(theta) + dy * np.cos(theta)
        patch = np.cos(2 * np.pi * across / t + phase)
        y0, y1 = max(0, y - radius), min(rows, y + radius + 1)
        x0, x1 = max(0, x - radius), min(cols, x + radius + 1)
        sub = (slice(y0 - y + radius, y1 - y + radius), slice(x0 - x + radius, x1 - x + radius))
        image[y0:y1, x0:x1] = np.where(disc[sub], patch[sub], image[y0:y1, x0:x1])
    image[~mask] = 0.0
    return image


def grow_ridges(
    mask: BoolArray,
    orientation: FloatArray,
    period: FloatArray,
    rng: np.random.Generator,
    params: MasterParameters,
) -> tuple[FloatArray, int]:
    """Grow the ridge pattern; return it (values in [−1, 1], > 0 on ridges) and the passes run.

    The growth runs at 1/``growth_downsample`` resolution (the ridge period is still ≥ 4
    pixels there, and each pass costs ``downsample``⁴ times less), is interpolated back to full
    resolution with a cubic spline, and ``polish_passes`` full-resolution passes restore the
    exact ridge shape.
    """
    f = params.growth_downsample
    low_mask = mask[::f, ::f]
    # float32 / int stays float32 in NumPy 2; the stubs say float64, so say it (no copy).
    low_period = (period[::f, ::f] / f).astype(np.float32, copy=False)
    low, passes = _grow(
        low_mask,
        orientation[::f, ::f],
        low_period,
        _seed_image(low_mask, orientation[::f, ::f], low_period, rng, params, f * f),
        gabor_bank(params, f),
        params,
        params.max_iterations,
        until_covered=True,
    )
    if f > 1:
        zoomed = ndimage.zoom(low, f, order=3, grid_mode=True, mode="grid-constant")
        image = np.zeros(mask.shape, dtype=np.float32)
        r, c = min(mask.shape[0], zoomed.shape[0]), min(mask.shape[1], zoomed.shape[1])
        image[:r, :c] = np.clip(zoomed[:r, :c], -1.0, 1.0)
        image[~mask] = 0.0
        # Plateaus of the interpolated pattern are already saturated; only the ridge flanks
        # need the full-resolution filter.
        flanks = mask & (np.abs(image) < params.polish_level)
        image, polished = _grow(
            mask,
            orientation,
            period,
            image,
            gabor_bank(params, 1),
            params,
            params.polish_passes,
            until_covered=False,
            first_active=flanks,
        )
        passes += polished
    else:
        image = low
    return image, passes


def _grow(
    mask: BoolArray,
    orientation: FloatArray,
    period: FloatArray,
    image: FloatArray,
    bank: GaborBank,
    params: MasterParameters,
    max_passes: int,
    *,
    until_covered: bool,
    first_active: BoolArray | None = None,
) -> tuple[FloatArray, int]:
    rmax = bank.max_radius
    n_orient = params.orientation_bins
    orient_bin = (np.rint(orientation / np.pi * n_orient).astype(np.int64)) % n_orient
    lo, hi = float(bank.periods[0]), float(bank.periods[-1])
    step = (hi - lo) / (len(bank.periods) - 1)
    period_bin = np.clip(np.rint((period - lo) / step), 0, len(bank.periods) - 1)
    period_bin = period_bin.astype(np.int64)

    padded = np.zeros((mask.shape[0] + 2 * rmax, mask.shape[1] + 2 * rmax), dtype=np.float32)
    inner = (slice(rmax, rmax + mask.shape[0]), slice(rmax, rmax + mask.shape[1]))
    padded[inner] = image
    changed = image != 0
    mask_area = int(mask.sum())
    passes = 0
    settle_left: int | None = None
    for passes in range(1, max_passes + 1):
        if passes == 1 and first_active is not None:
            active = first_active
        else:
            active = ndimage.maximum_filter(changed.view(np.uint8), size=2 * rmax + 1) > 0
            active &= mask
        active_rows, active_cols = np.nonzero(active)
        out = padded[inner].copy()
        changed = np.zeros(mask.shape, dtype=bool)
        _filter_pass(
            padded,
            out,
            active_rows,
            active_cols,
            orient_bin,
            period_bin,
            bank.kernels,
            bank.radii,
            rmax,
            params.growth_gain,
            params.change_tolerance,
            changed,
        )
        padded[inner] = out
        if not until_covered:
            continue
        if settle_left is None:
            reached = ndimage.maximum_filter(np.abs(out), size=5) > params.covered_level
            if np.count_nonzero(reached[mask]) >= params.covered_fraction * mask_area:
                settle_left = params.settle_passes
        else:
            settle_left -= 1
        if settle_left == 0:
            break
    return padded[inner].copy(), passes
