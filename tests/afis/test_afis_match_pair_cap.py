"""Evidence limited by the pairs: a comparison with m paired minutiae scores at most m − 1 decades.

The cap is applied inside the kernel (calibration.RAW_CAP, parameters.PAIR_EVIDENCE_DECADES), so
every path — compare, compare_prepared/raw_score, compare_pairs/raw_scores (serial and
parallel), compare_one_to_many — gives the same capped score. The uncapped raw similarity is
the kernel's with a cap of +inf: the tests check that the cap bites on these pairs (so they can
fail) and that it changes nothing else.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from securecomm.afis.matching import (
    compare,
    compare_one_to_many,
    compare_pairs,
    compare_prepared,
    pack,
    prepare,
    raw_score,
)
from securecomm.afis.matching import parameters as P
from securecomm.afis.matching.batch import raw_scores
from securecomm.afis.matching.calibration import (
    RAW_CAP,
    calibrate,
    calibrate_many,
    pair_evidence_cap,
)
from securecomm.afis.matching.comparator import _kernel
from securecomm.afis.matching.prepared import PreparedTemplate
from securecomm.afis.templates import read_template
from securecomm.afis.types import Template

UNCAPPED = np.full(len(RAW_CAP), np.inf)
#: Three impressions of eight fingers per set: 276 pairs, 24 of them genuine.
STEMS = tuple(f"{f}_{i}" for f in range(101, 109) for i in (1, 2, 3))
#: The sets, and how many of their 276 pairs the cap changes (measured: genuine pairs, and one
#: impostor pair of DB3 and of FVC2004 with a single pair, 0.09 and 0.10 → 0 decades).
CAPPED_PAIRS = {"fvc2002/DB1_B": 12, "fvc2002/DB3_B": 16, "fvc2004/DB1_B": 2}


def _uncapped_raw(p: PreparedTemplate, q: PreparedTemplate) -> float:
    if q.key < p.key:
        p, q = q, p
    return float(_kernel(p, q, UNCAPPED)[0])


def test_cap_table_is_m_minus_one_decades() -> None:
    assert P.PAIR_EVIDENCE_DECADES == 1.0
    assert len(RAW_CAP) == P.MAX_CAPPED_PAIRS + 1
    assert RAW_CAP[0] == RAW_CAP[1] == 0.0
    assert (np.diff(RAW_CAP[1:]) > 0).all()
    for m in range(len(RAW_CAP)):
        cap = pair_evidence_cap(m)
        assert cap == max(m - 1, 0)
        # calibrate(RAW_CAP[m]) is the cap itself, or the float just below: never above
        for s in (calibrate(RAW_CAP[m]), float(calibrate_many([RAW_CAP[m]])[0])):
            assert cap - 1e-12 * max(cap, 1.0) <= s <= cap
        # and the next raw up calibrates above the cap: RAW_CAP[m] is the largest within it
        if m >= 2:
            assert (
                calibrate(float(np.nextafter(RAW_CAP[m], np.inf))) > cap
                or calibrate_many([np.nextafter(RAW_CAP[m], np.inf)])[0] > cap
            )


@pytest.mark.parametrize("set_name", sorted(CAPPED_PAIRS))
def test_fvc_scores_never_exceed_the_pairs_and_every_path_agrees(
    shared_data: Path, set_name: str
) -> None:
    templates = [read_template(shared_data / "fvc" / set_name / f"{s}.iso") for s in STEMS]
    prepared = [prepare(t) for t in templates]
    packed = pack(prepared)
    pairs = np.array(list(itertools.combinations(range(len(STEMS)), 2)), dtype=np.int64)
    results = [compare(templates[i], templates[j]) for i, j in pairs]
    score = np.array([r.score for r in results])
    raw = np.array([r.raw for r in results])
    m = np.array([len(r.pairs) for r in results])
    assert (score <= m - 1 + 1e-9).all()
    assert (score[m <= 1] == 0.0).all()

    # the cap bites on this set (genuine pairs above m − 1 decades before it), and only there
    uncapped = np.array([_uncapped_raw(prepared[i], prepared[j]) for i, j in pairs])
    capped = uncapped > RAW_CAP[m]
    assert capped.sum() == CAPPED_PAIRS[set_name]
    genuine = np.array([STEMS[i][:3] == STEMS[j][:3] for i, j in pairs])
    assert (genuine | (m <= 1))[capped].all()
    assert np.array_equal(raw[~capped], uncapped[~capped])  # bit for bit
    assert np.array_equal(raw[capped], RAW_CAP[m[capped]])
    expected = np.minimum(calibrate_many(uncapped), np.maximum(m - 1, 0))
    assert np.allclose(score, expected, rtol=0, atol=1e-12)

    # every path: raw bit for bit, calibrated to the last few bits (calibrate vs np.interp)
    assert np.array_equal(raw, [raw_score(prepared[i], prepared[j]) for i, j in pairs])
    assert np.array_equal(score, [compare_prepared(prepared[i], prepared[j]) for i, j in pairs])
    for a, b in ((pairs[:, 0], pairs[:, 1]), (pairs[:, 1], pairs[:, 0])):
        assert np.array_equal(raw_scores(packed, a, b), raw)
        assert np.array_equal(raw_scores(packed, a, b, parallel=True), raw)
        assert np.allclose(compare_pairs(packed, a, b), score, rtol=0, atol=1e-12)
        assert np.allclose(compare_pairs(packed, a, b, parallel=True), score, rtol=0, atol=1e-12)
    for i in (0, 5, len(STEMS) - 1):
        many = compare_one_to_many(prepared[i], packed)
        for k, (a, b) in enumerate(pairs.tolist()):
            if i in (a, b):
                assert many[b if a == i else a] == pytest.approx(score[k], abs=1e-12)
    # symmetric
    for k, (i, j) in enumerate(pairs[::7].tolist()):
        assert compare(templates[j], templates[i]).score == score[7 * k]


@pytest.mark.parametrize("size", [4, 6, 7])
def test_tiny_template_against_a_rich_one_cannot_exceed_the_cap(
    shared_data: Path, size: int
) -> None:
    """``size`` minutiae of a print (the ones nearest its centre) against the whole print:
    every minutia pairs with itself and the uncapped score is 13–45 decades; the cap is
    ``size`` − 1."""
    rich = read_template(shared_data / "fvc" / "fvc2002/DB2_B" / "104_1.iso")
    d = np.hypot(rich.x - np.median(rich.x), rich.y - np.median(rich.y))
    keep = np.argsort(d)[:size]
    tiny = Template.from_arrays(
        rich.width, rich.height, rich.x[keep], rich.y[keep], rich.angle[keep], rich.kind[keep],
        ppi=rich.ppi,
    )  # fmt: skip
    assert tiny.count == size and rich.count > 30
    result = compare(tiny, rich)
    m = len(result.pairs)
    assert m <= size
    assert result.score <= m - 1 + 1e-9
    assert calibrate(_uncapped_raw(prepare(tiny), prepare(rich))) > m - 1 + 1  # the cap bites
    assert compare(rich, tiny).score == result.score
    p, q = prepare(tiny), prepare(rich)
    assert compare_prepared(p, q) == compare_prepared(q, p) == result.score
    packed = pack([q])
    assert compare_one_to_many(p, packed)[0] == pytest.approx(result.score, abs=1e-12)
