"""Recoding a gallery of an older code layout: real files, a faithful layout-3 gallery."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from securecomm.afis.errors import GalleryError
from securecomm.afis.search.codes import finger_codes, split_codes
from securecomm.afis.search.embedded import EmbeddedSearchEngine
from securecomm.afis.search.errors import GalleryLockedError
from securecomm.afis.search.gallery import (
    _FILES,
    FINGERS,
    HEADER_SIZE,
    EnrolmentRecord,
    Gallery,
    _header,
    append_packed,
    pack_ten_print,
    shard_of,
)
from securecomm.afis.search.parameters import CODE_LAYOUT_VERSION, CODE_WORDS
from securecomm.afis.search.recode import recode_gallery
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.types import FingerPosition, Template
from securecomm.cli.main import app

GEN = TenPrintGenerator(23)
OLD_LAYOUT = 3
SHARDS = 2
#: A different frame for a few identities in the middle of the slot order.
WIDE = {"p10", "p11", "p20"}
PARTIAL = (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_THUMB)
REPLACEMENT = 999  # GEN identity that replaces p5


def _build_current(path: Path) -> None:
    """30 identities with the current code: bulk and one-by-one, two frame sizes, one partial
    ten-print, then p7 deleted and p5 replaced."""
    with Gallery.open(path, shards=SHARDS) as g:
        for i in range(0, 30, 10):
            ids = [f"p{k}" for k in range(i, i + 10)]
            # bulk path; wide-frame ids are enrolled one by one below
            keep = [k for k, identity in enumerate(ids) if identity not in WIDE]
            batch = GEN.impressions(np.arange(i, i + 10)[keep])
            append_packed(g, [ids[k] for k in keep], batch)
        for identity in sorted(WIDE):
            packed = pack_ten_print(GEN.ten_print(int(identity[1:])))
            append_packed(g, [identity], dataclasses.replace(packed, width=640, height=720))
        full = GEN.ten_print(30)
        g.enrol_many([EnrolmentRecord("partial", pack_ten_print({p: full[p] for p in PARTIAL}))])
        g.delete("p7")
        g.enrol_many(
            [EnrolmentRecord("p5", pack_ten_print(GEN.ten_print(REPLACEMENT)))], replace=True
        )


def _rewrite_header(path: Path, kind: str, record_size: int, layout: int) -> None:
    with open(path, "r+b") as f:
        f.write(_header(kind, record_size, layout))


def _downgrade(path: Path, layout: int = OLD_LAYOUT) -> None:
    """Turn a current gallery into one of code layout ``layout``: every header and the manifest
    say so, and lead.bin + tail.bin become one codes.bin (content irrelevant to a recode)."""
    manifest = json.loads((path / "MANIFEST.json").read_text())
    manifest["code_layout"] = layout
    for key in ("code_words", "lead_words"):
        manifest.pop(key, None)
    (path / "MANIFEST.json").write_text(json.dumps(manifest, indent=2))
    rng = np.random.default_rng(layout)
    for s in range(manifest["shards"]):
        shard = path / f"shard-{s:03d}"
        for name, dtype in _FILES.items():
            if name not in ("lead", "tail"):
                _rewrite_header(shard / f"{name}.bin", name, dtype.itemsize, layout)
        _rewrite_header(shard / "journal.bin", "journal", 48, layout)
        slots = (os.path.getsize(shard / "ids.bin") - HEADER_SIZE) // _FILES["ids"].itemsize
        record = FINGERS * CODE_WORDS * 8
        with open(shard / "codes.bin", "xb") as f:
            f.write(_header("codes", record, layout))
            f.write(rng.integers(0, 256, slots * record, dtype=np.uint8).tobytes())
        (shard / "lead.bin").unlink()
        (shard / "tail.bin").unlink()


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A current gallery's stored fingers and slot order, and a layout-3 copy of it."""
    path = tmp_path_factory.mktemp("recode") / "current"
    _build_current(path)
    with Gallery.open(path, writable=False, create=False) as g:
        order = [
            [shard.identity_id(int(k)) for k in np.flatnonzero(shard.live)] for shard in g.shards
        ]
        fingers = {i: g.fingers(i) for o in order for i in o}
    assert all(len(o) > 5 for o in order)
    _downgrade(path)
    return {"path": path, "fingers": fingers, "order": order}


