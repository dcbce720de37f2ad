"""The examiner's view draws what the comparator found."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from securecomm.afis.examiner import HEADER_HEIGHT, Placement, render_pair, verdict
from securecomm.afis.image import load_image
from securecomm.afis.matching import compare
from securecomm.afis.matching.calibration import THRESHOLD_FMR_1E3
from securecomm.afis.templates import read_template


def test_pair_view_marks_paired_minutiae_in_colour(shared_data: Path) -> None:
    d = shared_data / "fvc/fvc2002/DB1_B"
    ia, ib = load_image(d / "104_1.png"), load_image(d / "104_2.png")
    ta, tb = read_template(d / "104_1.iso"), read_template(d / "104_2.iso")
    result = compare(ta, tb)
    assert len(result.pairs) > 0
    picture = np.asarray(render_pair(ia, ta, ib, tb, result, stretch=True))
    assert picture.shape == (HEADER_HEIGHT + max(ia.height, ib.height), 388 * 2 + 24, 3)
    # the first paired minutia of A carries a coloured (non-gray) mark
    x, y, _ = Placement.of(ia, ta, stretch=True).points(ta)
    i = int(result.pairs[0, 0])
    cx, cy = round(x[i]), round(y[i]) + HEADER_HEIGHT
    patch = picture[cy - 6 : cy + 7, cx - 6 : cx + 7].astype(int)
    colourful = np.abs(patch - patch.mean(axis=2, keepdims=True)).max(axis=2)
    assert colourful.max() > 60


def test_stretch_maps_template_geometry_onto_the_image(shared_data: Path) -> None:
    d = shared_data / "fvc/fvc2002/DB1_B"
    image, t = load_image(d / "101_1.png"), read_template(d / "101_1.iso")
    p = Placement.of(image, t, stretch=True)
    assert (p.sx, p.sy) == (388 / 300, 374 / 400)


def test_verdict_words_follow_thresholds() -> None:
    assert "below the decision threshold" in verdict(THRESHOLD_FMR_1E3 - 0.5)
    assert "strong evidence" in verdict(9.0) and "beyond the measured range" in verdict(9.0)
    assert "about 1 in 1,000" in verdict(3.0)
