"""Signed tree heads of the audit log, the Ed25519 key that signs them, and the checkpoint file.

A *tree head* says "the log had ``size`` entries and its RFC 9162 Merkle root was ``root`` at
``timestamp``"; the key signs these exact bytes (UTF-8, four lines)::

    securecomm audit tree head v1
    <size, decimal>
    <root hash, 64 lowercase hex digits>
    <timestamp, milliseconds since 1970-01-01 UTC, decimal>

so anyone holding the public key checks a head with nothing but an Ed25519 verifier.

The key lives in a file (``SECURECOMM_AUDIT_KEY_FILE``, default ``<home>/audit/
tree-head-key.pem``: PKCS#8 PEM), never in the database: who can rewrite the database cannot
sign for it.  It is created on first use with mode 0600 and refused when others may read it.
Its id is the SHA-256 of the raw 32-byte public key, in hex.

The checkpoint file (``<home>/audit/checkpoints.jsonl``) keeps every head outside the database
too, one JSON object a line, appended and synced; its last line is what a rolled-back or
truncated database is compared with.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from securecomm.enforcement.audit_tree import HASH_SIZE
from securecomm.errors import ConfigError

HEAD_FORMAT = "securecomm audit tree head v1"


class HeadFormatError(ValueError):
    """A tree head (JSON) is malformed; the message names the field."""


def signed_message(size: int, root: bytes, timestamp_ms: int) -> bytes:
    """The exact bytes a tree head's signature covers."""
    return f"{HEAD_FORMAT}\n{size}\n{root.hex()}\n{timestamp_ms}\n".encode()


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def to_timestamp_ms(when: datetime) -> int:
    if when.tzinfo is None:
        raise ValueError("naive datetime given for a tree head; use timezone-aware UTC")
    return int(when.timestamp() * 1000)


@dataclass(frozen=True)
class TreeHead:
    size: int
    root: bytes
    timestamp_ms: int
    key_id: str
    signature: bytes

    @property
    def signed_at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, tz=UTC)

    def message(self) -> bytes:
        return signed_message(self.size, self.root, self.timestamp_ms)

    def describe(self) -> str:
        return (
            f"size {self.size}, signed {self.signed_at.isoformat(timespec='seconds')} by key "
            f"{self.key_id[:16]}"
        )

    def same_as(self, other: TreeHead | None) -> bool:
        return other is not None and (self.size, self.root, self.timestamp_ms, self.signature) == (
            other.size,
            other.root,
            other.timestamp_ms,
            other.signature,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": HEAD_FORMAT,
            "tree_size": self.size,
            "root_hash": self.root.hex(),
            "timestamp": self.timestamp_ms,
            "signed_at": self.signed_at.isoformat(timespec="milliseconds"),
            "key_id": self.key_id,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, value: object) -> TreeHead:
        if not isinstance(value, dict):
            raise HeadFormatError("a tree head is a JSON object")
        if value.get("format") != HEAD_FORMAT:
            raise HeadFormatError(f"format is {value.get('format')!r}, not {HEAD_FORMAT!r}")
        size, timestamp = value.get("tree_size"), value.get("timestamp")
        for name, number in (("tree_size", size), ("timestamp", timestamp)):
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise HeadFormatError(f"{name} must be a non-negative integer, not {number!r}")
        root = _hex(value, "root_hash", HASH_SIZE)
        signature = _hex(value, "signature", 64)
        key_id = value.get("key_id")
        if not isinstance(key_id, str) or len(key_id) != 64:
            raise HeadFormatError("key_id must be 64 hex digits")
        return cls(size, root, timestamp, key_id, signature)  # type: ignore[arg-type]  # each field parsed and checked above


def _hex(value: dict[str, Any], name: str, length: int) -> bytes:
    text = value.get(name)
    try:
        data = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError:
        data = b""
    if len(data) != length:
        raise HeadFormatError(f"{name} must be {2 * length} hex digits")
    return data


