"""Response times: each step's duration, and each answer's time since receipt, against targets.

Targets are configurable (``SECURECOMM_TARGET_<NAME>_SECONDS``, e.g. ``..._SRE_SECONDS``).
Defaults follow the program's service levels: the FBI answers a CAR within 2 hours; the IDENT
response and the LESC's IAR follow within the same booking window (4 hours), so that ICE can
act before release.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from securecomm.errors import ConfigError
from securecomm.store.columns import UtcDateTime
from securecomm.store.database import Base

DEFAULT_TARGETS: dict[str, float] = {
    # time since receipt until the answer exists (milestones)
    "sre": 2 * 3600.0,
    "errt": 2 * 3600.0,
    "idr": 2 * 3600.0,
    "iar": 4 * 3600.0,
    "notice": 4 * 3600.0,
    "case": 4 * 3600.0,
    # duration of one step
    "features": 60.0,
    "criminal_search": 120.0,
    "immigration_search": 120.0,
    "lesc.research": 300.0,
    "outbox.deliver": 30.0,
    "field_office.notice": 30.0,
    "detainers.expire": 60.0,
}


@dataclass(frozen=True)
class ResponseTimeTargets:
    seconds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))

    def target(self, name: str) -> float | None:
        return self.seconds.get(name)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ResponseTimeTargets:
        env = os.environ if environ is None else environ
        values = dict(DEFAULT_TARGETS)
        for name in DEFAULT_TARGETS:
            key = f"SECURECOMM_TARGET_{name.upper().replace('.', '_')}_SECONDS"
            if key in env:
                try:
                    value = float(env[key])
                except ValueError:
                    raise ConfigError(
                        f"{key} must be a number of seconds, not {env[key]!r}"
                    ) from None
                if value <= 0:
                    raise ConfigError(f"{key} must be positive, not {value}")
                values[name] = value
        return cls(values)


class StepTiming(Base):
    """A step's duration (``kind='step'``) or an answer's time since receipt (``'milestone'``)."""

    __tablename__ = "step_timings"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime())
    seconds: Mapped[float] = mapped_column(Float)
    target_seconds: Mapped[float | None] = mapped_column(Float)
    met_target: Mapped[bool | None] = mapped_column(Boolean)


def record(
    session: Session,
    targets: ResponseTimeTargets,
    *,
    name: str,
    kind: str,
    started_at: datetime,
    finished_at: datetime,
    submission_id: int | None,
) -> StepTiming:
    seconds = max((finished_at - started_at).total_seconds(), 0.0)
    target = targets.target(name)
    row = StepTiming(
        submission_id=submission_id,
        name=name,
        kind=kind,
        started_at=started_at,
        finished_at=finished_at,
        seconds=seconds,
        target_seconds=target,
        met_target=None if target is None else seconds <= target,
    )
    session.add(row)
    return row
