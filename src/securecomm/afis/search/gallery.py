"""The persisted gallery: shards of append-only, memory-mapped files under one directory.

Layout (``docs/afis-search.md`` has the byte-level description)::

    <dir>/MANIFEST.json            format, version, number of shards, code layout
    <dir>/shard-000/lead.bin       per slot: 10 finger lead codes (10 × 96 bytes), scanned for
                                   every identity by the pre-filter
                    tail.bin       per slot: the rest of the 10 finger codes (10 × 96 bytes),
                                   read for the lead scan's survivors
                    pops.bin       per slot: 10 × 2 segment popcounts (uint16; 0 = absent)
                    ids.bin        per slot: identity id (UTF-8, NUL-padded)
                    index.bin      per slot: minutiae offset, per-finger counts and quality,
                                   frame size, CRC-32 of the slot's codes (lead, then tail)
                                   and minutiae
                    minutiae.bin   8-byte minutiae (x, y in ¼ px, angle in 1/65536 turn, kind,
                                   quality)
                    tombstones.bin slot numbers of deleted or replaced identities
                    journal.bin    commit records (:mod:`journal`)

Every file starts with a 64-byte header (magic, file kind, layout version, record size,
CRC-32). A slot is never rewritten: enrol appends a slot, delete appends a tombstone, replace
does both in one commit. Identities are assigned to shards by CRC-32 of their id, so a shard is
the unit a Ray actor owns.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from securecomm.afis.errors import GalleryError
from securecomm.afis.search import journal
from securecomm.afis.search.codes import finger_codes, split_codes
from securecomm.afis.search.errors import (
    GalleryLockedError,
    IdentityExistsError,
    UnknownIdentityError,
)
from securecomm.afis.search.lead_blocks import BlockView, LeadBlocks
from securecomm.afis.search.packed import PackedMinutiae
from securecomm.afis.search.parameters import (
    CODE_LAYOUT_VERSION,
    CODE_LEAD_WORDS,
    CODE_SEGMENTS,
    CODE_WORDS,
    DEFAULT_SHARDS,
    IDENTITY_ID_BYTES,
)
from securecomm.afis.types import FingerPosition, Template

FORMAT = "securecomm-gallery"
FORMAT_VERSION = 1
HEADER_SIZE = 64
FILE_MAGIC = b"SCGALRY1"
FINGERS = 10

MINUTIA_DTYPE = np.dtype(
    [("x", "<u2"), ("y", "<u2"), ("angle", "<u2"), ("kind", "u1"), ("quality", "u1")]
)
INDEX_DTYPE = np.dtype(
    [
        ("offset", "<u8"),
        ("counts", "u1", (FINGERS,)),
        ("quality", "u1", (FINGERS,)),
        ("width", "<u2"),
        ("height", "<u2"),
        ("crc", "<u4"),
    ],
    align=True,
)
_POSITION_SCALE = 4.0
_ANGLE_SCALE = 65536.0 / (2.0 * np.pi)

#: name → (record dtype, records per slot shape).
_FILES: dict[str, np.dtype] = {
    "lead": np.dtype(("<u8", (FINGERS, CODE_SEGMENTS * CODE_LEAD_WORDS))),
    "tail": np.dtype(("<u8", (FINGERS, CODE_WORDS - CODE_SEGMENTS * CODE_LEAD_WORDS))),
    "pops": np.dtype(("<u2", (FINGERS, CODE_SEGMENTS))),
    "ids": np.dtype(f"S{IDENTITY_ID_BYTES}"),
    "index": INDEX_DTYPE,
    "minutiae": MINUTIA_DTYPE,
    "tombstones": np.dtype("<u8"),
}


def presence_bits(pops: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint16]:
    """Per slot, bit f set when finger f + 1 has a non-empty code (``pops`` is (n, 10, 2))."""
    present = (pops.reshape(len(pops), FINGERS, CODE_SEGMENTS) > 0).any(axis=2)
    weights = (1 << np.arange(FINGERS)).astype(np.uint16)
    return (present.astype(np.uint16) * weights).sum(axis=1, dtype=np.uint16)


def shard_of(identity_id: str, shards: int) -> int:
    """The shard an identity lives in (CRC-32 of its UTF-8 id, stable across processes)."""
    return zlib.crc32(identity_id.encode("utf-8")) % shards


def _header(kind: str, record_size: int, layout: int = CODE_LAYOUT_VERSION) -> bytes:
    body = (
        FILE_MAGIC
        + kind.encode("ascii").ljust(16, b"\0")
        + FORMAT_VERSION.to_bytes(4, "little")
        + layout.to_bytes(4, "little")
        + record_size.to_bytes(8, "little")
    ).ljust(HEADER_SIZE - 4, b"\0")
    return body + zlib.crc32(body).to_bytes(4, "little")


def _check_header(
    path: Path, kind: str, record_size: int, layout: int = CODE_LAYOUT_VERSION
) -> None:
    try:
        with open(path, "rb") as f:
            raw = f.read(HEADER_SIZE)
    except FileNotFoundError:
        raise GalleryError(f"{path}: gallery file is missing") from None
    if len(raw) < HEADER_SIZE:
        raise GalleryError(
            f"{path}: truncated header ({len(raw)} of {HEADER_SIZE} bytes at byte offset 0)"
        )
    if raw[:8] != FILE_MAGIC:
        raise GalleryError(f"{path}: not a gallery file (bad magic {raw[:8]!r} at byte offset 0)")
    if zlib.crc32(raw[:-4]) != int.from_bytes(raw[-4:], "little"):
        raise GalleryError(
            f"{path}: header checksum mismatch (bytes 0–{HEADER_SIZE - 1}); the file is corrupt"
        )
    expected = _header(kind, record_size, layout)
    if raw != expected:
        raise GalleryError(
            f"{path}: header describes another file kind, format or code layout "
            f"(expected kind {kind!r}, layout {layout}, record size {record_size})"
        )


def require_committed(shard: Path, name: str, records: int) -> None:
    """Refuse a data file shorter than the ``records`` the journal commits for it."""
    p = shard / f"{name}.bin"
    need = HEADER_SIZE + records * _FILES[name].itemsize
    have = p.stat().st_size
    if have < need:
        raise GalleryError(
            f"{p}: truncated: {have} bytes, but the journal commits {records} records "
            f"({need} bytes)"
        )


def map_records(shard: Path, name: str, records: int) -> np.ndarray:
    """A read-only memory map of the first ``records`` records of a shard's data file."""
    dtype = _FILES[name]
    if records == 0:
        return np.zeros((0, *dtype.shape), dtype=dtype.base)
    mm = np.memmap(
        shard / f"{name}.bin", dtype=dtype, mode="r", offset=HEADER_SIZE, shape=(records,)
    )
    return mm.view(np.ndarray)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class EnrolmentRecord:
    """One identity's fingers in the packed form the shard stores."""

    identity_id: str
    packed: PackedMinutiae  # exactly 10 fingers, finger position p at index p - 1


