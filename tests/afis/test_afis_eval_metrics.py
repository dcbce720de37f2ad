"""Evaluation metrics on hand-computed examples."""

from __future__ import annotations

import pytest

from securecomm.afis.evaluation import det_curve, error_rates


def test_hand_computed_example() -> None:
    genuine = [0.2, 0.6, 0.7, 0.8, 0.9]
    impostor = [0.1, 0.2, 0.3, 0.4, 0.65]
    # thresholds 0.1 0.2 0.3 0.4 0.6 0.65 0.7 ...
    # FMR:  1.0 0.8 0.6 0.4 0.2 0.2 0.0
    # FNMR: 0.0 0.0 0.2 0.2 0.2 0.4 0.4
    r = error_rates(genuine, impostor)
    # FNMR - FMR becomes ≥ 0 at t = 0.6 (0.2 - 0.2 = 0), after -0.2 at t = 0.4
    assert r.eer == pytest.approx(0.2)
    assert r.fmr100 == pytest.approx(0.4)  # FMR 0 first reached at t = 0.7
    assert r.fmr1000 == pytest.approx(0.4)
    assert r.zero_fmr == pytest.approx(0.4)
    assert (r.genuine, r.impostor) == (5, 5)


def test_interpolated_crossing() -> None:
    # FMR: t=1 ->1, t=2 -> 0.5, t=3 -> 0 ; FNMR: t=1 -> 0, t=2 -> 0, t=3 -> 0.5
    r = error_rates([2, 3], [1, 2])
    # diff at t=2: -0.5, at t=3: +0.5 -> crossing halfway: FMR 0.25
    assert r.eer == pytest.approx(0.25)
    assert r.eer_threshold == pytest.approx(2.5)


def test_perfect_separation() -> None:
    r = error_rates([5, 6, 7], [1, 2, 3])
    assert r.eer == 0.0 and r.zero_fmr == 0.0


def test_det_curve_is_monotone() -> None:
    d = det_curve([0.5, 0.9, 0.3], [0.1, 0.5, 0.2, 0.4])
    assert (d.fmr[:-1] >= d.fmr[1:]).all()
    assert (d.fnmr[:-1] <= d.fnmr[1:]).all()
    assert d.fmr[-1] == 0.0 and d.fnmr[-1] == 1.0


def test_empty_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least one"):
        error_rates([], [1.0])
