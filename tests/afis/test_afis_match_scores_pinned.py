"""The comparator's scores on real templates are pinned bit for bit.

Speed work on the kernels (issue 14) must not change a single score: these raw scores and
paired minutiae were computed at commit 5c1dd70, before that work, on third-party ISO
templates of every shared FVC set (fixed files: our extraction can change without touching
them). A deliberate change of the comparator updates the pins and says why in its commit.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import numpy as np
import pytest

from securecomm.afis.matching import compare, compare_one_to_many, pack, prepare
from securecomm.afis.matching.batch import raw_scores
from securecomm.afis.matching.calibration import calibrate_many
from securecomm.afis.templates import read_template
from securecomm.afis.types import Template

SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")
NAMES = tuple(f"{s}/{f}" for s in SETS for f in ("101_1", "101_2", "102_1"))

#: sha256 (first 32 hex digits) of the float64 raw scores of every unordered pair of NAMES
#: (105 pairs, in itertools.combinations order), as the batch kernel returns them.
RAW_DIGEST = "32d1d60c291ffd712f6a4a860d6184aa"

#: (a, b) → (raw score as float.hex, sha256 of compare(a, b).pairs' bytes, first 16 digits):
#: the genuine pair and the two impostor pairs of each set.
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
    assert hashlib.sha256(raw.tobytes()).hexdigest()[:32] == RAW_DIGEST
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


@pytest.mark.parametrize(("a", "b"), sorted(PINNED))
def test_compare_score_and_pairs_are_bit_identical(
    templates: dict[str, Template], a: str, b: str
) -> None:
    raw_hex, pairs_digest = PINNED[(a, b)]
    result = compare(templates[a], templates[b])
    assert result.raw.hex() == raw_hex
    assert hashlib.sha256(result.pairs.tobytes()).hexdigest()[:16] == pairs_digest
    swapped = compare(templates[b], templates[a])
    assert swapped.raw == result.raw
    assert np.array_equal(swapped.pairs, result.pairs[:, ::-1])
