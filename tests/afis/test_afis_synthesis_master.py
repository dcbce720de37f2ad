"""Master fingerprints: determinism, class frequencies, orientation topology, ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from securecomm.afis.synthesis import (
    CLASS_FREQUENCIES,
    DEFAULT_MASTER,
    FingerClass,
    draw_class,
    generate_master,
)
from securecomm.afis.synthesis.classes import draw_singular_points
from securecomm.afis.synthesis.contact import draw_finger_shape
from securecomm.afis.synthesis.ground_truth import extract_ground_truth
from securecomm.afis.synthesis.orientation import orientation_field
from securecomm.afis.types import MinutiaKind


@pytest.fixture(scope="module")
def loop_master():
    return generate_master(np.random.default_rng(2024), finger_class=FingerClass.RIGHT_LOOP)


def test_same_seed_same_master_and_different_seed_different_master() -> None:
    a = generate_master(np.random.default_rng(5))
    b = generate_master(np.random.default_rng(5))
    c = generate_master(np.random.default_rng(6))
    assert a.finger_class == b.finger_class
    assert np.array_equal(a.ridges, b.ridges)
    assert a.minutiae.same_minutiae(b.minutiae)
    assert not np.array_equal(a.ridges, c.ridges)


def test_class_frequencies_follow_wilson_et_al() -> None:
    assert sum(CLASS_FREQUENCIES.values()) == pytest.approx(1.0)
    rng = np.random.default_rng(1)
    n = 20_000
    draws = [draw_class(rng) for _ in range(n)]
    for cls, p in CLASS_FREQUENCIES.items():
        observed = draws.count(cls) / n
        sd = np.sqrt(p * (1 - p) / n)
        assert abs(observed - p) < 4 * sd, (cls, observed, p)


def _poincare_index(theta: np.ndarray, x: float, y: float, radius: float) -> float:
    """Poincaré index: orientation change (mod π) around a circle, in turns (core ½, delta −½)."""
    t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    xs = np.rint(x + radius * np.cos(t)).astype(int)
    ys = np.rint(y - radius * np.sin(t)).astype(int)
    values = theta[ys, xs].astype(np.float64)
    d = np.diff(np.concatenate([values, values[:1]]))
    d = (d + np.pi / 2) % np.pi - np.pi / 2
    return float(d.sum() / (2 * np.pi))


@pytest.mark.parametrize("cls", [FingerClass.LEFT_LOOP, FingerClass.WHORL, FingerClass.TENTED_ARCH])
def test_orientation_field_has_the_classes_singular_points(cls: FingerClass) -> None:
    rng = np.random.default_rng(3)
    params = DEFAULT_MASTER
    shape = draw_finger_shape(rng, params)
    points = draw_singular_points(cls, shape, rng, params)
    theta = orientation_field(cls, points, shape, (params.height, params.width), rng, params)
    assert theta.min() >= 0 and theta.max() < np.pi
    for x, y in points.cores:
        assert _poincare_index(theta, x, y, 6) == pytest.approx(0.5, abs=0.05)
    for x, y in points.deltas:
        assert _poincare_index(theta, x, y, 6) == pytest.approx(-0.5, abs=0.05)
    expected_cores = {FingerClass.LEFT_LOOP: 1, FingerClass.WHORL: 2, FingerClass.TENTED_ARCH: 1}
    assert len(points.cores) == expected_cores[cls]


def test_left_loop_delta_is_right_of_core_and_right_loop_mirrors_it() -> None:
    params = DEFAULT_MASTER
    for cls, sign in ((FingerClass.LEFT_LOOP, 1), (FingerClass.RIGHT_LOOP, -1)):
        rng = np.random.default_rng(9)
        shape = draw_finger_shape(rng, params)
        points = draw_singular_points(cls, shape, rng, params)
        (cx, cy), (dx, dy) = points.cores[0], points.deltas[0]
        assert np.sign(dx - cx) == sign
        assert dy > cy  # the delta is below the core (y grows downwards)


def test_period_map_is_in_the_range_of_real_fingers(loop_master) -> None:
    p = loop_master.period[loop_master.mask]
    # 500 ppi: real inter-ridge distances are about 0.4-0.6 mm = 8-12 pixels on average.
    assert 7.5 < float(np.median(p)) < 11.5
    assert p.min() >= DEFAULT_MASTER.period_bank_range[0]


def test_master_is_a_ridge_pattern_with_a_realistic_number_of_minutiae(loop_master) -> None:
    m = loop_master
    inside = m.ridges[m.mask]
    # Grown, saturated ridges: almost every pixel decided, ridges and valleys in balance.
    assert np.mean(np.abs(inside) > 0.5) > 0.8
    assert 0.35 < np.mean(inside > 0) < 0.65
    assert np.all(m.ridges[~m.mask] == 0)
    # A full finger pad has tens of minutiae, both kinds.
    assert 25 <= m.minutiae.count <= 160
    kinds = set(m.minutiae.kind.tolist())
    assert kinds == {MinutiaKind.ENDING, MinutiaKind.BIFURCATION}
    ys = np.rint(m.minutiae.y).astype(int)
    xs = np.rint(m.minutiae.x).astype(int)
    assert m.mask[ys, xs].all()


def _stripes(height: int, width: int, period: float) -> np.ndarray:
    y = np.arange(height, dtype=np.float32)[:, None]
    return np.broadcast_to(np.cos(2 * np.pi * y / period), (height, width)).copy()


def test_ground_truth_finds_a_planted_ending_and_bifurcation_with_their_directions() -> None:
    h, w = 128, 192
    ridges = _stripes(h, w, 16.0)  # horizontal ridges centred on y = 0, 16, 32, ...
    ridges[58:71, 80:] = -1.0  # the ridge at y = 64 ends near x = 79 (it runs to the left)
    ridges[31:34, 100:] = -1.0  # the ridge at y = 32 forks near x = 100 (branches to the right)
    mask = np.zeros((h, w), dtype=bool)
    mask[4:124, 4:188] = True
    theta = np.zeros((h, w), dtype=np.float32)  # horizontal ridges
    gt = extract_ground_truth(ridges, mask, theta, DEFAULT_MASTER)
    found = list(zip(gt.x, gt.y, gt.angle, gt.kind, strict=True))
    ending = [m for m in found if abs(m[0] - 79) <= 4 and abs(m[1] - 64) <= 2]
    fork = [m for m in found if abs(m[0] - 100) <= 4 and abs(m[1] - 32) <= 2]
    assert len(ending) == 1 and ending[0][3] == MinutiaKind.ENDING
    assert len(fork) == 1 and fork[0][3] == MinutiaKind.BIFURCATION
    # ISO sense: the ending points into its ridge (left, π); the fork into the valley between
    # its branches (right, 0).
    assert np.cos(ending[0][2]) < -0.99
    assert np.cos(fork[0][2]) > 0.99
    assert len(found) == 2  # nothing else: straight ridges have no minutiae


def test_public_api_is_what_the_package_exports() -> None:
    import securecomm.afis.synthesis as synthesis

    assert sorted(synthesis.__all__) == [
        "CLASS_FREQUENCIES",
        "DEFAULT_IMPRESSION",
        "DEFAULT_MASTER",
        "FingerClass",
        "FvcLikeReport",
        "Impression",
        "ImpressionGeometry",
        "ImpressionKind",
        "ImpressionParameters",
        "MasterFingerprint",
        "MasterParameters",
        "SingularPoints",
        "SkinDistortion",
        "TEN_FINGERS",
        "TenPrintCard",
        "draw_class",
        "finger_rng",
        "generate_master",
        "make_impression",
        "ten_fingers",
        "ten_print_card",
        "write_fvc_like",
    ]
    assert all(hasattr(synthesis, name) for name in synthesis.__all__)
