"""Synthetic names built from syllables, never taken from a list of real people's names.

Syllables are combined at random (two or three for a family name, one or two for a given name),
so the names read as names but belong to nobody on record; each generated person is marked
synthetic anyway.
"""

from __future__ import annotations

import random

ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr",
          "kr", "tr", "st", "sh", "th", "qu", "x")  # fmt: skip
NUCLEI = ("a", "e", "i", "o", "u", "ai", "ei", "ou", "ae", "io")
CODAS = ("", "", "", "n", "r", "l", "s", "x", "th", "nd", "rk")


def _syllable(rng: random.Random) -> str:
    return rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS)


def synthetic_name(rng: random.Random, syllables: int) -> str:
    return "".join(_syllable(rng) for _ in range(syllables)).upper()


def synthetic_family_name(rng: random.Random) -> str:
    return synthetic_name(rng, rng.choice((2, 2, 3)))


def synthetic_given_name(rng: random.Random) -> str:
    return synthetic_name(rng, rng.choice((1, 2, 2)))
