"""The numba cylinder builder gives exactly the cylinders of the dense numpy implementation it
replaced (commit 825168f), which is kept here as the reference.

Checked on every ISO template of two FVC sets, on digests of the prepared templates computed
before the change, and on random templates (dense, sparse, collinear, duplicated minutiae).
(Nearly collinear minutiae — a sliver of a hull — are left out of the random check: whether
qhull, used before, or the monotone chain sees a sliver or a line there depends on rounding.)
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull, QhullError
from scipy.special import erf

from securecomm.afis.matching import parameters as P
from securecomm.afis.matching import prepare
from securecomm.afis.matching.cylinders import (
    _wrap,
    build_cylinders,
    cell_offsets,
    words_per_cylinder,
)
from securecomm.afis.templates import read_template

#: ISO template → digest of its prepared arrays, computed at commit 825168f.
GOLDEN = {
    "fvc2002/DB1_B/101_1": "45e86a342a5f6567507b7e00",
    "fvc2002/DB2_B/107_3": "8a3909f67c3bc982575922b9",
    "fvc2002/DB3_B/110_8": "848c7d588ea28c4aa75af222",
    "fvc2004/DB1_B/104_2": "fa0fcb63ab0e1baecd1391ab",
}


def prepared_digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in ("values", "masks", "minutia_index", "x", "y", "angle", "radial", "header"):
        h.update(np.ascontiguousarray(arrays[name]).tobytes())
    return h.hexdigest()[:24]


def reference_cylinders(
    x: np.ndarray, y: np.ndarray, angle: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The dense numpy builder of commit 825168f (values, masks, minutia index)."""
    xs = np.asarray(x, dtype=np.float64)
    ys = -np.asarray(y, dtype=np.float64)
    th = np.asarray(angle, dtype=np.float64)
    n = len(xs)
    offsets = cell_offsets()
    n_cells = len(offsets)
    words = words_per_cylinder()
    cos, sin = np.cos(th), np.sin(th)
    cx = xs[:, None] + offsets[None, :, 0] * cos[:, None] - offsets[None, :, 1] * sin[:, None]
    cy = ys[:, None] + offsets[None, :, 0] * sin[:, None] + offsets[None, :, 1] * cos[:, None]
    centres = np.stack([cx.ravel(), cy.ravel()], axis=1)
    points = np.stack([xs, ys], axis=1)
    outside = np.zeros(len(centres))
    if n >= 3:
        try:
            hull = ConvexHull(points)
            outside = np.maximum(
                (centres @ hull.equations[:, :2].T + hull.equations[:, 2]).max(1), 0
            )
        except QhullError:
            pass
    valid_cell = (outside <= P.HULL_MARGIN).reshape(n, n_cells)
    dx = cx[:, :, None] - xs[None, None, :]
    dy = cy[:, :, None] - ys[None, None, :]
    d2 = dx * dx + dy * dy
    spatial = np.exp(-d2 / (2 * P.SIGMA_S**2)) / (P.SIGMA_S * math.sqrt(2 * math.pi))
    spatial[d2 > (3 * P.SIGMA_S) ** 2] = 0.0
    spatial[np.arange(n), :, np.arange(n)] = 0.0

    def wrap(a: np.ndarray) -> np.ndarray:
        return (a + math.pi) % (2 * math.pi) - math.pi

    dtheta = wrap(th[None, :] - th[:, None])
    width = 2 * math.pi / P.SECTIONS
    centres_k = -math.pi + (np.arange(P.SECTIONS) + 0.5) * width
    diff = wrap(centres_k[None, None, :] - dtheta[:, :, None])
    scale = math.sqrt(2) * P.SIGMA_D
    directional = 0.5 * (erf((diff + width / 2) / scale) - erf((diff - width / 2) / scale))
    bits = np.einsum("mct,mtk->mck", spatial, directional) > P.MU_PSI
    mask_bits = np.repeat(valid_cell[:, :, None], P.SECTIONS, axis=2)
    dist = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :])
    neighbours = (dist <= P.RADIUS + 3 * P.SIGMA_S).sum(axis=1) - 1
    keep = (valid_cell.sum(axis=1) >= P.MIN_VALID_CELL_FRACTION * n_cells) & (
        neighbours >= P.MIN_NEIGHBOURS
    )
    idx = np.flatnonzero(keep)

    def pack(b: np.ndarray) -> np.ndarray:
        padded = np.zeros((b.shape[0], words * 64), dtype=bool)
        padded[:, : b.shape[1]] = b
        packed = np.packbits(padded, axis=1, bitorder="little")
        return np.ascontiguousarray(packed).view("<u8").astype(np.uint64).reshape(-1, words)

    flat = n_cells * P.SECTIONS
    return pack(bits[idx].reshape(-1, flat)), pack(mask_bits[idx].reshape(-1, flat)), idx


def assert_same_cylinders(x: np.ndarray, y: np.ndarray, angle: np.ndarray) -> None:
    values, masks, idx = reference_cylinders(x, y, angle)
    got = build_cylinders(x, y, angle)
    assert np.array_equal(got.minutia_index, idx.astype(np.int16))
    assert np.array_equal(got.values, values)
    assert np.array_equal(got.masks, masks)


@pytest.mark.parametrize("folder", ["fvc2002/DB2_B", "fvc2004/DB1_B"])
def test_cylinders_equal_the_reference_on_fvc_iso_templates(shared_data: Path, folder: str) -> None:
    files = sorted((shared_data / "fvc" / folder).glob("*.iso"))
    assert len(files) == 80
    for path in files:
        t = read_template(path)
        scale = P.PPI / t.ppi
        assert_same_cylinders(t.x * scale, t.y * scale, np.asarray(t.angle, dtype=np.float64))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_prepared_templates_unchanged(shared_data: Path, name: str) -> None:
    template = read_template(shared_data / "fvc" / f"{name}.iso")
    assert prepared_digest(prepare(template).to_arrays()) == GOLDEN[name]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 90),
    st.floats(20.0, 800.0),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["random", "collinear", "duplicates", "grid"]),
)
def test_cylinders_equal_the_reference_on_random_templates(
    n: int, extent: float, seed: int, layout: str
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, extent, n)
    y = rng.uniform(0, extent, n)
    if layout == "collinear":  # exactly: no area, every cell inside the hull for both
        y = np.full(n, 0.5 * extent)
    elif layout == "duplicates" and n > 1:
        x[n // 2 :] = x[: n - n // 2]
        y[n // 2 :] = y[: n - n // 2]
    elif layout == "grid":
        x, y = np.round(x / 10) * 10, np.round(y / 10) * 10
    angle = rng.uniform(0, 2 * math.pi, n)
    if n == 0:
        assert build_cylinders(x, y, angle).values.shape == (0, words_per_cylinder())
        return
    assert_same_cylinders(x, y, angle)


def test_angle_wrap_equals_numpy_remainder_at_the_branch_edges() -> None:
    values = [0.0, -0.0]
    for edge in (-3 * math.pi, -math.pi, math.pi, 3 * math.pi, 5 * math.pi, 2 * math.pi):
        x = edge
        for _ in range(4):
            x = float(np.nextafter(x, -np.inf))
        for _ in range(9):
            values.append(x)
            x = float(np.nextafter(x, np.inf))
    rng = np.random.default_rng(7)
    values += list(rng.uniform(-20, 20, 20_000))
    for a in values:
        expected = (a + math.pi) % (2 * math.pi) - math.pi
        got = _wrap(a)
        assert got == expected and math.copysign(1, got) == math.copysign(1, expected), a
