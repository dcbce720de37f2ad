"""A counter-based random stream for numba kernels: SplitMix64 (Steele, Lea & Flood, 2014).

Every finger of every impression gets its own stream, seeded by mixing (seed, identity,
finger, impression), so results do not depend on thread scheduling or batch boundaries and
the 64-bit state space avoids the seed collisions a 32-bit ``np.random.seed`` would have
across ten million fingers.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
import numpy.typing as npt

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0


@nb.njit(inline="always", cache=True)
def mix64(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@nb.njit(cache=True)
def stream_seed(seed: int, identity: int, finger: int, impression: int) -> np.uint64:
    """A well-mixed 64-bit starting state for one (identity, finger, impression)."""
    z = mix64(np.uint64(seed) + _GOLDEN)
    z = mix64(z ^ np.uint64(identity))
    z = mix64(z ^ (np.uint64(finger) * _GOLDEN))
    return mix64(z ^ (np.uint64(impression + 1) * _MIX1))


@nb.njit(inline="always", cache=True)
def uniform(state: npt.NDArray[np.uint64]) -> float:
    """Uniform in [0, 1); advances ``state[0]``."""
    state[0] += _GOLDEN
    return float(mix64(state[0]) >> _S11) * _INV53


@nb.njit(inline="always", cache=True)
def normal(state: npt.NDArray[np.uint64]) -> float:
    """Standard normal (Box–Muller)."""
    u1 = uniform(state)
    u2 = uniform(state)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


@nb.njit(cache=True)
def poisson(state: npt.NDArray[np.uint64], mean: float) -> int:
    """Poisson variate (Knuth's multiplication method; means here are small)."""
    limit = math.exp(-mean)
    k = 0
    p = uniform(state)
    while p > limit:
        k += 1
        p *= uniform(state)
    return k
