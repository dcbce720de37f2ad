"""Gallery storage: persistence, delete/replace, corruption detection, locking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from securecomm.afis.errors import GalleryError
from securecomm.afis.search.errors import (
    GalleryLockedError,
    IdentityExistsError,
    UnknownIdentityError,
)
from securecomm.afis.search.gallery import (
    HEADER_SIZE,
    EnrolmentRecord,
    Gallery,
    append_packed,
    pack_ten_print,
)
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.types import FingerPosition

GEN = TenPrintGenerator(11)


def _enrol(gallery: Gallery, ids: range) -> None:
    gallery.enrol_many([EnrolmentRecord(f"p{i}", pack_ten_print(GEN.ten_print(i))) for i in ids])


def test_persists_across_reopen_with_exact_minutiae(tmp_path: Path) -> None:
    path = tmp_path / "g"
    with Gallery.open(path, shards=2) as g:
        _enrol(g, range(12))
        assert len(g) == 12
    with Gallery.open(path) as g:
        assert len(g) == 12
        stored = g.fingers("p3")
        original = GEN.ten_print(3)
        assert set(stored) == set(original)
        for pos, t in original.items():
            s = stored[pos]
            assert s.count == t.count
            assert np.allclose(s.x, t.x, atol=0.13) and np.allclose(s.y, t.y, atol=0.13)
            assert np.allclose(s.angle, t.angle, atol=1e-4)
            assert np.array_equal(s.kind, t.kind)


def test_partial_ten_print_keeps_only_enrolled_fingers(tmp_path: Path) -> None:
    full = GEN.ten_print(40)
    part = {p: full[p] for p in (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_THUMB)}
    with Gallery.open(tmp_path / "g") as g:
        g.enrol_many([EnrolmentRecord("partial", pack_ten_print(part))])
        assert set(g.fingers("partial")) == set(part)


def test_delete_and_replace_are_persistent(tmp_path: Path) -> None:
    path = tmp_path / "g"
    with Gallery.open(path) as g:
        _enrol(g, range(5))
        g.delete("p1")
        assert "p1" not in g and len(g) == 4
        with pytest.raises(UnknownIdentityError, match="'p1' is not enrolled"):
            g.delete("p1")
        with pytest.raises(IdentityExistsError, match="'p2' is already enrolled"):
            _enrol(g, range(2, 3))
        g.enrol_many([EnrolmentRecord("p2", pack_ten_print(GEN.ten_print(99)))], replace=True)
        assert len(g) == 4
    with Gallery.open(path) as g:
        assert "p1" not in g and "p2" in g and len(g) == 4
        replaced = g.fingers("p2")[FingerPosition.RIGHT_THUMB]
        assert replaced.count == GEN.ten_print(99)[FingerPosition.RIGHT_THUMB].count
        g.enrol_many([EnrolmentRecord("p1", pack_ten_print(GEN.ten_print(1)))])
        assert "p1" in g and len(g) == 5


def test_identity_id_is_validated(tmp_path: Path) -> None:
    with Gallery.open(tmp_path / "g") as g, pytest.raises(GalleryError, match="1–48 bytes"):
        g.enrol_many([EnrolmentRecord("x" * 49, pack_ten_print(GEN.ten_print(0)))])


def test_second_writer_is_refused(tmp_path: Path) -> None:
    with Gallery.open(tmp_path / "g"), pytest.raises(GalleryLockedError, match="open for writing"):
        Gallery.open(tmp_path / "g")


def _built(tmp_path: Path) -> Path:
    path = tmp_path / "g"
    with Gallery.open(path, shards=1) as g:
        _enrol(g, range(4))
    return path


@pytest.mark.parametrize("name", ["lead", "tail"])
def test_truncated_codes_file_is_detected(tmp_path: Path, name: str) -> None:
    path = _built(tmp_path)
    codes = path / "shard-000" / f"{name}.bin"
    with open(codes, "r+b") as f:
        f.truncate(codes.stat().st_size - 100)
    with pytest.raises(GalleryError, match=rf"{name}\.bin: truncated: .* journal commits 4"):
        Gallery.open(path)


@pytest.mark.parametrize("name", ["lead", "tail", "index", "minutiae", "journal", "tombstones"])
def test_flipped_header_byte_is_detected(tmp_path: Path, name: str) -> None:
    path = _built(tmp_path)
    target = path / "shard-000" / f"{name}.bin"
    data = bytearray(target.read_bytes())
    data[20] ^= 0x40
    target.write_bytes(bytes(data))
    with pytest.raises(GalleryError, match=rf"{name}\.bin: header checksum mismatch"):
        Gallery.open(path)


@pytest.mark.parametrize("name", ["lead", "tail", "minutiae"])
def test_flipped_data_byte_is_detected_on_read(tmp_path: Path, name: str) -> None:
    path = _built(tmp_path)
    target = path / "shard-000" / f"{name}.bin"
    data = bytearray(target.read_bytes())
    data[HEADER_SIZE + 3] ^= 0xFF
    target.write_bytes(bytes(data))
    with Gallery.open(path) as g:
        first = g.shards[0].identity_id(0)
        with pytest.raises(GalleryError, match="fails its checksum"):
            g.fingers(first)


def test_missing_and_bad_manifest(tmp_path: Path) -> None:
    with pytest.raises(GalleryError, match=r"MANIFEST\.json is missing"):
        Gallery.open(tmp_path / "nothing", create=False)
    path = _built(tmp_path)
    (path / "MANIFEST.json").write_text("{not json")
    with pytest.raises(GalleryError, match="not valid JSON"):
        Gallery.open(path)


def test_torn_commit_record_is_ignored(tmp_path: Path) -> None:
    path = _built(tmp_path)
    journal = path / "shard-000" / "journal.bin"
    with open(journal, "ab") as f:
        f.write(b"\x31\x4a\x43\x53" + b"\x00" * 20)  # a commit cut off mid-write
    with Gallery.open(path) as g:
        assert len(g) == 4
        _enrol(g, range(10, 11))
    with Gallery.open(path) as g:
        assert len(g) == 5


def test_bulk_append_equals_per_identity_enrolment(tmp_path: Path) -> None:
    ids = [f"b{i}" for i in range(9)]
    packed = GEN.impressions(np.arange(9), 0)
    with Gallery.open(tmp_path / "bulk", shards=2) as bulk:
        append_packed(bulk, ids, packed)
        with Gallery.open(tmp_path / "one", shards=2) as one:
            _enrol_named(one, ids)
            for s_bulk, s_one in zip(bulk.shards, one.shards, strict=True):
                assert np.array_equal(s_bulk.lead, s_one.lead)
                assert np.array_equal(s_bulk.tail, s_one.tail)
                assert np.array_equal(s_bulk.minutiae, s_one.minutiae)
                assert s_bulk.ids.tolist() == s_one.ids.tolist()
        with pytest.raises(IdentityExistsError):
            append_packed(bulk, ids[:1], GEN.impressions([0], 0))


def _enrol_named(gallery: Gallery, ids: list[str]) -> None:
    gallery.enrol_many(
        [EnrolmentRecord(name, pack_ten_print(GEN.ten_print(i))) for i, name in enumerate(ids)]
    )


def test_gallery_of_an_older_code_layout_is_refused(tmp_path: Path) -> None:
    import json
    import zlib

    from securecomm.afis.search.parameters import CODE_LAYOUT_VERSION

    path = _built(tmp_path)
    manifest = json.loads((path / "MANIFEST.json").read_text())
    manifest["code_layout"] = CODE_LAYOUT_VERSION - 1
    (path / "MANIFEST.json").write_text(json.dumps(manifest))
    with pytest.raises(GalleryError, match=rf"layout {CODE_LAYOUT_VERSION - 1}.*recode-gallery"):
        Gallery.open(path)
    # A shard file written with the old layout (valid header of its own) is refused too.
    manifest["code_layout"] = CODE_LAYOUT_VERSION
    (path / "MANIFEST.json").write_text(json.dumps(manifest))
    codes = path / "shard-000" / "lead.bin"
    data = bytearray(codes.read_bytes())
    data[28:32] = (CODE_LAYOUT_VERSION - 1).to_bytes(4, "little")
    data[HEADER_SIZE - 4 : HEADER_SIZE] = zlib.crc32(bytes(data[: HEADER_SIZE - 4])).to_bytes(
        4, "little"
    )
    codes.write_bytes(bytes(data))
    with pytest.raises(GalleryError, match=r"lead\.bin: header describes another .*layout"):
        Gallery.open(path)


def test_each_enrolled_identity_keeps_its_own_frame_size(tmp_path: Path) -> None:
    """A commit of identities with different frames (e.g. prints of different sizes) stores each
    slot's own frame, and their minutiae stay where their index says."""
    import dataclasses

    wide = dataclasses.replace(pack_ten_print(GEN.ten_print(1)), width=800, height=750)
    records = [
        EnrolmentRecord("a", pack_ten_print(GEN.ten_print(0))),
        EnrolmentRecord("b", wide),
        EnrolmentRecord("c", pack_ten_print(GEN.ten_print(2))),
    ]
    with Gallery.open(tmp_path / "g", shards=1) as g:
        g.enrol_many(records)
        for rec, i in zip(records, range(3), strict=True):
            fingers = g.fingers(rec.identity_id)
            first = next(iter(fingers.values()))
            assert (first.width, first.height) == (rec.packed.width, rec.packed.height)
            original = GEN.ten_print(i)
            for position, template in fingers.items():
                assert np.allclose(template.x, original[position].x, atol=0.125)