class AuditKey:
    """The tree-head key: a private key that signs, or only a public key that checks."""

    def __init__(
        self, public: Ed25519PublicKey, private: Ed25519PrivateKey | None = None, *, source: str
    ) -> None:
        self.public = public
        self.private = private
        self.source = source
        self.key_id = key_id_of(public)

    @classmethod
    def load(cls, path: Path) -> AuditKey:
        """The private key in ``path`` (PKCS#8 PEM), refused when group or others may read it."""
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigError(
                f"the audit key file {path} has mode {mode:04o}: others may read it; "
                f"restrict it with `chmod 600 {path}`"
            )
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"the audit key file {path} is not a PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigError(f"the audit key file {path} does not hold an Ed25519 key")
        return cls(key.public_key(), key, source=str(path))

    @classmethod
    def create(cls, path: Path) -> AuditKey:
        """A new key written to ``path`` with mode 0600 (never over an existing file: when
        another process created it first, that key is loaded)."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, path)  # atomic, and fails when the file exists
            except FileExistsError:
                return cls.load(path)
        finally:
            temporary.unlink(missing_ok=True)
        return cls(key.public_key(), key, source=str(path))

    @classmethod
    def load_or_create(cls, path: Path) -> tuple[AuditKey, bool]:
        """The key in ``path``, created when there is none; and whether it was created."""
        if path.exists():
            return cls.load(path), False
        return cls.create(path), True

    @classmethod
    def from_public_pem(cls, data: bytes, *, source: str) -> AuditKey:
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise ConfigError(f"{source} is not a PEM public key") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise ConfigError(f"{source} does not hold an Ed25519 public key")
        return cls(key, source=source)

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    @property
    def can_sign(self) -> bool:
        return self.private is not None

    def sign(self, size: int, root: bytes, when: datetime) -> TreeHead:
        if self.private is None:
            raise ConfigError(f"{self.source} holds only a public key: it cannot sign")
        timestamp_ms = to_timestamp_ms(when)
        signature = self.private.sign(signed_message(size, root, timestamp_ms))
        return TreeHead(size, root, timestamp_ms, self.key_id, signature)

    def verifies(self, head: TreeHead) -> bool:
        if head.key_id != self.key_id:
            return False
        try:
            self.public.verify(head.signature, head.message())
        except InvalidSignature:
            return False
        return True


class CheckpointFileError(ValueError):
    """The checkpoint file cannot be read as heads (names the line)."""


class CheckpointFile:
    """The append-only file of signed tree heads, one JSON line each."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists()

    def create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))

    def append(self, head: TreeHead) -> None:
        """One line, written with one ``write`` in append mode and synced before returning."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        line = (json.dumps(head.to_json(), sort_keys=True, separators=(",", ":")) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def latest(self) -> TreeHead | None:
        """The last head in the file (None for an empty file); reads only the file's tail."""
        with self.path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            if end == 0:
                return None
            chunk, start = b"", end
            while start > 0 and chunk.count(b"\n") < 2:
                start = max(0, start - 8192)
                handle.seek(start)
                chunk = handle.read(end - start)
        if not chunk.endswith(b"\n"):
            raise CheckpointFileError(
                f"the checkpoint file {self.path} ends in an unfinished line (a write was cut off "
                "or the file was edited)"
            )
        lines = chunk[:-1].split(b"\n")
        return _parse_line(self.path, lines[-1], "its last line")

    def heads(self) -> list[TreeHead]:
        with self.path.open("rb") as handle:
            return [
                _parse_line(self.path, line, f"line {number}")
                for number, line in enumerate(handle, 1)
                if line.strip()
            ]


def _parse_line(path: Path, line: bytes, where: str) -> TreeHead:
    try:
        return TreeHead.from_json(json.loads(line))
    except (ValueError, HeadFormatError) as exc:
        raise CheckpointFileError(f"{path}, {where}: not a tree head ({exc})") from exc


def read_head_file(path: Path) -> TreeHead:
    """A head exported with ``securecomm audit checkpoint --out`` (or any checkpoint file: its
    last line)."""
    text = path.read_text(encoding="utf-8").strip()
    try:
        value = json.loads(text)
    except ValueError:  # several lines: a checkpoint file
        head = CheckpointFile(path).latest()
        if head is None:
            raise CheckpointFileError(f"{path} holds no tree head") from None
        return head
    try:
        return TreeHead.from_json(value)
    except HeadFormatError as exc:
        raise CheckpointFileError(f"{path}: not a tree head ({exc})") from exc
