"""The examiner's table of pairs (``afis.pairing``): the comparator's pairs, numbered, with
both minutiae in millimetres and the local similarity of their cylinders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.matching import compare
from securecomm.afis.pairing import minutiae, pair_table


@pytest.fixture(scope="module")
def mated(shared_data: Path):
    db = shared_data / "fvc" / "fvc2002" / "DB1_B"
    return extract(load_image(db / "102_1.png")), extract(load_image(db / "102_2.png"))


def test_the_table_is_the_comparators_pairs_in_order(mated) -> None:
    a, b = mated
    comparison = compare(a, b)
    rows = pair_table(a, b, comparison)
    assert [r.number for r in rows] == list(range(1, len(comparison.pairs) + 1))
    assert [(r.a.index, r.b.index) for r in rows] == [tuple(p) for p in comparison.pairs.tolist()]
    # mated pairs have alike neighbourhoods; every value is a similarity in [0, 1]
    gammas = np.array([r.local_similarity for r in rows])
    assert ((gammas >= 0) & (gammas <= 1)).all() and np.median(gammas) > 0.4
    # the same from the other side: the local similarity is symmetric
    back = pair_table(b, a, compare(b, a))
    assert sorted((r.b.index, r.a.index, round(r.local_similarity, 6)) for r in back) == sorted(
        (r.a.index, r.b.index, round(r.local_similarity, 6)) for r in rows
    )


def test_positions_are_millimetres_from_the_templates_resolution(mated) -> None:
    a, _ = mated
    at_500 = minutiae(a)[0]
    halved = replace(a, x=a.x / 2, y=a.y / 2, ppi=250.0)  # the same print at 250 ppi
    at_250 = minutiae(halved)[0]
    assert at_500.x_mm == pytest.approx(float(a.x[0]) / 500 * 25.4)
    assert (at_250.x_mm, at_250.y_mm) == pytest.approx((at_500.x_mm, at_500.y_mm))
    assert at_500.kind in ("ending", "bifurcation", "other") and 0 <= at_500.angle_deg < 360
