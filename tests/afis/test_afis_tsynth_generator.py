"""The template-level generator: reproducible, realistic structure, mated impressions."""

from __future__ import annotations

import math

import numpy as np

from securecomm.afis.template_synthesis import FINGERS, NONMATED_BASE, TenPrintGenerator
from securecomm.afis.template_synthesis.parameters import MIN_MINUTIA_DISTANCE


def test_same_seed_same_templates_in_any_batch() -> None:
    a = TenPrintGenerator(3).impressions(np.arange(50), 1)
    b = TenPrintGenerator(3).impressions(np.arange(40, 50), 1)
    start = a.offsets[400]
    assert np.array_equal(a.x[start:], b.x) and np.array_equal(a.angle[start:], b.angle)
    c = TenPrintGenerator(4).impressions(np.arange(40, 50), 1)
    assert not np.array_equal(c.x[:50], b.x[:50])


def test_minutiae_counts_are_realistic() -> None:
    packed = TenPrintGenerator(1).impressions(np.arange(300), 0)
    counts = packed.counts()
    # Our extractor on FVC2002 DB1–DB4: mean 31 minutiae, 5–95 %: 14–55 (varies by sensor).
    assert 26 <= counts.mean() <= 40
    lo, hi = np.percentile(counts, [5, 95])
    assert 10 <= lo <= 20 and 45 <= hi <= 70
    assert packed.x.min() >= 0 and packed.x.max() < packed.width
    assert packed.angle.min() >= 0 and packed.angle.max() < 2 * math.pi


def test_masters_respect_minimum_distance_and_flow() -> None:
    masters = TenPrintGenerator(2).masters(np.arange(20))
    agreement = []
    for f in range(masters.count):
        a, b = masters.offsets[f], masters.offsets[f + 1]
        x, y, t = masters.x[a:b], masters.y[a:b], masters.angle[a:b]
        d = np.hypot(x[:, None] - x[None], y[:, None] - y[None])
        np.fill_diagonal(d, np.inf)
        assert d.min() >= MIN_MINUTIA_DISTANCE - 1e-3
        # Neighbouring minutiae follow the same ridge flow: orientations (mod π) agree.
        nearest = d.argmin(axis=1)
        diff = np.abs(((2 * (t - t[nearest])) + np.pi) % (2 * np.pi) - np.pi) / 2
        agreement.append(np.median(diff))
    assert np.median(agreement) < 0.35  # radians; random directions would give ~0.79


def test_mated_impressions_match_and_nonmated_do_not() -> None:
    """Judged by the project's 1:1 comparator (calibrated score, -log10 FMR)."""
    from securecomm.afis import matching

    gen = TenPrintGenerator(8)
    enrolled = gen.ten_print(5, 0)
    mate = gen.ten_print(5, 1)
    other = gen.ten_print(NONMATED_BASE + 5, 1)
    assert not np.array_equal(enrolled[FINGERS[0]].x, mate[FINGERS[0]].x)
    genuine = [matching.compare(enrolled[p], mate[p]).score for p in FINGERS]
    impostor = [matching.compare(enrolled[p], other[p]).score for p in FINGERS]
    assert np.median(genuine) > 3.0
    assert max(impostor) < 3.0


def test_nearby_minutiae_share_their_sense() -> None:
    """Minutia directions follow a smooth sense field (as on real prints, where ~63 % of
    minutiae closer than 40 px point the same way); independent senses would give 50 %."""
    masters = TenPrintGenerator(2).masters(np.arange(20))
    same = []
    for f in range(masters.count):
        a, b = masters.offsets[f], masters.offsets[f + 1]
        x, y, t = masters.x[a:b], masters.y[a:b], masters.angle[a:b]
        d = np.hypot(x[:, None] - x[None], y[:, None] - y[None])
        upper = np.triu_indices(len(x), 1)
        diff = np.abs((t[:, None] - t[None] + np.pi) % (2 * np.pi) - np.pi)[upper]
        same.append(np.mean(diff[d[upper] < 40] < np.pi / 2))
    assert np.median(same) > 0.7


def test_generator_version_is_exposed_for_gallery_caches() -> None:
    from securecomm.afis.template_synthesis.parameters import GENERATOR_VERSION

    assert isinstance(GENERATOR_VERSION, int) and GENERATOR_VERSION >= 3


def test_batch_order_does_not_change_an_identity() -> None:
    ids = np.array([17, 3, NONMATED_BASE + 2, 40, 9])
    gen = TenPrintGenerator(11)
    shuffled = gen.impressions(ids[::-1], 2)
    for j, identity in enumerate(ids):
        alone = gen.impressions([identity], 2)
        row = (len(ids) - 1 - j) * 10
        a, b = shuffled.offsets[row], shuffled.offsets[row + 10]
        assert np.array_equal(shuffled.x[a:b], alone.x)
        assert np.array_equal(shuffled.angle[a:b], alone.angle)
        assert np.array_equal(shuffled.kind[a:b], alone.kind)
