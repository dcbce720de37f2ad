"""The console accounts of the synthetic world: one per role, all with the same published
password, all marked synthetic (development only: ``serve`` refuses them in production)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.roles import Principal, Role
from securecomm.web import auth

DEMO_PASSWORD = "synthetic-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    office: str = ""
    facility_ori: str = ""

    @property
    def principal(self) -> Principal:
        return Principal(
            self.username, self.role, office=self.office, facility_ori=self.facility_ori
        )


def demo_users(field_office: str, jail: str) -> tuple[DemoUser, ...]:
    """An account per role: the office-bound ones in ``field_office``, the jail-bound ones at
    ``jail`` (both spelled by ORI, as the pipeline's notices name them)."""
    return (
        DemoUser("ice.officer", "ICE officer (synthetic demo account)", Role.ICE_OFFICER,
                 field_office),
        DemoUser("supervisor", "Supervisor (synthetic demo account)", Role.SUPERVISOR,
                 field_office),
        DemoUser("counsel", "Counsel (synthetic demo account)", Role.COUNSEL, field_office),
        DemoUser("lesc.specialist", "LESC specialist (synthetic demo account)",
                 Role.LESC_SPECIALIST),
        DemoUser("program.manager", "Program manager (synthetic demo account)",
                 Role.PROGRAM_MANAGER),
        DemoUser("auditor", "Auditor (synthetic demo account)", Role.AUDITOR),
        DemoUser("booking.officer", "Booking officer (synthetic demo account)",
                 Role.BOOKING_OFFICER, "", jail),
        DemoUser("deputy.287g", "287(g) officer (synthetic demo account)",
                 Role.PARTNER_287G_OFFICER, "", jail),
    )  # fmt: skip


def add_accounts(session: Session, clock: Clock, users: tuple[DemoUser, ...]) -> None:
    for user in users:
        auth.create_user(
            session,
            clock,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            password=DEMO_PASSWORD,
            office=user.office,
            facility_ori=user.facility_ori,
            synthetic=True,
        )
