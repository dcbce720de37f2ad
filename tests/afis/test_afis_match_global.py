"""Global pairing after LSS-R: alignment from root pairs, pairing and overlap counts."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from securecomm.afis.matching import compare, prepare
from securecomm.afis.matching import parameters as P
from securecomm.afis.matching.calibration import THRESHOLD_FMR_1E4
from securecomm.afis.matching.global_pairing import global_pairing
from securecomm.afis.templates import read_template
from securecomm.afis.types import Template

_DIRECTION_UNITS = round(P.GLOBAL_DIRECTION_TOLERANCE / (2 * math.pi) * P.ANGLE_UNITS)


def _pairing(p, q, pairs_a, pairs_b, roots):  # type: ignore[no-untyped-def]
    """Global pairing with the given candidate pairs and root positions among them."""
    return global_pairing(
        np.asarray(roots, np.int32), np.asarray(pairs_a, np.int32),
        np.asarray(pairs_b, np.int32), p.x, p.y, p.angle, q.x, q.y, q.angle,
        P.GLOBAL_DISTANCE_TOLERANCE, P.GLOBAL_RELATIVE_TOLERANCE, _DIRECTION_UNITS,
        P.OVERLAP_DISTANCE,
    )  # fmt: skip


def _template(shared_data: Path) -> Template:
    return read_template(shared_data / "fvc/fvc2002/DB1_B/101_1.iso")


def _moved(t: Template, degrees: float, dx: float, dy: float, keep: np.ndarray) -> Template:
    """A subset of the minutiae, rotated about the origin and shifted (y down)."""
    a = math.radians(degrees)
    x, y = t.x[keep], t.y[keep]
    xr = x * math.cos(a) + y * math.sin(a) + dx
    yr = -x * math.sin(a) + y * math.cos(a) + dy
    return Template.from_arrays(
        2000, 2000, xr, yr, t.angle[keep] + a, t.kind[keep], t.minutia_quality[keep], ppi=t.ppi
    )


def test_identical_prints_pair_every_minutia_under_any_true_root(shared_data: Path) -> None:
    p = prepare(_template(shared_data))
    m, overlap_a, overlap_b, ia, ib = _pairing(p, p, [3, 7], [3, 7], [0, 1])
    assert m == overlap_a == overlap_b == p.count
    assert np.array_equal(ia[np.argsort(ia)], ib[np.argsort(ia)])


def test_a_wrong_root_is_outvoted_by_true_ones(shared_data: Path) -> None:
    """Candidate pairs: one wrong (0, 5), then true ones; the vote picks a true root."""
    p = prepare(_template(shared_data))
    pairs_a = [0, 2, 4, 6, 8]
    pairs_b = [5, 2, 4, 6, 8]
    wrong_only = _pairing(p, p, pairs_a, pairs_b, [0])[0]
    m, *_ = _pairing(p, p, pairs_a, pairs_b, [0, 1])
    assert wrong_only < p.count // 2 and m == p.count


def test_no_root_pairs_nothing(shared_data: Path) -> None:
    p = prepare(_template(shared_data))
    m, overlap_a, overlap_b, ia, ib = _pairing(p, p, [1, 2], [1, 2], [])
    assert (m, overlap_a, overlap_b, len(ia), len(ib)) == (0, 0, 0, 0, 0)


def test_rotated_copy_pairs_up_under_the_transform(shared_data: Path) -> None:
    t = _template(shared_data)
    p = prepare(t)
    q = prepare(_moved(t, 35.0, 600.0, 300.0, np.arange(t.count)))
    m, overlap_a, overlap_b, ia, ib = _pairing(p, q, [0], [0], [0])
    # (not every minutia has a valid cylinder on both sides: compare through the source index)
    assert m >= 0.9 * min(p.count, q.count)
    assert np.mean(p.minutia_index[ia] == q.minutia_index[ib]) >= 0.95
    assert overlap_a >= m and overlap_b >= m


def test_partial_print_is_judged_on_its_overlap(shared_data: Path) -> None:
    """Half of a print against the whole print: the overlap ratio stays near 1."""
    t = _template(shared_data)
    half = np.flatnonzero(t.x < np.median(t.x))
    part = _moved(t, -20.0, 500.0, 400.0, half)
    result = compare(t, part)
    assert result.score > THRESHOLD_FMR_1E4
    assert len(result.pairs) >= 0.8 * len(prepare(part).x)
    assert np.mean(result.pairs[:, 0] == half[result.pairs[:, 1]]) >= 0.95