def pack_ten_print(fingers: Mapping[FingerPosition, Template]) -> PackedMinutiae:
    """Pack a ten-print (any subset of positions 1–10) into 10 finger slots."""
    slots: list[Template | None] = [None] * FINGERS
    for position, template in fingers.items():
        pos = int(position)
        if not 1 <= pos <= FINGERS:
            raise GalleryError(f"finger position {pos} is not one of 1–10 (ANSI/NIST FGP)")
        slots[pos - 1] = template
    return PackedMinutiae.from_templates(slots)


class GalleryShard:
    """One shard directory: memory-mapped read views plus (when writable) the append path."""

    def __init__(self, path: Path, *, writable: bool) -> None:
        self.path = Path(path)
        self.writable = writable
        self._mutex = threading.RLock()
        self._lock_fd: int | None = None
        self._fds: dict[str, int] = {}
        self._ids: dict[str, int] | None = None
        self._lead_blocks: LeadBlocks | None = None
        if writable:
            self._lock()
        try:
            for name, dtype in _FILES.items():
                _check_header(self.path / f"{name}.bin", name, dtype.itemsize)
            _check_header(self.path / "journal.bin", "journal", journal.RECORD_SIZE)
            self.commit, journal_end = journal.last_commit(self.path / "journal.bin", HEADER_SIZE)
            lengths = {
                "lead": self.commit.slots,
                "tail": self.commit.slots,
                "pops": self.commit.slots,
                "ids": self.commit.slots,
                "index": self.commit.slots,
                "minutiae": self.commit.minutiae,
                "tombstones": self.commit.tombstones,
            }
            for name, records in lengths.items():
                require_committed(self.path, name, records)
            if writable:
                for name, records in lengths.items():
                    p = self.path / f"{name}.bin"
                    fd = os.open(p, os.O_RDWR)
                    os.ftruncate(fd, HEADER_SIZE + records * _FILES[name].itemsize)
                    os.lseek(fd, 0, os.SEEK_END)
                    self._fds[name] = fd
                fd = os.open(self.path / "journal.bin", os.O_RDWR)
                os.ftruncate(fd, journal_end)
                os.lseek(fd, 0, os.SEEK_END)
                self._fds["journal"] = fd
            self._map()
        except BaseException:
            self.close()
            raise

    # --- creation, locking, mapping ------------------------------------------------------
    @classmethod
    def create(cls, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=False)
        for name, dtype in _FILES.items():
            _write_new(path / f"{name}.bin", _header(name, dtype.itemsize))
        _write_new(path / "journal.bin", _header("journal", journal.RECORD_SIZE))
        _fsync_dir(path)

    def _lock(self) -> None:
        fd = os.open(self.path / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise GalleryLockedError(
                f"{self.path}: another process has this gallery shard open for writing"
            ) from None
        self._lock_fd = fd

    def _view(self, name: str, records: int) -> np.ndarray:
        return map_records(self.path, name, records)

    def _map(self) -> None:
        c = self.commit
        self.lead: npt.NDArray[np.uint64] = self._view("lead", c.slots)
        self.tail: npt.NDArray[np.uint64] = self._view("tail", c.slots)
        self.pops: npt.NDArray[np.uint16] = self._view("pops", c.slots)
        self.ids: np.ndarray = self._view("ids", c.slots)
        self.index: np.ndarray = self._view("index", c.slots)
        self.minutiae: np.ndarray = self._view("minutiae", c.minutiae)
        tomb = self._view("tombstones", c.tombstones)
        live = np.ones(c.slots, dtype=np.bool_)
        if len(tomb):
            if int(tomb.max()) >= c.slots:
                raise GalleryError(
                    f"{self.path / 'tombstones.bin'}: tombstone for slot {int(tomb.max())} "
                    f"beyond the {c.slots} committed slots"
                )
            live[tomb.astype(np.int64)] = False
        self.live = live
        self._ids = None
        self._extend_presence()

    def _extend_presence(self) -> None:
        """Bit f of ``presence[slot]`` is set when finger position f + 1 of the slot has a
        non-empty code (either segment's popcount > 0). Derived from ``pops.bin``, not stored
        (so the file format is unchanged); computed once per slot, for new slots on commit."""
        n = self.commit.slots
        old = getattr(self, "presence", None)
        have = 0 if old is None or len(old) > n else len(old)
        fresh = presence_bits(self.pops[have:n])
        self.presence: npt.NDArray[np.uint16] = (
            fresh if have == 0 or old is None else np.concatenate([old[:have], fresh])
        )

    def lead_block_view(self) -> BlockView:
        """The slot-interleaved copy of the lead codes the lead scan reads (:mod:`lead_blocks`),
        derived in memory like ``presence``, each slot copied once. Built on the first scan,
        not when the shard is mapped (a process that only reads records, like the examiner's
        page, never pays for it), and brought up to the committed slots on later scans."""
        blocks = self._lead_blocks
        if blocks is None:
            with self._mutex:
                if self._lead_blocks is None:
                    self._lead_blocks = LeadBlocks(CODE_SEGMENTS * CODE_LEAD_WORDS)
                blocks = self._lead_blocks
        lead = self.lead
        if blocks.view.slots != len(lead):
            blocks.extend(lead)
        return blocks.view

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # --- reading -----------------------------------------------------------------------------
    @property
    def slots(self) -> int:
        return self.commit.slots

    @property
    def identities(self) -> int:
        return int(np.count_nonzero(self.live))

    def identity_index(self) -> dict[str, int]:
        """Live identity id → slot (built on first use, kept up to date by mutations)."""
        with self._mutex:
            if self._ids is None:
                slots = np.flatnonzero(self.live)
                names = self.ids[slots].tolist()
                self._ids = {n.decode("utf-8"): int(s) for n, s in zip(names, slots, strict=True)}
            return self._ids

    def identity_id(self, slot: int) -> str:
        return bytes(self.ids[slot]).rstrip(b"\0").decode("utf-8")

    def fingers(self, slot: int) -> dict[FingerPosition, Template]:
        """The stored templates of one slot, after checking its CRC."""
        reader = self.slot_reader(slot)
        return {p: t for p in reader.positions if (t := reader.get(p)) is not None}

    def slot_reader(self, slot: int) -> SlotReader:
        """A slot whose CRC has been checked; templates are decoded only when asked for (the
        re-ranking's early rejection often needs only three of ten)."""
        rec = self.index[slot]
        counts = rec["counts"].astype(np.int64)
        start = int(rec["offset"])
        blob = self.minutiae[start : start + int(counts.sum())]
        crc = zlib.crc32(self.tail[slot].tobytes(), zlib.crc32(self.lead[slot].tobytes()))
        crc = zlib.crc32(blob.tobytes(), crc)
        if crc != int(rec["crc"]):
            raise GalleryError(
                f"{self.path}: slot {slot} ({self.identity_id(slot)!r}) fails its checksum; "
                "lead.bin, tail.bin or minutiae.bin is corrupt"
            )
        return SlotReader(rec, counts, blob)

    # --- writing -----------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if not self.writable or not self._fds:
            raise GalleryError(f"{self.path}: gallery shard is open read-only")

    def _append(self, name: str, data: bytes) -> None:
        fd = self._fds[name]
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]

    def apply(
        self,
        enrol: Sequence[EnrolmentRecord],
        delete: Iterable[str] = (),
        *,
        replace: bool = False,
    ) -> None:
        """Append ``enrol`` and tombstone ``delete`` (ids) in one durable commit.

        With ``replace`` an enrolled id in ``enrol`` is tombstoned and re-enrolled; otherwise
        enrolling an existing id raises :class:`IdentityExistsError`. Returns after fsync.
        """
        self._require_writable()
        with self._mutex:
            ids = self.identity_index()
            tomb: list[int] = []
            for identity in delete:
                if identity not in ids:
                    raise UnknownIdentityError(f"identity {identity!r} is not enrolled")
                tomb.append(ids[identity])
            seen: set[str] = set()
            for rec in enrol:
                if rec.identity_id in seen:
                    raise IdentityExistsError(
                        f"identity {rec.identity_id!r} appears twice in one enrolment batch"
                    )
                seen.add(rec.identity_id)
                if rec.identity_id in ids:
                    if not replace:
                        raise IdentityExistsError(
                            f"identity {rec.identity_id!r} is already enrolled (use replace)"
                        )
                    tomb.append(ids[rec.identity_id])
            self._write(enrol, tomb)
            op = journal.OP_REPLACE if replace else journal.OP_ENROL
            if not enrol:
                op = journal.OP_DELETE
            slots0 = self.commit.slots
            commit = journal.Commit(
                sequence=self.commit.sequence + 1,
                slots=slots0 + len(enrol),
                minutiae=self.commit.minutiae + sum(int(r.packed.offsets[-1]) for r in enrol),
                tombstones=self.commit.tombstones + len(tomb),
                op=op,
            )
            journal.append_commit(self._fds["journal"], commit)
            self.commit = commit
            old = self._ids
            self._map()
            if old is not None:
                for s in tomb:
                    old.pop(self.identity_id(s), None)
                for k, rec in enumerate(enrol):
                    old[rec.identity_id] = slots0 + k
                self._ids = old

    def _write(self, enrol: Sequence[EnrolmentRecord], tomb: Sequence[int]) -> None:
        base = self.commit.minutiae
        # One batch per run of equal frame size: a packed batch has one frame, and each slot's
        # index keeps its own.
        start = 0
        for end in range(1, len(enrol) + 1):
            if end < len(enrol) and _frame(enrol[end].packed) == _frame(enrol[start].packed):
                continue
            run = enrol[start:end]
            batch = _concat([r.packed for r in run])
            self._write_packed([r.identity_id for r in run], batch, base)
            base += int(batch.offsets[-1])
            start = end
        if tomb:
            self._append("tombstones", np.asarray(tomb, dtype="<u8").tobytes())
        for name, fd in self._fds.items():
            if name != "journal":
                os.fsync(fd)

    def append_packed(self, identity_ids: Sequence[str], batch: PackedMinutiae) -> None:
        """Bulk enrolment of new identities (10 packed fingers each) in one durable commit.

        The fast path for building large galleries: no per-identity objects. Ids must be new.
        """
        self._require_writable()
        with self._mutex:
            ids = self.identity_index()
            if len(set(identity_ids)) != len(identity_ids):
                raise IdentityExistsError("an identity appears twice in one enrolment batch")
            for identity in identity_ids:
                if identity in ids:
                    raise IdentityExistsError(f"identity {identity!r} is already enrolled")
            self._write_packed(identity_ids, batch)
            for name, fd in self._fds.items():
                if name != "journal":
                    os.fsync(fd)
            slots0 = self.commit.slots
            commit = journal.Commit(
                sequence=self.commit.sequence + 1,
                slots=slots0 + len(identity_ids),
                minutiae=self.commit.minutiae + int(batch.offsets[-1]),
                tombstones=self.commit.tombstones,
                op=journal.OP_ENROL,
            )
            journal.append_commit(self._fds["journal"], commit)
            self.commit = commit
            old = self._ids
            self._map()
            if old is not None:
                for k, identity in enumerate(identity_ids):
                    old[identity] = slots0 + k
                self._ids = old

    def _write_packed(
        self, identity_ids: Sequence[str], batch: PackedMinutiae, minutiae_base: int | None = None
    ) -> None:
        """Append ``batch`` (10 fingers per id) to the data files; its minutiae start at
        ``minutiae_base`` (default: the committed end of minutiae.bin)."""
        count = len(identity_ids)
        codes, pops = finger_codes(batch)
        lead, tail = split_codes(codes.reshape(count, FINGERS, CODE_WORDS))
        pops = pops.reshape(count, FINGERS, CODE_SEGMENTS)
        m = np.zeros(int(batch.offsets[-1]), MINUTIA_DTYPE)
        m["x"] = np.clip(np.rint(batch.x * _POSITION_SCALE), 0, 65535)
        m["y"] = np.clip(np.rint(batch.y * _POSITION_SCALE), 0, 65535)
        m["angle"] = np.rint(batch.angle * _ANGLE_SCALE).astype(np.int64) % 65536
        m["kind"] = batch.kind
        m["quality"] = batch.minutia_quality
        index = np.zeros(count, INDEX_DTYPE)
        counts = np.diff(batch.offsets).reshape(count, FINGERS)
        starts = batch.offsets[:-1:FINGERS]
        base = self.commit.minutiae if minutiae_base is None else minutiae_base
        index["offset"] = base + starts
        index["counts"] = counts
        quality = batch.quality.reshape(count, FINGERS).copy()
        # A present finger with no minutiae keeps quality ≥ 1 so it reads back as present.
        quality[(counts > 0) & (quality == 0)] = 1
        index["quality"] = quality
        index["width"] = batch.width
        index["height"] = batch.height
        ids = np.zeros(count, _FILES["ids"])
        for k, identity in enumerate(identity_ids):
            raw = identity.encode("utf-8")
            if not raw or len(raw) > IDENTITY_ID_BYTES or b"\0" in raw:
                raise GalleryError(
                    f"identity id {identity!r} must be 1–{IDENTITY_ID_BYTES} bytes of "
                    "UTF-8 without NUL"
                )
            ids[k] = raw
        ends = np.append(starts[1:], batch.offsets[-1])
        for k in range(count):
            crc = zlib.crc32(tail[k].tobytes(), zlib.crc32(lead[k].tobytes()))
            index["crc"][k] = zlib.crc32(m[starts[k] : ends[k]].tobytes(), crc)
        self._append("lead", lead.tobytes())
        self._append("tail", tail.tobytes())
        self._append("pops", pops.astype("<u2").tobytes())
        self._append("ids", ids.tobytes())
        self._append("index", index.tobytes())
        self._append("minutiae", m.tobytes())


