"""The Merkle tree over the audit log, exactly as RFC 9162 (Certificate Transparency v2) §2.1.

Pure maths, no database: hashes are 32-byte ``bytes``.

- ``leaf_hash(d) = SHA-256(0x00 || d)``, ``node_hash(l, r) = SHA-256(0x01 || l || r)``;
- ``MTH(D[n])`` for any ``n`` (the empty tree hashes to ``SHA-256("")``): the left subtree is
  the largest power of two smaller than ``n``.  Built level by level (:class:`Tree`), a lone
  last node at a level is carried up unchanged, which gives the same tree;
- inclusion proofs (§2.1.3, ``PATH``) and consistency proofs (§2.1.4, ``PROOF``/``SUBPROOF``),
  generated from the levels, and verified with the RFC's own algorithms (§2.1.3.2, §2.1.4.2),
  which need nothing but the proof, the sizes and the hashes;
- :class:`CompactRange`: the roots of the perfect subtrees covering ``[0, n)`` (one per set bit
  of ``n``), so that appending a leaf costs O(log n) hashes (amortised one) and the root of the
  log is known at every size without the earlier leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
#: MTH({}) — the hash of the empty tree.
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof could not be produced (an index or size out of range)."""


def leaf_hash(data: bytes) -> bytes:
    return _sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """k with k < n <= 2k (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _next_level(level: bytes) -> bytes:
    """One level up: pairs hashed as ``0x01 || left || right``; a lone last node carried up."""
    count = len(level) // HASH_SIZE
    pairs = count // 2
    if pairs:
        # One contiguous buffer of 65-byte messages (prefix, left, right), so each hash is a
        # slice of it rather than a concatenation in Python.
        messages = np.empty((pairs, 1 + 2 * HASH_SIZE), dtype=np.uint8)
        messages[:, 0] = 1
        messages[:, 1:] = np.frombuffer(level, dtype=np.uint8, count=pairs * 2 * HASH_SIZE).reshape(
            pairs, 2 * HASH_SIZE
        )
        view = memoryview(messages.tobytes())
        step = 1 + 2 * HASH_SIZE
        up = b"".join([_sha256(view[i : i + step]).digest() for i in range(0, pairs * step, step)])
    else:
        up = b""
    if count % 2:
        up += level[-HASH_SIZE:]
    return up


def _as_level(leaf_hashes: Sequence[bytes] | bytes | bytearray) -> bytes:
    if isinstance(leaf_hashes, (bytes, bytearray, memoryview)):
        level = bytes(leaf_hashes)
    else:
        level = b"".join(leaf_hashes)
    if len(level) % HASH_SIZE:
        raise ValueError(f"leaf hashes are {HASH_SIZE} bytes each; got {len(level)} bytes")
    return level


def root_of(leaf_hashes: Sequence[bytes] | bytes | bytearray) -> bytes:
    """MTH of the leaves (given as leaf hashes, or their concatenation), level by level."""
    level = _as_level(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > HASH_SIZE:
        level = _next_level(level)
    return level


class Tree:
    """Every level of the tree over ``leaf_hashes`` (kept, to answer proofs about any leaf)."""

    def __init__(self, leaf_hashes: Sequence[bytes] | bytes | bytearray) -> None:
        level = _as_level(leaf_hashes)
        self.levels: list[bytes] = [level]
        while len(level) > HASH_SIZE:
            level = _next_level(level)
            self.levels.append(level)

    @property
    def size(self) -> int:
        return len(self.levels[0]) // HASH_SIZE

    def root(self) -> bytes:
        return self.levels[-1] if self.size else EMPTY_ROOT

    def leaf(self, index: int) -> bytes:
        return self._at(0, index)

    def _at(self, height: int, index: int) -> bytes:
        return self.levels[height][index * HASH_SIZE : (index + 1) * HASH_SIZE]

    def _subtree(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for a node of this tree (a perfect subtree, or one on its right edge):
        it sits at height ceil(log2(hi - lo)), index ``lo >> height``."""
        height = (hi - lo - 1).bit_length()
        return self._at(height, lo >> height)

    def inclusion_proof(self, index: int) -> list[bytes]:
        """PATH(index, D[n]) (RFC 9162 §2.1.3.1): the siblings from the leaf up."""
        if not 0 <= index < self.size:
            raise ProofError(f"leaf index {index} is not in a tree of {self.size} leaves")
        path = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level) // HASH_SIZE:
                path.append(level[sibling * HASH_SIZE : (sibling + 1) * HASH_SIZE])
            index >>= 1
        return path

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """PROOF(old_size, D[n]) (RFC 9162 §2.1.4.1); empty for 0 and for n itself."""
        n = self.size
        if not 0 <= old_size <= n:
            raise ProofError(f"old size {old_size} is not between 0 and the tree size {n}")
        if old_size in (0, n):
            return []
        # SUBPROOF(m, D[lo:hi], b), unrolled: each step adds the hash of the half it does not
        # descend into; the RFC puts the deeper parts first, hence the reversal.
        proof: list[bytes] = []
        m, lo, hi, whole = old_size, 0, n, True
        while m != hi - lo:
            k = _largest_power_of_two_below(hi - lo)
            if m <= k:
                proof.append(self._subtree(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self._subtree(lo, lo + k))
                m, lo, whole = m - k, lo + k, False
        if not whole:
            proof.append(self._subtree(lo, hi))
        proof.reverse()
        return proof


def root_from_inclusion_proof(
    index: int, size: int, leaf: bytes, path: Sequence[bytes]
) -> bytes | None:
    """The root that ``path`` leads to from ``leaf`` at ``index`` in a tree of ``size``
    (RFC 9162 §2.1.3.2), or None when the path cannot be a valid one for these numbers."""
    if not 0 <= index < size or len(leaf) != HASH_SIZE:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0 or len(p) != HASH_SIZE:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: is ``leaf`` the ``index``-th leaf of the tree of ``size`` with
    ``root``?"""
    return root_from_inclusion_proof(index, size, leaf, path) == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (``new_size``, ``new_root``) an append-only extension of
    (``old_size``, ``old_root``)?  Equal sizes need equal roots and an empty proof; the empty
    tree is a prefix of every tree (empty proof)."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if old_size == 0:
        return not path
    if not path or any(len(c) != HASH_SIZE for c in path):
        return False
    path = list(path)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is a node itself
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


@dataclass
class CompactRange:
    """The roots of the perfect subtrees that cover leaves ``[0, size)``, largest first — one
    for each set bit of ``size`` (Merkle "frontier").  ``append`` is O(log n) hashes, amortised
    one; ``root`` folds them right to left, which is MTH of the leaves so far."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.hashes) != self.size.bit_count():
            raise ValueError(
                f"a compact range of {self.size} leaves holds {self.size.bit_count()} hashes, "
                f"not {len(self.hashes)}"
            )
        if any(len(h) != HASH_SIZE for h in self.hashes):
            raise ValueError(f"compact range hashes are {HASH_SIZE} bytes each")

    def append(self, leaf: bytes) -> None:
        hashes, carry, size = self.hashes, leaf, self.size
        while size & 1:  # each trailing one bit of the old size is a subtree that is now full
            carry = node_hash(hashes.pop(), carry)
            size >>= 1
        hashes.append(carry)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        r = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            r = node_hash(h, r)
        return r

    def copy(self) -> CompactRange:
        return CompactRange(self.size, list(self.hashes))
