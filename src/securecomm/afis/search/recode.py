"""Carry a gallery to the current code layout without the original images (recoding).

A gallery stores every identity's minutiae next to the fixed-length codes derived from them, so
when the code layout changes (:data:`~securecomm.afis.search.parameters.CODE_LAYOUT_VERSION`)
the codes can be rebuilt from the gallery itself. Only the code files differ between layouts;
``ids.bin``, ``index.bin``, ``minutiae.bin``, ``tombstones.bin`` and ``journal.bin`` keep
format :data:`~securecomm.afis.search.gallery.FORMAT_VERSION`. :func:`recode_gallery` reads
those (up to each shard's last good commit, as :class:`GalleryShard` does), decodes the live
slots' minutiae in bulk and appends them, in slot order and to the same shard, to a new gallery
through the bulk enrolment path, which computes the codes with the current software. The old
code files are never read.

The new gallery is built under a hidden temporary name beside ``dst`` and renamed to ``dst``
only when complete, so an interrupted recode never leaves something that looks like a gallery.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from securecomm.afis.errors import GalleryError
from securecomm.afis.search import journal
from securecomm.afis.search.errors import GalleryLockedError
from securecomm.afis.search.gallery import (
    _ANGLE_SCALE,
    _FILES,
    _POSITION_SCALE,
    FINGERS,
    HEADER_SIZE,
    Gallery,
    _check_header,
    _fsync_dir,
    map_records,
    read_manifest_fields,
    require_committed,
    shard_of,
)
from securecomm.afis.search.packed import PackedMinutiae
from securecomm.afis.search.parameters import CODE_LAYOUT_VERSION

#: Called after every commit to the new gallery: (shard, identities copied, identities in all).
Progress = Callable[[int, int, int], None]

#: The files a recode reads; their format does not depend on the code layout.
_LAYOUT_FREE = ("ids", "index", "minutiae", "tombstones")


@dataclass(frozen=True)
class RecodeReport:
    """What a recode carried over."""

    identities: int  # live identities copied
    deleted: int  # deleted or replaced slots skipped
    minutiae: int  # minutiae of the copied identities
    shards: int
    source_layout: int


@dataclass(frozen=True)
class _SourceShard:
    """A shard's layout-free files, mapped up to its last good commit."""

    path: Path
    ids: np.ndarray
    index: np.ndarray
    minutiae: np.ndarray
    live_slots: npt.NDArray[np.int64]

    @property
    def deleted(self) -> int:
        return len(self.ids) - len(self.live_slots)


