"""Impressions: image format, determinism, and ground truth carried through the geometry."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from securecomm.afis.synthesis import (
    DEFAULT_IMPRESSION,
    ImpressionGeometry,
    ImpressionKind,
    SkinDistortion,
    generate_master,
    make_impression,
)
from securecomm.afis.types import MinutiaKind, Template


@pytest.fixture(scope="module")
def master():
    return generate_master(np.random.default_rng(77))


def test_flat_impression_is_an_8bit_500ppi_image_of_sensor_size(master) -> None:
    imp = make_impression(master, np.random.default_rng(1))
    px = imp.image.pixels
    assert px.dtype == np.uint8
    assert imp.image.ppi == 500
    assert px.shape == (DEFAULT_IMPRESSION.flat_height, DEFAULT_IMPRESSION.flat_width)
    # A print on a background: dark ridges and a light surround both present.
    assert np.percentile(px, 5) < 110 and np.percentile(px, 95) > 180
    assert imp.minutiae.width == px.shape[1] and imp.minutiae.height == px.shape[0]
    assert 8 <= imp.minutiae.count <= master.minutiae.count


def test_rolled_impression_is_wider_and_holds_more_minutiae(master) -> None:
    rng = np.random.default_rng(2)
    flat = make_impression(master, rng)
    rolled = make_impression(master, rng, kind=ImpressionKind.ROLLED)
    assert rolled.image.width > master.width  # unrolled nail to nail
    assert rolled.minutiae.count > flat.minutiae.count
    assert rolled.geometry.stretch > 1.0


def test_same_generator_state_same_impression(master) -> None:
    a = make_impression(master, np.random.default_rng(3))
    b = make_impression(master, np.random.default_rng(3))
    c = make_impression(master, np.random.default_rng(4))
    assert np.array_equal(a.image.pixels, b.image.pixels)
    assert a.minutiae.same_minutiae(b.minutiae)
    assert not np.array_equal(a.image.pixels, c.image.pixels)


def test_impressions_of_one_master_differ_but_share_minutiae(master) -> None:
    rng = np.random.default_rng(5)
    a, b = make_impression(master, rng), make_impression(master, rng)
    assert not np.array_equal(a.image.pixels, b.image.pixels)
    # Both carry subsets of the master's minutiae: map them back and compare.
    ax, ay = a.geometry.inverse(a.minutiae.x, a.minutiae.y)
    bx, by = b.geometry.inverse(b.minutiae.x, b.minutiae.y)
    d = np.hypot(ax[:, None] - bx[None, :], ay[:, None] - by[None, :])
    assert np.mean(d.min(axis=1) < 0.5) > 0.5


_GEOMETRY = st.builds(
    ImpressionGeometry,
    distortion=st.builds(
        SkinDistortion,
        center_x=st.floats(150, 250),
        center_y=st.floats(200, 300),
        close_a=st.floats(20, 80),
        close_b=st.floats(20, 80),
        shift_x=st.floats(-9, 9),
        shift_y=st.floats(-9, 9),
        rotation=st.floats(-0.07, 0.07),
        brake_k=st.floats(60, 120),
    ),
    anchor_x=st.floats(150, 250),
    anchor_y=st.floats(200, 300),
    image_x=st.floats(100, 200),
    image_y=st.floats(150, 250),
    rotation=st.floats(-0.3, 0.3),
    stretch=st.floats(1.0, 1.2),
    inverse_iterations=st.just(12),
)


@settings(max_examples=60, deadline=None)
@given(geometry=_GEOMETRY, x=st.floats(0, 416), y=st.floats(0, 544))
def test_inverse_undoes_forward(geometry: ImpressionGeometry, x: float, y: float) -> None:
    u, v = geometry.forward(np.array([x]), np.array([y]))
    bx, by = geometry.inverse(u, v)
    assert abs(bx[0] - x) < 0.05 and abs(by[0] - y) < 0.05


def test_distortion_is_zero_in_close_contact_and_rigid_far_away() -> None:
    d = SkinDistortion(200, 250, 40, 50, shift_x=8, shift_y=-5, rotation=0.0, brake_k=30)
    x, y = d.apply(np.array([210.0, 200.0, 1200.0]), np.array([260.0, 250.0, 250.0]))
    assert (x[0], y[0]) == (210.0, 260.0)  # inside region a: the skin sticks
    assert x[2] == pytest.approx(1208.0, abs=1e-6) and y[2] == pytest.approx(245.0, abs=1e-6)
    assert 200.0 < x[1] < 208.0 or x[1] == 200.0  # on the border: no move


def test_a_marked_point_moves_with_the_image(master) -> None:
    """Plant one dark dot (and one minutia) in an empty master: both land at the same place."""
    shape = master.shape
    px, py = shape.center_x, shape.center_y - 0.08 * shape.height
    ridges = np.where(master.mask, -1.0, 0.0).astype(np.float32)
    yy, xx = np.mgrid[0 : master.height, 0 : master.width]
    ridges[(xx - px) ** 2 + (yy - py) ** 2 <= 16] = 1.0
    marker = Template.from_arrays(
        master.width, master.height, [px], [py], [0.5], [MinutiaKind.ENDING], [100]
    )
    marked = dataclasses.replace(master, ridges=ridges, minutiae=marker)
    quiet = dataclasses.replace(
        DEFAULT_IMPRESSION,
        ridge_blob_density=(0.0, 0.0),
        valley_blob_density=(0.0, 0.0),
        dryness_range=(0.0, 0.0),
        scratch_count_range=(0, 0),
        pressure_step_weights=(0.0, 0.0, 1.0, 0.0, 0.0),
    )
    for seed in range(4):
        imp = make_impression(marked, np.random.default_rng(seed), params=quiet)
        assert imp.geometry.distortion.is_identity is False
        assert imp.minutiae.count == 1
        smooth = ndimage.gaussian_filter(imp.image.pixels.astype(np.float64), 2.0)
        y, x = np.unravel_index(np.argmin(smooth), smooth.shape)
        assert abs(x - imp.minutiae.x[0]) <= 1.5
        assert abs(y - imp.minutiae.y[0]) <= 1.5
        # The direction turns with the print.
        expected = np.mod(0.5 + imp.geometry.rotation, 2 * np.pi)
        turn = np.angle(np.exp(1j * (imp.minutiae.angle[0] - expected)))
        assert abs(turn) < np.deg2rad(8)
