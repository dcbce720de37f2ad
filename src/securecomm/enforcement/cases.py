"""The service entry point: ``CaseWork`` owns the transactions of case work.

Every change to a case is a command (``enforcement.commands``: one frozen dataclass per
action) run by ``CaseWork.handle(command, principal)`` in a transaction of its own with the
injected clock (commit on success, rollback on any error, a refusal put on the audit log)::

    work = CaseWork.from_settings(Settings.from_env())
    case = work.open_case_from_match(notice, criminal_history, immigration_history)
    work.handle(VerifyIdentity(case.case_number, paired_minutiae_ref=..., ...), examiner)
    work.handle(IssueDetainer(case.case_number, bases=[...], basis_evidence=...), officer)

``CaseWork.availability`` says what a principal may do on a case now, and why not the rest.
Reading a case's personal data (``read_case``) is audited.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import Clock, SystemClock
from securecomm.config import Settings
from securecomm.enforcement import (
    audit,
    detainers,
    documents,
    intake,
    queue,
    refusals,
    reminders,
)
from securecomm.enforcement.availability import Availability, case_availability
from securecomm.enforcement.commands import Command
from securecomm.enforcement.documents import DetainerDocument, NoticeToAppearDocument
from securecomm.enforcement.guards import active_detainer, holds_person
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    ImmigrationHistoryEvent,
    Jurisdiction,
    MatchNotice,
)
from securecomm.enforcement.listing import CaseSummary, list_cases
from securecomm.enforcement.lookup import authorize, load_case
from securecomm.enforcement.models import Case, ProsecutionReferral, Reminder
from securecomm.enforcement.notices import NoticeCatalog
from securecomm.enforcement.parameters import AUDIT_CONFLICT_RETRIES
from securecomm.enforcement.repatriation import RepatEligibility, repat_eligibility
from securecomm.enforcement.roles import SYSTEM_PRINCIPAL, Permission, Principal
from securecomm.enforcement.staff import Staff
from securecomm.enforcement.vocabulary import (
    CaseState,
    DetainerStatus,
    StatusFinding,
)
from securecomm.store.database import make_session_factory, unit_of_work
from securecomm.store.migrate import open_database

R = TypeVar("R")


@dataclass(frozen=True)
class OffenseView:
    """One charge of the criminal history the level was assessed from."""

    ncic_code: str
    disposition: Disposition
    offense_date: date
    sentence_days: int | None
    jurisdiction: Jurisdiction
    level: int | None


@dataclass(frozen=True)
class LaterBookingView:
    """A later booking of the person, joined to this case (not re-levelled)."""

    booking_ori: str
    booking_tcn: str
    facility_ori: str
    facility_name: str
    booked_at: datetime
    candidate_score: float
    conviction_codes: tuple[str, ...]
    pending_charges: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class CaseView:
    """What an authorised reader sees of a case (its reading is audited): everything a case
    page shows of the case itself, so that no reader needs the case row again."""

    case_number: str
    state: CaseState
    booking_ori: str
    booking_tcn: str
    booked_at: datetime
    facility_name: str
    #: The IDENT data response that produced the match, as the pipeline summarised it.
    ident_summary: str
    candidate_score: float
    paired_minutiae_ref: str
    status_finding: StatusFinding | None
    identity_verified_at: datetime | None
    assigned_officer: str
    assigned_team: str
    #: Convictions (which decide the level) and the other charges, as assessed.
    offenses: tuple[OffenseView, ...]
    subject_fin: str
    subject_fbi_number: str
    subject_name: str
    subject_date_of_birth: date | None
    subject_language: str
    facility_ori: str
    field_office: str
    level: int | None
    level_table_version: str
    level_deciding_code: str
    pending_charges: list[dict[str, Any]]
    identity_verified_by: str
    citizenship_gate_open: bool
    release_eligible_at: datetime | None
    detainer_number: str
    #: The open detainer's expiry and status; ``detainer_holds``: whether it keeps (or,
    #: unanswered, may keep) the person past release — a declined or notify-only one does not,
    #: so its expiry is when the sweep closes it, not a deadline.
    detainer_expires_at: datetime | None
    detainer_status: DetainerStatus | None
    detainer_holds: bool
    reentry_referral_open: bool
    rapid_repat: RepatEligibility
    timeline: list[tuple[int, datetime, str, str, str]]
    later_bookings: tuple[LaterBookingView, ...] = ()

    @property
    def convictions(self) -> tuple[OffenseView, ...]:
        return tuple(o for o in self.offenses if o.disposition is Disposition.CONVICTED)

    @property
    def other_offenses(self) -> tuple[OffenseView, ...]:
        """Pending and dismissed charges: shown apart, they never raise the level."""
        return tuple(o for o in self.offenses if o.disposition is not Disposition.CONVICTED)


def read_case(session: Session, clock: Clock, principal: Principal, case_number: str) -> CaseView:
    case = load_case(session, case_number)
    authorize(session, clock, principal, Permission.READ_CASE, case)
    audit.record(session, clock, principal, "case.read", case_number, {})
    detainer = active_detainer(session, case)
    return CaseView(
        case_number=case.case_number,
        state=case.state,
        booking_ori=case.booking_ori,
        booking_tcn=case.booking_tcn,
        booked_at=case.booked_at,
        facility_name=case.facility_name,
        ident_summary=case.ident_summary,
        candidate_score=case.candidate_score,
        paired_minutiae_ref=case.paired_minutiae_ref,
        status_finding=case.status_finding,
        identity_verified_at=case.identity_verified_at,
        assigned_officer=case.assigned_officer,
        assigned_team=case.assigned_team,
        offenses=tuple(
            OffenseView(
                o.ncic_code, o.disposition, o.offense_date, o.sentence_days, o.jurisdiction, o.level
            )
            for o in case.offenses
        ),
        subject_fin=case.subject_fin,
        subject_fbi_number=case.subject_fbi_number,
        subject_name=case.subject_name,
        subject_date_of_birth=case.subject_date_of_birth,
        subject_language=case.subject_language,
        facility_ori=case.facility_ori,
        field_office=case.field_office,
        level=case.level,
        level_table_version=case.level_table_version,
        level_deciding_code=case.level_deciding_code,
        pending_charges=list(case.pending_charges),
        identity_verified_by=case.identity_verified_by,
        citizenship_gate_open=case.citizenship_gate_open,
        release_eligible_at=case.release_eligible_at,
        detainer_number=detainer.number if detainer else "",
        detainer_expires_at=detainer.expires_at if detainer else None,
        detainer_status=detainer.status if detainer else None,
        detainer_holds=holds_person(detainer),
        reentry_referral_open=session.execute(
            select(ProsecutionReferral.id).where(
                ProsecutionReferral.case_id == case.id, ProsecutionReferral.status == "open"
            )
        ).first()
        is not None,
        rapid_repat=repat_eligibility(case),
        timeline=[
            (e.seq, e.at, e.actor, e.role, e.action)
            for e in audit.entries_for(session, case_number)
        ],
        later_bookings=tuple(
            LaterBookingView(
                b.booking_ori,
                b.booking_tcn,
                b.facility_ori,
                b.facility_name,
                b.booked_at,
                b.candidate_score,
                tuple(b.conviction_codes),
                tuple(b.pending_charges),
            )
            for b in case.later_bookings
        ),
    )


def _is_append_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    if isinstance(exc, IntegrityError):
        return "audit_entries" in text or "audit_head" in text
    return "locked" in text or "busy" in text


class CaseWork:
    """Case work over one database: every change is a command run by :meth:`handle`, each in
    its own transaction; the reads a console composes run in :meth:`unit`."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        clock: Clock | None = None,
        notices: NoticeCatalog | None = None,
        staff: Staff | None = None,
    ) -> None:
        self.factory = factory
        self.clock: Clock = clock or SystemClock()
        self.notices = notices or NoticeCatalog.load()
        #: Who works where (``Assign`` checks the officer named against it).
        self.staff = staff

    @classmethod
    def from_engine(
        cls, engine: Engine, clock: Clock | None = None, staff: Staff | None = None
    ) -> CaseWork:
        return cls(make_session_factory(engine), clock, staff=staff)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> CaseWork:
        """Over the configured database (``store.migrate.open_database``)."""
        _engine, factory = open_database(settings)
        return cls(factory, clock)

    def handle(self, command: Command[R], principal: Principal) -> R:
        """Run one command in a transaction of its own: the domain function behind it
        authorises ``principal``, applies the transition table's guards and audits; success
        commits, anything else rolls back whole.

        A refusal (``refusals.REFUSALS``) is then put on the audit log in a transaction of its
        own: who, what (the command's name), on what (its subject) and the rule.  Two
        transactions appending to the audit chain at once conflict on its head; the loser is
        rolled back and run again, so the chain stays linear without losing the command.
        """
        with self.refusals_recorded(principal, command.name, command.subject):
            return self._in_transaction(
                lambda session, clock: command.apply(session, clock, principal, self)
            )

    def availability(self, principal: Principal, case_number: str) -> list[Availability]:
        """What ``principal`` may do on the case now, command by command, and why not."""
        with self.factory() as session:
            return case_availability(session, self.clock, principal, case_number)

    def _in_transaction(self, fn: Callable[[Session, Clock], R]) -> R:
        for attempt in range(AUDIT_CONFLICT_RETRIES + 1):
            try:
                with unit_of_work(self.factory) as session:
                    return fn(session, self.clock)
            except (IntegrityError, OperationalError) as exc:
                if attempt == AUDIT_CONFLICT_RETRIES or not _is_append_conflict(exc):
                    raise
                time.sleep(random.uniform(0.002, 0.02) * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _query(
        self, principal: Principal, name: str, subject: str, fn: Callable[[Session, Clock], R]
    ) -> R:
        """A read (audited as reads of personal data are) in a transaction of its own."""
        with self.refusals_recorded(principal, name, subject):
            return self._in_transaction(fn)

    @contextmanager
    def unit(self, principal: Principal, action: str, subject: str = "") -> Iterator[Session]:
        """One transaction for an entry point that composes several reads (a console page):
        committed on success, rolled back on any error — and a refusal inside it is recorded
        as ``handle`` records it."""
        with (
            self.refusals_recorded(principal, action, subject),
            unit_of_work(self.factory) as session,
        ):
            yield session

    @contextmanager
    def refusals_recorded(
        self, principal: Principal, action: str, subject: str = ""
    ) -> Iterator[None]:
        """Record any refusal raised inside (once: a refusal recorded already passes on)."""
        try:
            yield
        except refusals.REFUSALS as exc:
            if not refusals.recorded(exc):
                self.record_refusal(principal, action, subject, exc)
            raise

    def record_refusal(
        self, principal: Principal, action: str, subject: str, exc: BaseException
    ) -> None:
        """Put one refusal on the audit log, in its own transaction."""
        self._in_transaction(
            lambda session, clock: refusals.record_refusal(
                session, clock, principal, action, subject, exc
            )
        )

    # Intake and the reads ---------------------------------------------------------------

    def open_case_from_match(
        self,
        notice: MatchNotice,
        criminal_history: Sequence[CriminalHistoryEvent] = (),
        immigration_history: Sequence[ImmigrationHistoryEvent] = (),
        principal: Principal = SYSTEM_PRINCIPAL,
    ) -> Case:
        return self.take_match(notice, criminal_history, immigration_history, principal).case

    def take_match(
        self,
        notice: MatchNotice,
        criminal_history: Sequence[CriminalHistoryEvent] = (),
        immigration_history: Sequence[ImmigrationHistoryEvent] = (),
        principal: Principal = SYSTEM_PRINCIPAL,
    ) -> intake.Intake:
        """The case for a match, and whether it was opened, joined or already known."""
        return self._query(
            principal, "take_match", "",
            lambda session, clock: intake.take_match(
                session, clock, principal, notice, criminal_history, immigration_history
            ),
        )  # fmt: skip

    def read_case(self, principal: Principal, case_number: str) -> CaseView:
        return self._query(
            principal, "read_case", case_number,
            lambda session, clock: read_case(session, clock, principal, case_number),
        )  # fmt: skip

    def list_cases(self, principal: Principal, *, office: str = "") -> list[CaseSummary]:
        return self._query(
            principal, "list_cases", office,
            lambda session, clock: list_cases(session, clock, principal, office=office),
        )  # fmt: skip

    def work_queue(
        self, principal: Principal, filters: queue.QueueFilter | None = None, *, limit: int = 100
    ) -> list[queue.QueueItem]:
        return self._query(
            principal, "work_queue", "",
            lambda session, clock: queue.work_queue(
                session, clock, principal, filters, limit=limit
            ),
        )  # fmt: skip

    def detainer_document(self, principal: Principal, case_number: str) -> DetainerDocument:
        """The case's latest detainer as a document (its reading is audited)."""
        return self._query(
            principal, "detainer_document", case_number,
            lambda session, clock: documents.detainer_document(
                session, clock, principal, case_number, self.notices
            ),
        )  # fmt: skip

    def notice_to_appear_document(
        self, principal: Principal, case_number: str
    ) -> NoticeToAppearDocument:
        """The case's Notice to Appear as a document (its reading is audited)."""
        return self._query(
            principal, "notice_to_appear_document", case_number,
            lambda session, clock: documents.notice_to_appear_document(
                session, clock, principal, case_number
            ),
        )  # fmt: skip

    def expire_due_detainers(self) -> list[str]:
        """The unattended 48-hour sweep (the worker runs it on a schedule)."""
        return self._query(
            SYSTEM_PRINCIPAL, "expire_due_detainers", "",
            lambda session, clock: detainers.expire_due_detainers(session, clock),
        )  # fmt: skip

    def send_due_reminders(self) -> list[Reminder]:
        """The unattended reminders of deadlines (the worker runs it on a schedule)."""
        return self._query(
            SYSTEM_PRINCIPAL, "send_due_reminders", "",
            lambda session, clock: reminders.send_due_reminders(session, clock),
        )  # fmt: skip

    def verify_audit(self) -> audit.ChainReport:
        with self.factory() as session:
            return audit.verify_chain(session)
