"""The commit journal of a gallery shard: which prefix of every data file is acknowledged.

A shard's data files only grow. An enrolment appends to them, fsyncs them, then appends one
fixed-size commit record here (the lengths of every file after the change, and a CRC-32 of
the record) and fsyncs the journal; only then is it acknowledged. After a crash the last
record whose CRC checks names the acknowledged state: anything after it in the data files was
never acknowledged and is cut off when the shard is next opened for writing. A torn commit
record (the process died while writing it) is recognised by its length or CRC and ignored —
only the last record may be torn; a bad record before it is corruption (:class:`GalleryError`).
The same write-ahead-then-commit pattern is SQLite's rollback-journal commit and LMDB's
meta-page switch, reduced to append-only files.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from securecomm.afis.errors import GalleryError

RECORD_MAGIC = 0x53434A31  # "SCJ1"
RECORD_DTYPE = np.dtype(
    [
        ("magic", "<u4"),
        ("op", "<u4"),
        ("sequence", "<u8"),
        ("slots", "<u8"),
        ("minutiae", "<u8"),
        ("tombstones", "<u8"),
        ("crc", "<u4"),
        ("pad", "<u4"),
    ]
)
RECORD_SIZE = RECORD_DTYPE.itemsize
OP_CREATE, OP_ENROL, OP_DELETE, OP_REPLACE = 0, 1, 2, 3


@dataclass(frozen=True)
class Commit:
    """Acknowledged lengths (in records) of the shard's files."""

    sequence: int = 0
    slots: int = 0
    minutiae: int = 0
    tombstones: int = 0
    op: int = OP_CREATE

    def encode(self) -> bytes:
        rec = np.zeros(1, RECORD_DTYPE)
        rec["magic"] = RECORD_MAGIC
        rec["op"] = self.op
        rec["sequence"] = self.sequence
        rec["slots"] = self.slots
        rec["minutiae"] = self.minutiae
        rec["tombstones"] = self.tombstones
        body = rec.tobytes()[: RECORD_SIZE - 8]
        rec["crc"] = zlib.crc32(body)
        return rec.tobytes()


def _decode(raw: bytes) -> Commit | None:
    rec = np.frombuffer(raw, RECORD_DTYPE, count=1)[0]
    if int(rec["magic"]) != RECORD_MAGIC or int(rec["crc"]) != zlib.crc32(raw[: RECORD_SIZE - 8]):
        return None
    return Commit(
        sequence=int(rec["sequence"]),
        slots=int(rec["slots"]),
        minutiae=int(rec["minutiae"]),
        tombstones=int(rec["tombstones"]),
        op=int(rec["op"]),
    )


def last_commit(path: Path, data_offset: int) -> tuple[Commit, int]:
    """The last valid commit and the journal length (bytes) up to and including it."""
    size = path.stat().st_size
    complete = (size - data_offset) // RECORD_SIZE
    if complete <= 0:
        return Commit(), data_offset
    with open(path, "rb") as f:
        for back in range(2):
            index = complete - 1 - back
            if index < 0:
                return Commit(), data_offset  # the first commit itself was torn
            f.seek(data_offset + index * RECORD_SIZE)
            commit = _decode(f.read(RECORD_SIZE))
            if commit is not None:
                if commit.sequence != index + 1:
                    raise GalleryError(
                        f"{path}: commit record {index} at byte offset "
                        f"{data_offset + index * RECORD_SIZE} has sequence {commit.sequence}, "
                        f"expected {index + 1}"
                    )
                return commit, data_offset + (index + 1) * RECORD_SIZE
    raise GalleryError(
        f"{path}: the last two commit records (byte offsets "
        f"{data_offset + (complete - 2) * RECORD_SIZE} and "
        f"{data_offset + (complete - 1) * RECORD_SIZE}) fail their checksum; the journal is "
        "corrupt"
    )


def append_commit(fd: int, commit: Commit) -> None:
    """Append and fsync one commit record (the acknowledgement point)."""
    data = commit.encode()
    written = os.write(fd, data)
    if written != len(data):
        raise GalleryError(f"short write of a commit record ({written} of {len(data)} bytes)")
    os.fsync(fd)