class SlotReader:
    """One verified slot's fingers, decoded to :class:`Template` on demand."""

    def __init__(self, rec: np.void, counts: npt.NDArray[np.int64], blob: np.ndarray) -> None:
        self._rec = rec
        self._blob = blob
        self._starts = np.concatenate(([0], np.cumsum(counts)))
        quality = rec["quality"]
        #: Enrolled finger positions (a present finger keeps quality ≥ 1 even without minutiae).
        self.positions = tuple(
            FingerPosition(f + 1) for f in range(FINGERS) if counts[f] > 0 or quality[f] != 0
        )

    def get(self, position: FingerPosition | int) -> Template | None:
        f = int(position) - 1
        if FingerPosition(f + 1) not in self.positions:
            return None
        part = self._blob[int(self._starts[f]) : int(self._starts[f + 1])]
        rec = self._rec
        return Template.from_arrays(
            int(rec["width"]),
            int(rec["height"]),
            part["x"].astype(np.float32) / np.float32(_POSITION_SCALE),
            part["y"].astype(np.float32) / np.float32(_POSITION_SCALE),
            part["angle"].astype(np.float32) / np.float32(_ANGLE_SCALE),
            part["kind"],
            part["quality"],
            quality=int(rec["quality"][f]),
            position=FingerPosition(f + 1),
        )


