"""The console's accounts as case work's staff directory (``enforcement.staff.Staff``): a
supervisor assigns a case to an active ICE officer account of its own field office."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.enforcement import Principal
from securecomm.web.models import ConsoleUser


class ConsoleStaff:
    def find(self, session: Session, username: str) -> Principal | None:
        user = session.execute(
            select(ConsoleUser).where(ConsoleUser.username == username.strip().lower())
        ).scalar_one_or_none()
        if user is None or not user.active:
            return None
        return Principal(
            user.username, user.role, office=user.office, facility_ori=user.facility_ori
        )
