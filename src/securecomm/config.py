"""The one settings object, read from ``SECURECOMM_*`` environment variables.

Every setting has an embedded default that works on one machine with nothing set up:
a data directory ``./.securecomm``, an SQLite database in it, an embedded gallery.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from securecomm.errors import ConfigError

ENV_PREFIX = "SECURECOMM_"


def _shared_data_default() -> Path:
    """``../shared/data`` relative to the project root (the working directory)."""
    return Path.cwd().parent / "shared" / "data"


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=lambda: Path(".securecomm"))
    database_url: str = ""
    #: ``embedded`` (memory-mapped shards in this process) or ``ray``.
    search_engine: str = "embedded"
    #: Address of an existing Ray cluster; empty starts a local one.
    ray_address: str = ""
    shared_data: Path = field(default_factory=_shared_data_default)
    #: Secret for console sessions and CSRF tokens; must be set outside development.
    secret_key: str = "development-only-secret"
    environment: str = "development"
    #: The Ed25519 key that signs the audit log's tree heads (never stored in the database);
    #: empty: ``<home>/audit/tree-head-key.pem``, created on first use with mode 0600.
    audit_key_file: Path | None = None
    #: The append-only file of signed tree heads (one JSON line per head); empty:
    #: ``<home>/audit/checkpoints.jsonl``.
    audit_checkpoint_file: Path | None = None

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'securecomm.db').resolve()}"

    @property
    def gallery_dir(self) -> Path:
        return self.home / "galleries"

    @property
    def effective_audit_key_file(self) -> Path:
        return self.audit_key_file or self.home / "audit" / "tree-head-key.pem"

    @property
    def effective_audit_checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.home / "audit" / "checkpoints.jsonl"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(ENV_PREFIX + name)

        kwargs: dict[str, object] = {}
        if (v := get("HOME")) is not None:
            kwargs["home"] = Path(v)
        if (v := get("DATABASE_URL")) is not None:
            kwargs["database_url"] = v
        if (v := get("SEARCH_ENGINE")) is not None:
            if v not in ("embedded", "ray"):
                raise ConfigError(
                    f"{ENV_PREFIX}SEARCH_ENGINE must be 'embedded' or 'ray', not {v!r}"
                )
            kwargs["search_engine"] = v
        if (v := get("RAY_ADDRESS")) is not None:
            kwargs["ray_address"] = v
        if (v := get("SHARED_DATA")) is not None:
            kwargs["shared_data"] = Path(v)
        if (v := get("ENVIRONMENT")) is not None:
            kwargs["environment"] = v
        if (v := get("SECRET_KEY")) is not None:
            kwargs["secret_key"] = v
        if v := get("AUDIT_KEY_FILE"):
            kwargs["audit_key_file"] = Path(v)
        if v := get("AUDIT_CHECKPOINT_FILE"):
            kwargs["audit_checkpoint_file"] = Path(v)
        settings = cls(**kwargs)  # type: ignore[arg-type]  # each value parsed for its field above
        if settings.environment != "development" and settings.secret_key == cls.secret_key:
            raise ConfigError(
                f"{ENV_PREFIX}SECRET_KEY must be set when {ENV_PREFIX}ENVIRONMENT is "
                f"{settings.environment!r}"
            )
        return settings