def _write_new(path: Path, header: bytes) -> None:
    with open(path, "xb") as f:
        f.write(header)
        f.flush()
        os.fsync(f.fileno())


def _frame(packed: PackedMinutiae) -> tuple[int, int]:
    return packed.width, packed.height


def _concat(parts: Sequence[PackedMinutiae]) -> PackedMinutiae:
    """One batch of ``parts``, which share one frame size (the first part's is kept)."""
    counts = np.concatenate([p.counts() for p in parts])
    offsets = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    return PackedMinutiae(
        offsets=offsets,
        x=np.concatenate([p.x for p in parts]),
        y=np.concatenate([p.y for p in parts]),
        angle=np.concatenate([p.angle for p in parts]),
        kind=np.concatenate([p.kind for p in parts]),
        minutia_quality=np.concatenate([p.minutia_quality for p in parts]),
        quality=np.concatenate([p.quality for p in parts]),
        width=parts[0].width,
        height=parts[0].height,
    )


def read_manifest_fields(path: Path) -> tuple[int, object]:
    """Validate ``MANIFEST.json``'s format, format version and shards; returns the shards and
    the code layout as written (checking it is the caller's: opening needs this software's,
    a recode accepts any earlier one)."""
    mpath = Path(path) / "MANIFEST.json"
    try:
        manifest = json.loads(mpath.read_text())
    except FileNotFoundError:
        raise GalleryError(f"{mpath}: no gallery here (MANIFEST.json is missing)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise GalleryError(f"{mpath}: not valid JSON ({exc})") from exc
    except OSError as exc:
        raise GalleryError(f"{mpath}: cannot read the manifest ({exc.strerror})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise GalleryError(f"{mpath}: not a {FORMAT} manifest")
    if manifest.get("version") != FORMAT_VERSION:
        raise GalleryError(
            f"{mpath}: gallery format version {manifest.get('version')!r}, this software "
            f"reads version {FORMAT_VERSION}"
        )
    shards = manifest.get("shards")
    if not isinstance(shards, int) or isinstance(shards, bool) or shards < 1:
        raise GalleryError(f"{mpath}: 'shards' must be a positive integer, not {shards!r}")
    return shards, manifest.get("code_layout")


class Gallery:
    """A sharded gallery directory; open with :meth:`open`."""

    def __init__(self, path: Path, shards: list[GalleryShard]) -> None:
        self.path = path
        self.shards = shards

    @staticmethod
    def create(path: Path, shards: int = DEFAULT_SHARDS) -> None:
        """Create an empty gallery directory (error if it exists and is not empty)."""
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise GalleryError(f"{path}: cannot create a gallery in a non-empty directory")
        path.mkdir(parents=True, exist_ok=True)
        for s in range(shards):
            GalleryShard.create(path / f"shard-{s:03d}")
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "shards": shards,
            "code_layout": CODE_LAYOUT_VERSION,
            "code_words": CODE_WORDS,
            "lead_words": CODE_SEGMENTS * CODE_LEAD_WORDS,
        }
        tmp = path / "MANIFEST.json.tmp"
        tmp.write_text(json.dumps(manifest, indent=2))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path / "MANIFEST.json")
        _fsync_dir(path)

    @staticmethod
    def read_manifest(path: Path) -> int:
        """Validate ``MANIFEST.json`` for this software's code layout; returns the shards."""
        shards, layout = read_manifest_fields(path)
        if layout != CODE_LAYOUT_VERSION:
            older = isinstance(layout, int) and layout < CODE_LAYOUT_VERSION
            remedy = (
                "carry it over from its stored minutiae with `securecomm afis recode-gallery "
                "SRC DST`, or rebuild the gallery"
                if older
                else "rebuild the gallery"
            )
            raise GalleryError(
                f"{Path(path) / 'MANIFEST.json'}: codes were built with layout {layout!r}, this "
                f"software uses layout {CODE_LAYOUT_VERSION}; {remedy}"
            )
        return shards

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        writable: bool = True,
        create: bool = True,
        shards: int = DEFAULT_SHARDS,
    ) -> Gallery:
        """Open (creating if asked and absent) the gallery at ``path``."""
        path = Path(path)
        if create and not (path / "MANIFEST.json").exists():
            cls.create(path, shards)
        count = cls.read_manifest(path)
        opened: list[GalleryShard] = []
        try:
            for s in range(count):
                opened.append(GalleryShard(path / f"shard-{s:03d}", writable=writable))
        except BaseException:
            for shard in opened:
                shard.close()
            raise
        return cls(path, opened)

    def close(self) -> None:
        for shard in self.shards:
            shard.close()

    def __enter__(self) -> Gallery:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return sum(s.identities for s in self.shards)

    def shard_for(self, identity_id: str) -> GalleryShard:
        return self.shards[shard_of(identity_id, len(self.shards))]

    def enrol_many(self, records: Sequence[EnrolmentRecord], *, replace: bool = False) -> None:
        """Enrol a batch: one durable commit per shard touched."""
        by_shard: dict[int, list[EnrolmentRecord]] = {}
        for rec in records:
            by_shard.setdefault(shard_of(rec.identity_id, len(self.shards)), []).append(rec)
        for s, recs in sorted(by_shard.items()):
            self.shards[s].apply(recs, replace=replace)

    def delete(self, identity_id: str) -> None:
        self.shard_for(identity_id).apply([], [identity_id])

    def __contains__(self, identity_id: object) -> bool:
        return isinstance(identity_id, str) and identity_id in (
            self.shard_for(identity_id).identity_index()
        )

    def fingers(self, identity_id: str) -> dict[FingerPosition, Template]:
        shard = self.shard_for(identity_id)
        slot = shard.identity_index().get(identity_id)
        if slot is None:
            raise UnknownIdentityError(f"identity {identity_id!r} is not enrolled")
        return shard.fingers(slot)