def _assert_same_template(a: Template, b: Template) -> None:
    assert (a.width, a.height, a.quality, a.position) == (b.width, b.height, b.quality, b.position)
    for field in ("x", "y", "angle", "kind", "minutia_quality"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field


def test_old_layout_is_refused_by_the_gallery(originals: dict) -> None:
    with pytest.raises(GalleryError, match=r"layout 3.*rebuild the gallery"):
        Gallery.open(originals["path"], writable=False, create=False)


def test_recode_carries_every_live_identity_exactly(originals: dict, tmp_path: Path) -> None:
    dst = tmp_path / "recoded"
    calls: list[tuple[int, int, int]] = []
    report = recode_gallery(originals["path"], dst, batch=7, progress=lambda *a: calls.append(a))
    expected: dict[str, dict[FingerPosition, Template]] = originals["fingers"]
    assert len(expected) == 30  # 30 + partial - p7
    assert (report.identities, report.deleted, report.shards) == (30, 2, SHARDS)
    assert report.source_layout == OLD_LAYOUT
    assert report.minutiae == sum(t.count for f in expected.values() for t in f.values())
    assert calls[-1][1:] == (30, 30) and [c[1] for c in calls] == sorted(c[1] for c in calls)
    assert json.loads((dst / "MANIFEST.json").read_text())["code_layout"] == CODE_LAYOUT_VERSION
    assert not list(tmp_path.glob(".*"))  # the temporary build directory was renamed
    with Gallery.open(dst, writable=False, create=False) as g:
        assert len(g) == 30 and "p7" not in g
        for shard in g.shards:
            assert shard.slots == shard.identities  # no deleted slots carried over
        for identity, fingers in expected.items():
            assert g.shard_for(identity) is g.shards[shard_of(identity, SHARDS)]
            stored = g.fingers(identity)
            assert set(stored) == set(fingers), identity
            for pos, template in fingers.items():
                _assert_same_template(stored[pos], template)
            # the new codes are the current code of the stored (¼ px) minutiae
            shard = g.shard_for(identity)
            slot = shard.identity_index()[identity]
            codes, _ = finger_codes(pack_ten_print(fingers))
            lead, tail = split_codes(codes.reshape(1, FINGERS, CODE_WORDS))
            assert np.array_equal(shard.lead[slot], lead[0])
            assert np.array_equal(shard.tail[slot], tail[0])
        assert set(g.fingers("partial")) == set(PARTIAL)
        assert g.fingers("p10")[FingerPosition.RIGHT_THUMB].width == 640
        assert g.fingers("p12")[FingerPosition.RIGHT_THUMB].width != 640
        # every shard keeps its live identities in their slot order
        assert [
            [shard.identity_id(k) for k in range(shard.slots)] for shard in g.shards
        ] == originals["order"]
        original = GEN.ten_print(12)[FingerPosition.LEFT_RING]
        again = g.fingers("p12")[FingerPosition.LEFT_RING]
        assert np.allclose(again.x, original.x, atol=0.13)
        assert np.allclose(again.angle, original.angle, atol=1e-4)


def test_recoded_gallery_answers_mated_searches(originals: dict, tmp_path: Path) -> None:
    dst = tmp_path / "recoded"
    recode_gallery(originals["path"], dst)
    with EmbeddedSearchEngine(Gallery.open(dst, create=False)) as engine:
        for identity, probe in (
            ("p3", GEN.ten_print(3, impression=1)),
            ("p5", GEN.ten_print(REPLACEMENT, impression=1)),
            ("p11", GEN.ten_print(11, impression=1)),
        ):
            assert engine.search(probe).candidates[0].identity_id == identity
        assert all(c.identity_id != "p7" for c in engine.search(GEN.ten_print(7, 1)).candidates)
        # the recoded gallery is a normal one: it takes new enrolments
        engine.enrol("p100", GEN.ten_print(100))
        assert engine.search(GEN.ten_print(100, 1)).candidates[0].identity_id == "p100"


def test_current_layout_is_copied(tmp_path: Path) -> None:
    src = tmp_path / "src"
    with Gallery.open(src, shards=3) as g:
        append_packed(g, [f"q{k}" for k in range(8)], GEN.impressions(np.arange(8)))
        g.delete("q2")
    report = recode_gallery(src, tmp_path / "dst")
    assert (report.identities, report.deleted, report.shards) == (7, 1, 3)
    assert report.source_layout == CODE_LAYOUT_VERSION
    with Gallery.open(src, create=False) as a, Gallery.open(tmp_path / "dst", create=False) as b:
        assert len(b) == 7 and "q2" not in b
        for k in (0, 1, 3, 7):
            for pos, t in a.fingers(f"q{k}").items():
                _assert_same_template(b.fingers(f"q{k}")[pos], t)


def test_empty_destination_directory_is_accepted(originals: dict, tmp_path: Path) -> None:
    dst = tmp_path / "empty"
    dst.mkdir()
    assert recode_gallery(originals["path"], dst).identities == 30
    assert (dst / "MANIFEST.json").is_file()


def test_non_empty_destination_is_refused(originals: dict, tmp_path: Path) -> None:
    dst = tmp_path / "busy"
    dst.mkdir()
    (dst / "notes.txt").write_text("keep me")
    with pytest.raises(GalleryError, match=r"busy: .*must not exist or be an empty directory"):
        recode_gallery(originals["path"], dst)
    assert [p.name for p in dst.iterdir()] == ["notes.txt"]
    with pytest.raises(GalleryError, match="exists and is a file"):
        recode_gallery(originals["path"], dst / "notes.txt")


def test_missing_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    with pytest.raises(GalleryError, match=r"nothing/MANIFEST.json: no gallery here"):
        recode_gallery(tmp_path / "nothing", tmp_path / "dst")
    assert not (tmp_path / "dst").exists()


def test_newer_layout_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    with Gallery.open(src, shards=1) as g:
        append_packed(g, ["a", "b"], GEN.impressions(np.arange(2)))
    _downgrade(src, CODE_LAYOUT_VERSION + 1)
    with pytest.raises(GalleryError, match=f"layout {CODE_LAYOUT_VERSION + 1}, newer than"):
        recode_gallery(src, tmp_path / "dst")
    assert not (tmp_path / "dst").exists()


def test_mismatched_file_header_is_refused(originals: dict, tmp_path: Path) -> None:
    src = tmp_path / "src"
    _copy_tree(originals["path"], src)
    _rewrite_header(src / "shard-001" / "index.bin", "index", _FILES["index"].itemsize, 2)
    with pytest.raises(GalleryError, match=r"shard-001/index.bin: header .*layout 3"):
        recode_gallery(src, tmp_path / "dst")


def test_truncated_minutiae_is_refused_naming_the_file(originals: dict, tmp_path: Path) -> None:
    src = tmp_path / "src"
    _copy_tree(originals["path"], src)
    minutiae = src / "shard-000" / "minutiae.bin"
    os.truncate(minutiae, os.path.getsize(minutiae) - 8 * 5)
    with pytest.raises(GalleryError, match=r"shard-000/minutiae.bin: truncated: \d+ bytes"):
        recode_gallery(src, tmp_path / "dst")
    assert not (tmp_path / "dst").exists() and not list(tmp_path.glob(".dst*"))


@pytest.mark.parametrize("offset", [10**9, 2**64 - 1])
def test_index_pointing_past_the_minutiae_is_refused(
    originals: dict, tmp_path: Path, offset: int
) -> None:
    src = tmp_path / "src"
    _copy_tree(originals["path"], src)
    index = src / "shard-000" / "index.bin"
    with open(index, "r+b") as f:
        f.seek(HEADER_SIZE)  # slot 0's minutiae offset
        f.write(offset.to_bytes(8, "little"))
    with pytest.raises(GalleryError, match=r"shard-000/index.bin: slot 0 \(byte offset 64\)"):
        recode_gallery(src, tmp_path / "dst")


def test_interrupted_recode_leaves_nothing(originals: dict, tmp_path: Path) -> None:
    def stop(shard: int, copied: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        recode_gallery(originals["path"], tmp_path / "dst", batch=4, progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_source_open_for_writing_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    with Gallery.open(src, shards=1) as g:
        append_packed(g, ["a"], GEN.impressions(np.arange(1)))
        with pytest.raises(GalleryLockedError, match="open for writing"):
            recode_gallery(src, tmp_path / "dst")
    fd = os.open(src / "shard-000" / "LOCK", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # another reader does not block a recode
        assert recode_gallery(src, tmp_path / "dst").identities == 1
    finally:
        os.close(fd)


def test_cli_recode_gallery(originals: dict, tmp_path: Path) -> None:
    runner = CliRunner()
    dst = tmp_path / "cli"
    result = runner.invoke(app, ["afis", "recode-gallery", str(originals["path"]), str(dst)])
    assert result.exit_code == 0, result.output
    assert "30 identities" in result.output and "2 deleted" in result.output
    assert "layout 3" in result.output
    with Gallery.open(dst, writable=False, create=False) as g:
        assert len(g) == 30
    again = runner.invoke(app, ["afis", "recode-gallery", str(originals["path"]), str(dst)])
    assert again.exit_code == 2
    assert "error:" in again.output and "must not exist or be an empty directory" in again.output


def _copy_tree(src: Path, dst: Path) -> None:
    dst.mkdir()
    for shard in src.iterdir():
        if shard.is_dir():
            (dst / shard.name).mkdir()
            for f in shard.iterdir():
                (dst / shard.name / f.name).write_bytes(f.read_bytes())
        else:
            (dst / shard.name).write_bytes(shard.read_bytes())


def test_missing_shard_is_refused(originals: dict, tmp_path: Path) -> None:
    src = tmp_path / "src"
    _copy_tree(originals["path"], src)
    for f in (src / "shard-001").iterdir():
        f.unlink()
    (src / "shard-001").rmdir()
    with pytest.raises(GalleryError, match=r"shard-001: shard directory 1 of 2 is missing"):
        recode_gallery(src, tmp_path / "dst")
