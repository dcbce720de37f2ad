"""Who works where: the directory case work asks when work is assigned to a named officer.

Case work knows principals only as they act; whether the officer a supervisor names exists,
holds the ICE officer's role and works in the case's field office is the directory's to say.
The console's accounts are one (``web.staff.ConsoleStaff``); ``StaffList`` is a fixed one
(tests, scripts).  Without a directory no case is assigned to a named officer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from securecomm.enforcement.roles import Principal


class Staff(Protocol):
    def find(self, session: Session, username: str) -> Principal | None:
        """The active member with this user name, as the principal they act as; or None."""
        ...


@dataclass(frozen=True)
class StaffList:
    """A fixed directory."""

    members: Mapping[str, Principal]

    @classmethod
    def of(cls, principals: Iterable[Principal]) -> StaffList:
        return cls({p.user_id: p for p in principals})

    def find(self, _session: Session, username: str) -> Principal | None:
        return self.members.get(username)