def recode_gallery(
    src: Path, dst: Path, *, batch: int = 20_000, progress: Progress | None = None
) -> RecodeReport:
    """Write the live identities of the gallery at ``src`` (any code layout up to the current
    one, same format version) to a new gallery at ``dst`` with the current code layout.

    ``dst`` must not exist or be an empty directory. Every identity keeps its shard and its
    stored minutiae, frame size and finger qualities; deleted and replaced slots are dropped.
    ``batch`` identities are decoded and committed at a time. Raises :class:`GalleryError`
    saying what and where when ``src`` is not a gallery this software can recode.
    """
    src, dst = Path(src), Path(dst)
    if batch < 1:
        raise GalleryError(f"recode batch must be at least 1 identity, not {batch}")
    _require_empty_destination(dst)
    shards, layout = _read_source_manifest(src)
    with contextlib.ExitStack() as stack:
        sources = []
        for s in range(shards):
            shard_path = src / f"shard-{s:03d}"
            stack.enter_context(_no_writer(shard_path))
            try:
                sources.append(_open_source_shard(shard_path, s, shards, layout))
            except OSError as exc:
                raise GalleryError(
                    f"{exc.filename or shard_path}: cannot read the gallery ({exc.strerror})"
                ) from exc
        total = sum(len(source.live_slots) for source in sources)
        target = dst.absolute()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.parent / f".{target.name}.recode-{os.getpid()}-{secrets.token_hex(4)}"
            tmp.mkdir()
        except OSError as exc:
            raise GalleryError(f"{dst}: cannot create the new gallery ({exc.strerror})") from exc
        try:
            try:
                minutiae = _copy(sources, tmp, batch, total, progress)
            except OSError as exc:
                raise GalleryError(
                    f"{exc.filename or tmp}: cannot write the new gallery ({exc.strerror})"
                ) from exc
            with Gallery.open(tmp, writable=False, create=False) as built:
                if len(built) != total:  # pragma: no cover - a bug, not a user error
                    raise GalleryError(f"{tmp}: recode wrote {len(built)} of {total} identities")
            _require_empty_destination(dst)
            try:
                os.rename(tmp, target)  # replaces an empty directory atomically
            except OSError as exc:
                raise GalleryError(
                    f"{dst}: cannot move the new gallery into place ({exc.strerror})"
                ) from exc
            _fsync_dir(target.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return RecodeReport(
        identities=total,
        deleted=sum(source.deleted for source in sources),
        minutiae=minutiae,
        shards=shards,
        source_layout=layout,
    )


def _require_empty_destination(dst: Path) -> None:
    if not dst.exists():
        return
    if not dst.is_dir():
        raise GalleryError(f"{dst}: the recoded gallery's destination exists and is a file")
    if any(dst.iterdir()):
        raise GalleryError(
            f"{dst}: the recoded gallery's destination must not exist or be an empty directory"
        )


def _read_source_manifest(path: Path) -> tuple[int, int]:
    """Shards and code layout of the gallery at ``path``; like :meth:`Gallery.read_manifest`
    but accepting any earlier code layout."""
    shards, layout = read_manifest_fields(path)
    mpath = path / "MANIFEST.json"
    if not isinstance(layout, int) or isinstance(layout, bool) or layout < 1:
        raise GalleryError(f"{mpath}: 'code_layout' must be a positive integer, not {layout!r}")
    if layout > CODE_LAYOUT_VERSION:
        raise GalleryError(
            f"{mpath}: codes were built with layout {layout}, newer than this software's "
            f"layout {CODE_LAYOUT_VERSION}; recode it with the software that wrote it or newer"
        )
    return shards, layout


@contextlib.contextmanager
def _no_writer(shard: Path) -> Iterator[None]:
    """Hold a shared lock on the shard's writer lock, so no writer appends during the copy."""
    try:
        fd = os.open(shard / "LOCK", os.O_RDONLY)
    except OSError:
        yield  # never opened for writing here (or a read-only copy): nothing to exclude
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GalleryLockedError(
                f"{shard}: another process has this gallery shard open for writing; close it "
                "before recoding"
            ) from None
        yield
    finally:
        os.close(fd)


def _open_source_shard(path: Path, shard: int, shards: int, layout: int) -> _SourceShard:
    if not path.is_dir():
        raise GalleryError(f"{path}: shard directory {shard} of {shards} is missing")
    for name in _LAYOUT_FREE:
        _check_header(path / f"{name}.bin", name, _FILES[name].itemsize, layout)
    _check_header(path / "journal.bin", "journal", journal.RECORD_SIZE, layout)
    commit, _ = journal.last_commit(path / "journal.bin", HEADER_SIZE)
    lengths = {
        "ids": commit.slots,
        "index": commit.slots,
        "minutiae": commit.minutiae,
        "tombstones": commit.tombstones,
    }
    views: dict[str, np.ndarray] = {}
    for name, records in lengths.items():
        require_committed(path, name, records)
        views[name] = map_records(path, name, records)
    tomb = views["tombstones"].astype(np.int64)
    if len(tomb) and int(tomb.max()) >= commit.slots:
        k = int(np.argmax(tomb))
        raise GalleryError(
            f"{path / 'tombstones.bin'}: tombstone {k} (byte offset {HEADER_SIZE + 8 * k}) names "
            f"slot {int(tomb[k])}, beyond the {commit.slots} committed slots"
        )
    live = np.ones(commit.slots, dtype=np.bool_)
    live[tomb] = False
    live_slots = np.flatnonzero(live).astype(np.int64)
    _check_slots(path, views["index"], live_slots, commit.minutiae)
    _check_ids(path, views["ids"], live_slots, shard, shards)
    return _SourceShard(path, views["ids"], views["index"], views["minutiae"], live_slots)


def _check_slots(path: Path, index: np.ndarray, live: npt.NDArray[np.int64], minutiae: int) -> None:
    """Every live slot's minutiae lie within the committed part of ``minutiae.bin``."""
    rec = index[live]
    limit = np.uint64(minutiae)
    starts = rec["offset"].astype(np.uint64)
    ends = starts + rec["counts"].astype(np.uint64).sum(axis=1)
    bad = np.flatnonzero((starts > limit) | (ends > limit))  # the first test rules out wrapping
    if len(bad):
        slot = int(live[bad[0]])
        raise GalleryError(
            f"{path / 'index.bin'}: slot {slot} (byte offset "
            f"{HEADER_SIZE + slot * index.dtype.itemsize}) points at minutiae "
            f"{int(starts[bad[0]])}–{int(ends[bad[0]])}, beyond the {minutiae} committed in "
            "minutiae.bin"
        )


def _check_ids(
    path: Path, ids: np.ndarray, live: npt.NDArray[np.int64], shard: int, shards: int
) -> None:
    """Live ids are valid, unique and in the shard their CRC-32 assigns them to."""
    seen: set[str] = set()
    for slot, raw in zip(live.tolist(), ids[live].tolist(), strict=True):
        where = f"{path / 'ids.bin'}: slot {slot} (byte offset {HEADER_SIZE + slot * ids.itemsize})"
        try:
            identity = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise GalleryError(f"{where}: identity id is not UTF-8") from None
        if not identity:
            raise GalleryError(f"{where}: empty identity id")
        if identity in seen:
            raise GalleryError(f"{where}: identity {identity!r} is live in two slots")
        seen.add(identity)
        if shard_of(identity, shards) != shard:
            raise GalleryError(
                f"{where}: identity {identity!r} belongs in shard "
                f"{shard_of(identity, shards)}, not {shard}"
            )


def _copy(
    sources: list[_SourceShard],
    tmp: Path,
    batch: int,
    total: int,
    progress: Progress | None,
) -> int:
    copied = 0
    minutiae = 0
    with Gallery.open(tmp, shards=len(sources)) as gallery:
        for s, (source, target) in enumerate(zip(sources, gallery.shards, strict=True)):
            for start in range(0, len(source.live_slots), batch):
                slots = source.live_slots[start : start + batch]
                ids = [raw.decode("utf-8") for raw in source.ids[slots].tolist()]
                for a, b, packed in _decode(source, slots):
                    target.append_packed(ids[a:b], packed)
                    minutiae += int(packed.offsets[-1])
                copied += len(slots)
                if progress is not None:
                    progress(s, copied, total)
            if progress is not None and len(source.live_slots) == 0:
                progress(s, copied, total)
    return minutiae


def _decode(
    source: _SourceShard, slots: npt.NDArray[np.int64]
) -> Iterator[tuple[int, int, PackedMinutiae]]:
    """The fingers of ``slots`` as packed batches, one per run of slots sharing a frame size
    (a batch has one width and height); yields (first, end, batch) over positions in ``slots``.

    Decodes exactly as :class:`SlotReader`, so re-encoding gives back the stored integers."""
    rec = source.index[slots]
    counts = rec["counts"].astype(np.int64)
    totals = counts.sum(axis=1)
    firsts = np.zeros(len(slots) + 1, np.int64)
    np.cumsum(totals, out=firsts[1:])
    take = np.repeat(rec["offset"].astype(np.int64) - firsts[:-1], totals) + np.arange(
        int(firsts[-1])
    )
    m = source.minutiae[take]
    offsets = np.zeros(len(slots) * FINGERS + 1, np.int64)
    np.cumsum(counts.ravel(), out=offsets[1:])
    x = m["x"].astype(np.float32) / np.float32(_POSITION_SCALE)
    y = m["y"].astype(np.float32) / np.float32(_POSITION_SCALE)
    angle = m["angle"].astype(np.float32) / np.float32(_ANGLE_SCALE)
    kind = np.ascontiguousarray(m["kind"])
    mq = np.ascontiguousarray(m["quality"])
    quality = rec["quality"].reshape(-1).astype(np.uint8)
    frames = rec["width"].astype(np.int64) << 16 | rec["height"].astype(np.int64)
    cuts = np.flatnonzero(np.diff(frames)) + 1
    bounds = [0, *cuts.tolist(), len(slots)]
    for a, b in itertools.pairwise(bounds):
        lo, hi = int(firsts[a]), int(firsts[b])
        yield (
            a,
            b,
            PackedMinutiae(
                offsets=offsets[a * FINGERS : b * FINGERS + 1] - lo,
                x=x[lo:hi],
                y=y[lo:hi],
                angle=angle[lo:hi],
                kind=kind[lo:hi],
                minutia_quality=mq[lo:hi],
                quality=quality[a * FINGERS : b * FINGERS],
                width=int(rec["width"][a]),
                height=int(rec["height"][a]),
            ),
        )
