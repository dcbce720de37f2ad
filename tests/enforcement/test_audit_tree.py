"""The audit log's Merkle tree is RFC 9162's: the RFC's test vectors (as published with the
Certificate Transparency reference code and kept in transparency-dev/merkle), a straight
transcription of the RFC's recursive definitions as the reference for every size, and proofs
that verify for every (size, index) and (old, new) pair and fail when any byte changes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securecomm.enforcement.audit_tree import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    Tree,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# --- the RFC's definitions, recursively, as the reference ----------------------------------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def data(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


def tree_of(d: list[bytes]) -> Tree:
    return Tree([leaf_hash(x) for x in d])


# --- RFC 6962 / 9162 test vectors ----------------------------------------------------------------

LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
          "5051525354555657", "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]  # fmt: skip
#: (leaf index, tree size, path)
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
#: (old size, new size, proof)
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip


def test_empty_tree_and_rfc_roots() -> None:
    assert root_of([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    for n in range(1, 9):
        hashes = [leaf_hash(x) for x in LEAVES[:n]]
        assert root_of(hashes) == Tree(hashes).root() == ROOTS[n - 1]
        compact = CompactRange()
        compact.extend(hashes)
        assert compact.root() == ROOTS[n - 1]


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
def test_rfc_inclusion_vectors(index: int, size: int, expected: list[str]) -> None:
    tree = tree_of(LEAVES[:size])
    proof = tree.inclusion_proof(index)
    assert [p.hex() for p in proof] == expected
    assert verify_inclusion(index, size, leaf_hash(LEAVES[index]), proof, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY)
def test_rfc_consistency_vectors(old: int, new: int, expected: list[str]) -> None:
    proof = tree_of(LEAVES[:new]).consistency_proof(old)
    assert [p.hex() for p in proof] == expected
    assert verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)


def test_trivial_consistency_cases_as_the_reference_verifier() -> None:
    r1, r2 = b"1" * 32, b"2" * 32
    assert verify_consistency(0, 0, r1, r1, [])
    assert verify_consistency(0, 5, r1, r2, [])  # the empty tree is a prefix of every tree
    assert verify_consistency(3, 3, r2, r2, [])
    assert not verify_consistency(3, 3, r1, r2, [])
    assert not verify_consistency(3, 3, r1, r1, [EMPTY_ROOT])  # equal, but a proof given
    assert not verify_consistency(0, 1, r1, r1, [EMPTY_ROOT])
    assert not verify_consistency(2, 1, r1, r2, [])  # time travel
    assert not verify_consistency(1, 2, r1, r2, [])  # no proof


def test_single_leaf_and_out_of_range() -> None:
    h = leaf_hash(b"data")
    assert verify_inclusion(0, 1, h, [], h)
    assert not verify_inclusion(0, 1, h, [], b"")
    for index, size in ((0, 0), (1, 0), (2, 1), (1, 1)):
        assert not verify_inclusion(index, size, h, [], h)
    with pytest.raises(ProofError):
        tree_of(data(3)).inclusion_proof(3)
    with pytest.raises(ProofError):
        tree_of(data(3)).consistency_proof(4)


# --- every size against the RFC's definitions ----------------------------------------------------


def test_every_small_tree_matches_the_rfc_definitions() -> None:
    for n in range(0, 40):
        d = data(n)
        tree = tree_of(d)
        assert tree.root() == mth(d)
        for m in range(n):
            assert tree.inclusion_proof(m) == path(m, d)
            assert verify_inclusion(m, n, leaf_hash(d[m]), path(m, d), mth(d))
        for old in range(1, n):
            assert tree.consistency_proof(old) == subproof(old, d, True)
            assert verify_consistency(old, n, mth(d[:old]), mth(d), subproof(old, d, True))


def _flip(proof: list[bytes], i: int, byte: int, bit: int) -> list[bytes]:
    changed = bytearray(proof[i])
    changed[byte] ^= 1 << bit
    return [*proof[:i], bytes(changed), *proof[i + 1 :]]


def _flip_hash(h: bytes, byte: int, bit: int) -> bytes:
    return _flip([h], 0, byte, bit)[0]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))),
    st.integers(0, 31),
    st.integers(0, 7),
    st.data(),
)
def test_inclusion_verifies_and_fails_on_any_changed_byte(
    size_index: tuple[int, int], byte: int, bit: int, draw: st.DataObject
) -> None:
    size, index = size_index
    hashes = [leaf_hash(x) for x in data(size)]
    tree = Tree(hashes)
    root, leaf, proof = tree.root(), hashes[index], tree.inclusion_proof(index)
    assert verify_inclusion(index, size, leaf, proof, root)
    assert not verify_inclusion(index, size, _flip_hash(leaf, byte, bit), proof, root)
    assert not verify_inclusion(index, size, leaf, proof, _flip_hash(root, byte, bit))
    if proof:
        i = draw.draw(st.integers(0, len(proof) - 1))
        assert not verify_inclusion(index, size, leaf, _flip(proof, i, byte, bit), root)
        assert not verify_inclusion(index, size, leaf, proof[:-1], root)
    assert not verify_inclusion(index, size, leaf, [*proof, root], root)
    other = draw.draw(st.integers(0, size - 1).filter(lambda j: j != index)) if size > 1 else None
    if other is not None:
        assert not verify_inclusion(other, size, leaf, proof, root)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 300).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n))),
    st.integers(0, 31),
    st.integers(0, 7),
    st.data(),
)
def test_consistency_verifies_and_fails_on_any_changed_byte(
    sizes: tuple[int, int], byte: int, bit: int, draw: st.DataObject
) -> None:
    old, new = sizes
    hashes = [leaf_hash(x) for x in data(new)]
    tree = Tree(hashes)
    old_root, new_root = root_of(hashes[:old]), tree.root()
    proof = tree.consistency_proof(old)
    assert verify_consistency(old, new, old_root, new_root, proof)
    assert not verify_consistency(old, new, _flip_hash(old_root, byte, bit), new_root, proof)
    assert not verify_consistency(old, new, old_root, _flip_hash(new_root, byte, bit), proof)
    i = draw.draw(st.integers(0, len(proof) - 1))
    assert not verify_consistency(old, new, old_root, new_root, _flip(proof, i, byte, bit))
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, new_root])
    # A rewritten old entry: the proof from the rewritten tree cannot meet the signed old root.
    rewritten = list(hashes)
    rewritten[draw.draw(st.integers(0, old - 1))] = leaf_hash(b"rewritten")
    forged = Tree(rewritten)
    assert not verify_consistency(old, new, old_root, forged.root(), forged.consistency_proof(old))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=8), max_size=200))
def test_compact_range_root_at_every_size(items: list[bytes]) -> None:
    compact = CompactRange()
    for i, item in enumerate(items):
        compact.append(leaf_hash(item))
        assert compact.size == i + 1 and len(compact.hashes) == (i + 1).bit_count()
    assert compact.root() == mth(items)
    copy = compact.copy()
    copy.append(leaf_hash(b"x"))
    assert compact.root() == mth(items)  # the copy is independent


def test_compact_range_refuses_a_wrong_shape() -> None:
    with pytest.raises(ValueError, match="holds 2 hashes"):
        CompactRange(3, [EMPTY_ROOT])
    assert node_hash(EMPTY_ROOT, EMPTY_ROOT) == hashlib.sha256(b"\x01" + EMPTY_ROOT * 2).digest()
