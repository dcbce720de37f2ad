"""Synthetic prints through our own extractor and comparator: ground truth and mates."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from securecomm.afis.extraction import extract
from securecomm.afis.matching import compare
from securecomm.afis.synthesis import generate_master, make_impression

#: Calibrated score (−log10 FMR) at the comparator's FMR 1e-3 operating point.
FMR_1E3_SCORE = 3.0


@pytest.fixture(scope="module")
def masters():
    rng = np.random.default_rng(404)
    return [generate_master(rng) for _ in range(3)]


def test_ground_truth_lands_near_extracted_minutiae_on_clean_impressions(masters) -> None:
    rng = np.random.default_rng(1)
    hits = total = 0
    for master in masters:
        imp = make_impression(master, rng, clean=True)
        template = extract(imp.image)
        gt = imp.minutiae
        assert gt.count >= 10
        d = np.hypot(gt.x[:, None] - template.x[None, :], gt.y[:, None] - template.y[None, :])
        hits += int(np.sum(d.min(axis=1) <= 10))
        total += gt.count
    assert hits / total >= 0.6


def test_impressions_of_one_master_are_mates_and_of_different_masters_are_not(masters) -> None:
    rng = np.random.default_rng(2)
    templates = [[extract(make_impression(m, rng).image) for _ in range(2)] for m in masters]
    genuine = [compare(a, b).score for a, b in templates]
    impostor = [
        compare(templates[i][p], templates[j][q]).score
        for i, j in itertools.combinations(range(len(masters)), 2)
        for p in range(2)
        for q in range(2)
    ]
    assert min(genuine) > FMR_1E3_SCORE
    assert max(impostor) < FMR_1E3_SCORE
    assert min(genuine) > max(impostor)
