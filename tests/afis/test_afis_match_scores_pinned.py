"""The comparator's scores on real templates are pinned bit for bit.

Speed work on the kernels (issue 14) must not change a single score: these raw scores and
paired minutiae were computed at commit 5c1dd70, before that work, on third-party ISO
templates of every shared FVC set (fixed files: our extraction can change without touching
them). A deliberate change of the comparator updates the pins and says why in its commit.

Evidence limited by the pairs (parameters.PAIR_EVIDENCE_DECADES): the kernel now limits the raw
similarity of m paired minutiae to calibration.RAW_CAP[m] (at most m − 1 decades). The pins
below still pin the comparator before the cap, bit for bit: they are checked on the kernel with
a cap of +inf. The cap changed 4 of the 105 raw scores, pinned in :data:`CAPPED` (their new raw
is RAW_CAP[m] exactly, which is plain IEEE arithmetic in calibration.py); every other raw score,
and every pair list, is bit-identical to the uncapped kernel's.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import numpy as np
import pytest

from securecomm.afis.matching import compare, compare_one_to_many, pack, prepare
from securecomm.afis.matching.batch import raw_scores
from securecomm.afis.matching.calibration import RAW_CAP, calibrate_many
from securecomm.afis.matching.comparator import _kernel
from securecomm.afis.templates import read_template
from securecomm.afis.types import Template

SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")
NAMES = tuple(f"{s}/{f}" for s in SETS for f in ("101_1", "101_2", "102_1"))

#: sha256 (first 32 hex digits) of the float64 raw scores of every unordered pair of NAMES
#: (105 pairs, in itertools.combinations order), as the batch kernel returns them without the
#: cap (raw_cap = +inf).
RAW_DIGEST = "32d1d60c291ffd712f6a4a860d6184aa"

#: The pairs whose raw score the cap changed: (a, b) → (paired minutiae m, capped raw as
#: float.hex, = RAW_CAP[m]), with the calibrated score before → after. Three genuine pairs whose
#: tail-extrapolated score was above m − 1 decades, and an impostor pair with a single pair
#: (nothing but the alignment's root: 0 decades).
CAPPED = {
    # 70.146 → 14.0 decades
    ("fvc2002/DB1_B/101_1", "fvc2002/DB1_B/101_2"): (15, "0x1.0130e8dc07ae8p-3"),
    # 0.061 → 0.0 decades
    ("fvc2002/DB1_B/101_2", "fvc2002/DB3_B/101_1"): (1, "0x0.0p+0"),
    # 12.874 → 12.0 decades
    ("fvc2002/DB4_B/101_1", "fvc2002/DB4_B/101_2"): (13, "0x1.b6e97033b67abp-4"),
    # 13.206 → 13.0 decades
    ("fvc2004/DB1_B/101_1", "fvc2004/DB1_B/101_2"): (14, "0x1.dca5a0f5e2ebep-4"),
}
UNCAPPED = np.full(len(RAW_CAP), np.inf)

#: (a, b) → (raw score as float.hex without the cap, sha256 of compare(a, b).pairs' bytes,
#: first 16 digits): the genuine pair and the two impostor pairs of each set.
PINNED = {
    ("fvc2002/DB1_B/101_1", "fvc2002/DB1_B/101_2"): ("0x1.49225603ebc02p-1", "265f0d8f8fd8c081"),
    ("fvc2002/DB1_B/101_1", "fvc2002/DB1_B/102_1"): ("0x1.485f3bad40a58p-8", "7abba30c122b1b81"),
    ("fvc2002/DB1_B/101_2", "fvc2002/DB1_B/102_1"): ("0x1.4d6ff97afb5a8p-8", "313b22ce99e00bfe"),
    ("fvc2002/DB2_B/101_1", "fvc2002/DB2_B/101_2"): ("0x1.6577d768ffb0cp-2", "ac6f7067ec8353c0"),
    ("fvc2002/DB2_B/101_1", "fvc2002/DB2_B/102_1"): ("0x1.144b56c10279cp-8", "a9ea36df0eda2d3c"),
    ("fvc2002/DB2_B/101_2", "fvc2002/DB2_B/102_1"): ("0x1.cf421a206cf46p-10", "60fad2894ceeca47"),
    ("fvc2002/DB3_B/101_1", "fvc2002/DB3_B/101_2"): ("0x1.1671035ed012cp-3", "6ddbda9587addbfa"),
    ("fvc2002/DB3_B/101_1", "fvc2002/DB3_B/102_1"): ("0x1.ee3a298acdbecp-10", "c00a4e0bf5cf8c31"),
    ("fvc2002/DB3_B/101_2", "fvc2002/DB3_B/102_1"): ("0x1.9d0a0e7a0d873p-8", "a8d4fc6c7c0ac6d4"),
    ("fvc2002/DB4_B/101_1", "fvc2002/DB4_B/101_2"): ("0x1.d7e2e4b262a5cp-4", "3713e203d20ac63d"),
    ("fvc2002/DB4_B/101_1", "fvc2002/DB4_B/102_1"): ("0x1.31727974995dcp-7", "6364d6cdc57e9ece"),
    ("fvc2002/DB4_B/101_2", "fvc2002/DB4_B/102_1"): ("0x1.b3aee6dd1233ap-8", "dc958ac7256bee4a"),
    ("fvc2004/DB1_B/101_1", "fvc2004/DB1_B/101_2"): ("0x1.e468ae9f689c6p-4", "f0369540ebc042b0"),
    ("fvc2004/DB1_B/101_1", "fvc2004/DB1_B/102_1"): ("0x1.c8d4f76f52b89p-8", "ec162786b4d678e3"),
    ("fvc2004/DB1_B/101_2", "fvc2004/DB1_B/102_1"): ("0x1.2e9e0ecd9be27p-8", "568dbbfe1ec0bd4f"),
}


@pytest.fixture(scope="module")
def templates(shared_data: Path) -> dict[str, Template]:
    return {n: read_template(shared_data / "fvc" / f"{n}.iso") for n in NAMES}


def test_batch_scores_of_every_pair_are_bit_identical(templates: dict[str, Template]) -> None:
    packed = pack([prepare(templates[n]) for n in NAMES])
    pairs = np.array(list(itertools.combinations(range(len(NAMES)), 2)), dtype=np.int64)
    raw = raw_scores(packed, pairs[:, 0], pairs[:, 1])
    assert raw.dtype == np.float64
    uncapped = raw_scores(packed, pairs[:, 0], pairs[:, 1], raw_cap=UNCAPPED)
    # the cap changed exactly the CAPPED pairs, to RAW_CAP[m]; every other score bit for bit
    changed = {
        (NAMES[a], NAMES[b]) for k, (a, b) in enumerate(pairs.tolist()) if raw[k] != uncapped[k]
    }
    assert changed == set(CAPPED)
    for k, (a, b) in enumerate(pairs.tolist()):
        if (NAMES[a], NAMES[b]) in CAPPED:
            m, raw_hex = CAPPED[(NAMES[a], NAMES[b])]
            assert raw[k].hex() == raw_hex == RAW_CAP[m].hex()
            assert len(compare(templates[NAMES[a]], templates[NAMES[b]]).pairs) == m
    # on every core (securecomm afis scores): the same numbers
    assert np.array_equal(raw_scores(packed, pairs[:, 0], pairs[:, 1], parallel=True), raw)
    # one probe against all: the same kernel, the same numbers
    for i, name in enumerate(NAMES):
        many = compare_one_to_many(prepare(templates[name]), packed)
        expected = np.array(
            [raw[k] for k, (a, b) in enumerate(pairs.tolist()) if i in (a, b)], dtype=np.float64
        )
        others = [j for j in range(len(NAMES)) if j != i]
        assert np.array_equal(many[others], calibrate_many(expected))
    # the comparator before the cap, bit for bit
    assert hashlib.sha256(uncapped.tobytes()).hexdigest()[:32] == RAW_DIGEST


@pytest.mark.parametrize(("a", "b"), sorted(PINNED))
def test_compare_score_and_pairs_are_bit_identical(
    templates: dict[str, Template], a: str, b: str
) -> None:
    raw_hex, pairs_digest = PINNED[(a, b)]
    result = compare(templates[a], templates[b])
    p, q = prepare(templates[a]), prepare(templates[b])
    if q.key < p.key:
        p, q = q, p
    uncapped = float(_kernel(p, q, UNCAPPED)[0])
    if (a, b) in CAPPED:
        assert result.raw.hex() == CAPPED[(a, b)][1]
        assert len(result.pairs) == CAPPED[(a, b)][0]
    else:
        assert result.raw == uncapped
    assert uncapped.hex() == raw_hex  # the comparator before the cap, bit for bit
    assert hashlib.sha256(result.pairs.tobytes()).hexdigest()[:16] == pairs_digest
    swapped = compare(templates[b], templates[a])
    assert swapped.raw == result.raw
    assert np.array_equal(swapped.pairs, result.pairs[:, ::-1])
