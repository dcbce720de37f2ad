"""The 1:1 comparator: invariances, symmetry, pairs, calibration, and an accuracy guard."""

from __future__ import annotations

import itertools
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

from securecomm.afis.evaluation import error_rates
from securecomm.afis.matching import (
    PreparedTemplate,
    compare,
    compare_one_to_many,
    compare_pairs,
    compare_prepared,
    pack,
    prepare,
    raw_score,
)
from securecomm.afis.matching.calibration import (
    THRESHOLD_FMR_1E3,
    THRESHOLD_FMR_1E4,
    calibrate,
    calibrate_many,
    raw_threshold,
)
from securecomm.afis.templates import read_template
from securecomm.afis.types import Template


def _iso(shared_data: Path, set_name: str, stem: str) -> Template:
    return read_template(shared_data / "fvc" / set_name / f"{stem}.iso")


def _rotated(t: Template, degrees: float, dx: float, dy: float) -> Template:
    """The template as if the finger had been rotated (about the centre) and shifted."""
    a = math.radians(degrees)
    cx, cy = t.width / 2, t.height / 2
    x, y = t.x - cx, t.y - cy
    # counter-clockwise on screen (y down) by a
    xr = cx + x * math.cos(a) + y * math.sin(a) + dx
    yr = cy - x * math.sin(a) + y * math.cos(a) + dy
    return Template.from_arrays(
        t.width * 2, t.height * 2, xr + t.width / 2, yr + t.height / 2, t.angle + a,
        t.kind, t.minutia_quality, ppi=t.ppi,
    )  # fmt: skip


@pytest.mark.parametrize(("degrees", "dx", "dy"), [(30, 40, -25), (-75, -10, 60), (0, 120, 90)])
def test_rotated_and_shifted_copy_scores_above_1e4_threshold(
    shared_data: Path, degrees: float, dx: float, dy: float
) -> None:
    """MCC compares minutiae whose directions differ by ≤ 90°: rotations up to that."""
    t = _iso(shared_data, "fvc2002/DB1_B", "103_2")
    moved = _rotated(t, degrees, dx, dy)
    result = compare(t, moved)
    assert result.score > THRESHOLD_FMR_1E4
    # the pairs found are the true correspondences (same index on both sides)
    assert len(result.pairs) >= 4
    assert np.mean(result.pairs[:, 0] == result.pairs[:, 1]) >= 0.9


def test_upside_down_copy_is_not_matched(shared_data: Path) -> None:
    t = _iso(shared_data, "fvc2002/DB1_B", "103_2")
    assert compare(t, _rotated(t, 180, 0, 0)).score < THRESHOLD_FMR_1E3


def test_partial_overlap_still_matches(shared_data: Path) -> None:
    t = _iso(shared_data, "fvc2002/DB2_B", "104_1")
    keep = t.x < np.median(t.x) + 40  # only the left part of the print and a strip
    part = Template.from_arrays(
        t.width, t.height, t.x[keep], t.y[keep], t.angle[keep], t.kind[keep], ppi=t.ppi
    )
    assert compare(t, part).score > THRESHOLD_FMR_1E3


def test_different_fingers_mostly_below_1e3_threshold(shared_data: Path) -> None:
    stems = [f"{finger}_1" for finger in range(101, 111)]
    prepared = [prepare(_iso(shared_data, "fvc2002/DB3_B", s)) for s in stems]
    scores = [compare_prepared(p, q) for p, q in itertools.combinations(prepared, 2)]
    assert len(scores) == 45
    assert sum(s >= THRESHOLD_FMR_1E3 for s in scores) <= 1


def test_comparison_is_symmetric_and_pairs_are_valid(shared_data: Path) -> None:
    a = _iso(shared_data, "fvc2002/DB1_B", "105_1")
    b = _iso(shared_data, "fvc2002/DB1_B", "105_4")
    ab, ba = compare(a, b), compare(b, a)
    assert ab.score == ba.score
    assert ab.raw > 0
    assert np.array_equal(ab.pairs, ba.pairs[:, ::-1])
    assert ab.pairs.shape[1] == 2 and ab.pairs.dtype == np.int64
    assert (ab.pairs[:, 0] < a.count).all() and (ab.pairs[:, 1] < b.count).all()
    assert (ab.pairs >= 0).all()
    assert len(set(ab.pairs[:, 0])) == len(ab.pairs)  # one-to-one
    assert compare_prepared(prepare(a), prepare(b)) == ab.score


def test_prepared_template_is_storable(shared_data: Path, tmp_path: Path) -> None:
    a = prepare(_iso(shared_data, "fvc2002/DB4_B", "101_1"))
    b = prepare(_iso(shared_data, "fvc2002/DB4_B", "101_2"))
    np.savez(tmp_path / "a.npz", **a.to_arrays())
    with np.load(tmp_path / "a.npz") as stored:
        a2 = PreparedTemplate.from_arrays(dict(stored))
    a3 = pickle.loads(pickle.dumps(a))
    assert raw_score(a2, b) == raw_score(a, b) == raw_score(a3, b)


def test_batch_forms_agree_with_single_comparisons(shared_data: Path) -> None:
    files = sorted((shared_data / "fvc/fvc2002/DB2_B").glob("10[12]_*.iso"))
    prepared = [prepare(read_template(f)) for f in files]
    packed = pack(prepared)
    pairs = np.array(list(itertools.combinations(range(len(files)), 2)))
    single = [compare_prepared(prepared[i], prepared[j]) for i, j in pairs]
    assert np.allclose(compare_pairs(packed, pairs[:, 0], pairs[:, 1]), single)
    assert np.allclose(compare_pairs(packed, pairs[:, 1], pairs[:, 0]), single)
    probe = prepared[3]
    expected = [compare_prepared(probe, q) for q in prepared]
    assert np.allclose(compare_one_to_many(probe, packed), expected)
    assert len(packed) == len(files) == 16


def test_empty_and_tiny_templates_score_zero() -> None:
    empty = Template.from_arrays(300, 400, [], [], [])
    one = Template.from_arrays(300, 400, [100], [100], [1.0])
    assert compare(empty, one).score == 0.0
    assert compare(one, one).pairs.shape == (0, 2)


def test_calibration_is_monotone_and_invertible() -> None:
    raw = np.linspace(0, 0.2, 500)
    s = calibrate_many(raw)
    assert (np.diff(s) >= 0).all() and s[0] == 0.0
    for t in (THRESHOLD_FMR_1E3, THRESHOLD_FMR_1E4):
        assert calibrate(raw_threshold(t)) == pytest.approx(t)


def test_accuracy_guard_fvc2002_db1_iso(shared_data: Path) -> None:
    """Comparator-only, full protocol on FVC2002 DB1 B: measured EER 1.43 %; guard at 2.5 %."""
    files = sorted((shared_data / "fvc/fvc2002/DB1_B").glob("*.iso"))
    prepared = [prepare(read_template(f)) for f in files]
    fingers = [f.stem.split("_")[0] for f in files]
    genuine, impostor = [], []
    for i, j in itertools.combinations(range(len(files)), 2):
        (genuine if fingers[i] == fingers[j] else impostor).append(
            compare_prepared(prepared[i], prepared[j])
        )
    assert (len(genuine), len(impostor)) == (280, 2880)
    rates = error_rates(genuine, impostor)
    assert rates.eer < 0.025
    # the calibrated 1e-3 threshold holds on this set's impostors (with sampling slack)
    assert np.mean(np.asarray(impostor) >= THRESHOLD_FMR_1E3) < 0.004
