"""The fast extraction kernels give exactly the templates of the implementation they replaced.

The digests below were computed by the extractor and ``matching.prepare`` at commit 825168f,
before the numba kernels (block sums, bilinear upsampling, gradients, orientation field,
segmentation morphology, border distances, enhancement tiles, speck removal, cylinders), on
real images: two impressions per FVC set and the two rolled 804 × 752 prints of the shared
WSQ samples. A digest covers every coordinate, angle (float32 bytes), kind and minutia quality,
the print quality, and every array of the prepared template, so any change of a single bit
fails. The kernels also have their own checks against the numpy expressions they replaced.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from securecomm.afis.extraction import DEFAULT_PARAMETERS, extract, extract_features
from securecomm.afis.extraction.blocks import (
    block_mean,
    block_mean_and_square,
    block_mean_products,
    gaussian_smooth,
    upsample,
)
from securecomm.afis.extraction.enhancement import _within_city_block
from securecomm.afis.extraction.minutiae import border_distance
from securecomm.afis.extraction.orientation import _field, gaussian_gradients, screen_orientation
from securecomm.afis.extraction.segmentation import _clean, _disk
from securecomm.afis.extraction.skeleton import _remove_small
from securecomm.afis.image import load_image
from securecomm.afis.matching import prepare
from securecomm.afis.types import Template

#: image → (minutiae, template digest, prepared-template digest), from commit 825168f.
GOLDEN = {
    "fvc2002/DB1_B/101_1": (24, "e8824fc7301db4ba0e6ffb48", "d29a843d85b405bcaabffbe1"),
    "fvc2002/DB1_B/105_3": (43, "5413866958dedd37beaccd5d", "5d7ac316cbbe101ddabb4db3"),
    "fvc2002/DB2_B/102_2": (52, "e133df1db906a131ff282fc7", "79a91fadb3163784dff99c3e"),
    "fvc2002/DB2_B/108_5": (36, "9a1557c9c89ed2ec720429f9", "e8291580448c16841d9e6ee8"),
    "fvc2002/DB3_B/103_1": (19, "d859a1b34d46d24eb48a738f", "3d8dc1b4242e100875f7a9ac"),
    "fvc2002/DB3_B/110_7": (15, "3dc077b3bb99249ced19a464", "f14a7a9327488a716a7b82af"),
    "fvc2002/DB4_B/104_4": (24, "6eb2637157dde0461cfc4910", "bf54766d1eb0471104e07b15"),
    "fvc2002/DB4_B/109_8": (33, "2c0838244d13d98eaaed0cce", "3217fa9f5b7bb0cc085d1ff5"),
    "fvc2004/DB1_B/101_1": (23, "654aef2d9a4b1929fc5e96ef", "4293d84f873d432a4dd35b5a"),
    "fvc2004/DB1_B/106_6": (14, "efbef84e7e9d0f7cece9e497", "6104b4bc3a605214464ff690"),
    "wsq/fp-1": (80, "d2d865e4cdb19960e654f405", "0837ebb2eae393baf72e374c"),
    "wsq/fp-2": (80, "1f076c8bfa56ce24bcc1dd61", "b2c1762b1a66e9bf744c818a"),
}


def template_digest(t: Template) -> str:
    h = hashlib.sha256()
    for part in (t.x, t.y, t.angle, t.kind, t.minutia_quality):
        h.update(np.ascontiguousarray(part).tobytes())
    h.update(str(int(t.quality)).encode())
    return h.hexdigest()[:24]


def prepared_digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in ("values", "masks", "minutia_index", "x", "y", "angle", "radial", "header"):
        h.update(np.ascontiguousarray(arrays[name]).tobytes())
    return h.hexdigest()[:24]


def load(shared_data: Path, name: str):  # type: ignore[no-untyped-def]
    if name.startswith("wsq/"):
        return load_image(shared_data / "ansinist" / "wsq" / f"{name[4:]}.wsq")
    return load_image(shared_data / "fvc" / f"{name}.png", ppi=569.0 if "DB2" in name else 500.0)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_template_and_cylinders_unchanged(shared_data: Path, name: str) -> None:
    count, template_hash, prepared_hash = GOLDEN[name]
    template = extract(load(shared_data, name))
    assert template.count == count
    assert template_digest(template) == template_hash
    assert prepared_digest(prepare(template).to_arrays()) == prepared_hash


# --- the kernels against the numpy expressions they replaced ------------------------------


def reference_block_mean(values: np.ndarray, block: int) -> np.ndarray:
    h, w = values.shape
    rows, cols = -(-h // block), -(-w // block)
    padded = np.zeros((rows * block, cols * block), dtype=np.float64)
    weight = np.zeros_like(padded)
    padded[:h, :w] = values
    weight[:h, :w] = 1.0
    total = padded.reshape(rows, block, cols, block).sum(axis=(1, 3))
    count = weight.reshape(rows, block, cols, block).sum(axis=(1, 3))
    return (total / np.maximum(count, 1.0)).astype(np.float32)


def reference_upsample(coarse: np.ndarray, factor: int, shape: tuple[int, int]) -> np.ndarray:
    def weights(size: int, cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pos = np.clip((np.arange(size) - (factor - 1) / 2.0) / factor, 0.0, cells - 1)
        low = np.floor(pos).astype(int)
        return low, np.minimum(low + 1, cells - 1), (pos - low).astype(np.float32)

    r_low, r_high, r_frac = weights(shape[0], coarse.shape[0])
    c_low, c_high, c_frac = weights(shape[1], coarse.shape[1])
    grid = coarse.astype(np.float32)
    rows = grid[r_low] * (1.0 - r_frac)[:, None] + grid[r_high] * r_frac[:, None]
    return (rows[:, c_low] * (1.0 - c_frac) + rows[:, c_high] * c_frac).astype(np.float32)


images = st.tuples(st.integers(1, 70), st.integers(1, 70), st.integers(0, 2**32 - 1))


@settings(max_examples=40, deadline=None)
@given(images, st.sampled_from([1, 3, 4, 8]))
def test_block_sums_match_numpy(spec: tuple[int, int, int], block: int) -> None:
    h, w, seed = spec
    rng = np.random.default_rng(seed)
    a = rng.normal(scale=3.0, size=(h, w)).astype(np.float32)
    b = rng.normal(size=(h, w)).astype(np.float32)
    pixels = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
    assert np.array_equal(block_mean(a, block), reference_block_mean(a, block))
    ab, aa, bb = block_mean_products(a, b, block)
    assert np.array_equal(ab, reference_block_mean(a * b, block))
    assert np.array_equal(aa, reference_block_mean(a * a, block))
    assert np.array_equal(bb, reference_block_mean(b * b, block))
    mean, square = block_mean_and_square(pixels, block)
    image = pixels.astype(np.float32)
    assert np.array_equal(mean, reference_block_mean(image, block))
    assert np.array_equal(square, reference_block_mean(image * image, block))


@settings(max_examples=40, deadline=None)
@given(images, st.sampled_from([2, 4, 16]))
def test_upsample_matches_numpy(spec: tuple[int, int, int], factor: int) -> None:
    h, w, seed = spec
    rng = np.random.default_rng(seed)
    coarse = rng.normal(size=(-(-h // factor), -(-w // factor))).astype(np.float32)
    assert np.array_equal(
        upsample(coarse, factor, (h, w)), reference_upsample(coarse, factor, (h, w))
    )


@settings(max_examples=40, deadline=None)
@given(images, st.floats(0.3, 0.99))
def test_border_distance_is_the_euclidean_distance_transform(
    spec: tuple[int, int, int], density: float
) -> None:
    h, w, seed = spec
    rng = np.random.default_rng(seed)
    mask = ndimage.binary_opening(rng.random((h, w)) < density) | (rng.random((h, w)) < 0.02)
    expected = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    ys, xs = np.nonzero(np.ones((h, w), dtype=bool))
    assert np.array_equal(border_distance(mask, ys, xs), expected[ys, xs])


@settings(max_examples=40, deadline=None)
@given(images, st.floats(0.05, 0.95), st.integers(0, 10))
def test_city_block_neighbourhood_is_repeated_cross_dilation(
    spec: tuple[int, int, int], density: float, radius: int
) -> None:
    h, w, seed = spec
    mask = np.random.default_rng(seed).random((h, w)) < density * 0.2
    expected = ndimage.binary_dilation(mask, iterations=radius) if radius else mask
    assert np.array_equal(_within_city_block(mask, radius), expected)


@settings(max_examples=40, deadline=None)
@given(images, st.floats(0.2, 0.8))
def test_speck_removal_keeps_the_large_4_connected_components(
    spec: tuple[int, int, int], density: float
) -> None:
    h, w, seed = spec
    binary = np.random.default_rng(seed).random((h, w)) < density
    labels, _ = ndimage.label(binary)
    sizes = np.bincount(labels.ravel())
    keep = sizes >= 12
    keep[0] = False
    assert np.array_equal(_remove_small(binary), keep[labels])


@settings(max_examples=30, deadline=None)
@given(images)
def test_orientation_field_arithmetic_matches_numpy(spec: tuple[int, int, int]) -> None:
    h, w, seed = spec
    rng = np.random.default_rng(seed)
    cos2 = rng.uniform(-1, 1, (h, w)).astype(np.float32)
    sin2 = rng.uniform(-1, 1, (h, w)).astype(np.float32)
    sin2[0, 0] = cos2[0, 0] = 0.0
    angle, unit_cos, unit_sin = _field(cos2, sin2, np.arctan2(sin2, cos2))
    norm = np.maximum(np.hypot(cos2, sin2), 1e-9)
    expected = np.mod(0.5 * np.arctan2(sin2, cos2), np.pi).astype(np.float32)
    assert np.array_equal(angle, expected)
    assert np.array_equal(unit_cos, (cos2 / norm).astype(np.float32))
    assert np.array_equal(unit_sin, (sin2 / norm).astype(np.float32))
    assert np.array_equal(screen_orientation(angle), np.mod(-angle, np.pi).astype(np.float32))


@settings(max_examples=40, deadline=None)
@given(images, st.sampled_from([0.7, 1.0, 1.5]))
def test_gradients_equal_ndimage_derivative_of_gaussian(
    spec: tuple[int, int, int], sigma: float
) -> None:
    h, w, seed = spec
    image = np.random.default_rng(seed).normal(size=(h, w)).astype(np.float32)
    gx, gy = gaussian_gradients(image, sigma)
    assert np.array_equal(gx, ndimage.gaussian_filter(image, sigma, order=(0, 1), truncate=3.0))
    assert np.array_equal(gy, ndimage.gaussian_filter(image, sigma, order=(1, 0), truncate=3.0))


def reference_clean(cells: np.ndarray) -> np.ndarray:
    """The segmentation clean-up with scipy.ndimage, as before the numba kernels."""
    p = DEFAULT_PARAMETERS
    close = max(1, round(p.segmentation_closing_radius / p.coarse_factor))
    open_ = max(1, round(p.segmentation_opening_radius / p.coarse_factor))
    padded = np.pad(cells, close, mode="constant")
    cells = ndimage.binary_closing(padded, structure=_disk(close))[close:-close, close:-close]
    cells = ndimage.binary_fill_holes(cells)
    cells = ndimage.binary_opening(cells, structure=_disk(open_))
    labels, count = ndimage.label(cells)
    if count > 1:
        sizes = np.bincount(labels.ravel())[1:]
        keep = np.flatnonzero(sizes >= p.segmentation_min_component_ratio * sizes.max()) + 1
        cells = np.isin(labels, keep)
    return cells


@settings(max_examples=60, deadline=None)
@given(images, st.floats(0.2, 0.9), st.sampled_from(["noise", "opened", "blobs"]))
def test_segmentation_clean_up_equals_ndimage_morphology(
    spec: tuple[int, int, int], density: float, kind: str
) -> None:
    h, w, seed = spec
    rng = np.random.default_rng(seed)
    cells = rng.random((h, w)) < density
    if kind == "opened":
        cells = ndimage.binary_opening(cells)
    elif kind == "blobs":
        cells = ndimage.gaussian_filter(rng.random((h, w)), 3.0) > 0.5
    assert np.array_equal(_clean(cells, DEFAULT_PARAMETERS), reference_clean(cells))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 60),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.4, 1.5, 2.5, 3.0, 7.0]),
    st.sampled_from([2.5, 3.0]),
    st.sampled_from([np.float32, np.float64]),
)
def test_coarse_smoothing_equals_ndimage_gaussian_filter(
    h: int, w: int, seed: int, sigma: float, truncate: float, dtype: type
) -> None:
    image = np.random.default_rng(seed).normal(size=(h, w)).astype(dtype)
    expected = ndimage.gaussian_filter(image, sigma, mode="nearest", truncate=truncate)
    assert np.array_equal(gaussian_smooth(image, sigma, truncate), expected)


def test_extract_gives_the_template_of_extract_features(shared_data: Path) -> None:
    image = load(shared_data, "fvc2002/DB1_B/101_1")
    assert template_digest(extract(image)) == template_digest(extract_features(image).template)