def append_packed(gallery: Gallery, identity_ids: Sequence[str], batch: PackedMinutiae) -> None:
    """Bulk-enrol new identities (``batch`` holds 10 fingers per id) into their shards."""
    shards = np.array([shard_of(i, len(gallery.shards)) for i in identity_ids], dtype=np.int64)
    counts = batch.counts().reshape(len(identity_ids), FINGERS)
    for s, shard in enumerate(gallery.shards):
        members = np.flatnonzero(shards == s)
        if len(members) == 0:
            continue
        sub = select_identities(batch, members, counts)
        shard.append_packed([identity_ids[k] for k in members.tolist()], sub)


def select_identities(
    batch: PackedMinutiae, members: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> PackedMinutiae:
    """The fingers of identities ``members`` (10 per identity) of ``batch``."""
    rows = (members[:, None] * FINGERS + np.arange(FINGERS)[None, :]).ravel()
    c = counts.ravel()[rows]
    offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(c, out=offsets[1:])
    starts = batch.offsets[rows]
    take = np.repeat(starts - offsets[:-1], c) + np.arange(int(offsets[-1]))
    return PackedMinutiae(
        offsets=offsets,
        x=batch.x[take],
        y=batch.y[take],
        angle=batch.angle[take],
        kind=batch.kind[take],
        minutia_quality=batch.minutia_quality[take],
        quality=batch.quality[rows],
        width=batch.width,
        height=batch.height,
    )
