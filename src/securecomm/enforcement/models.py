"""Tables of case work (SQLAlchemy 2, on the project's one ``Base``).

All times are timezone-aware UTC (``UtcDateTime`` refuses naive values and restores the zone
SQLite drops); every kind is an enum column.  Tables are prefixed ``enforcement_``; the audit
log is ``audit_entries`` plus its one-row ``audit_head``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from securecomm.enforcement.inputs import Disposition, Jurisdiction
from securecomm.enforcement.vocabulary import (
    AppealOutcome,
    CaseState,
    ChargingKind,
    CitizenshipIndicatorKind,
    CustodyKind,
    DetainerStatus,
    FingerDecision,
    InterviewMode,
    JailAnswer,
    LiftReason,
    ReviewFinding,
    StatusFinding,
)
from securecomm.store.columns import UtcDateTime
from securecomm.store.database import Base


def enum_column(kind: type[enum.Enum], **kwargs: Any) -> Any:
    """An enum column storing the member values (portable: no native PostgreSQL type)."""
    return mapped_column(
        Enum(
            kind,
            native_enum=False,
            length=40,
            values_callable=lambda members: [str(m.value) for m in members],
            validate_strings=True,
        ),
        **kwargs,
    )


class Case(Base):
    """One match worked from notice to its end."""

    __tablename__ = "enforcement_cases"
    __table_args__ = (UniqueConstraint("booking_ori", "booking_tcn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(24), unique=True)
    state: Mapped[CaseState] = enum_column(CaseState, index=True)
    booking_ori: Mapped[str] = mapped_column(String(9))
    booking_tcn: Mapped[str] = mapped_column(String(40))
    facility_ori: Mapped[str] = mapped_column(String(9), index=True)
    facility_name: Mapped[str] = mapped_column(String(120), default="")
    field_office: Mapped[str] = mapped_column(String(40), index=True)
    subject_fin: Mapped[str] = mapped_column(String(40), index=True)
    subject_fbi_number: Mapped[str] = mapped_column(String(20), default="")
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    subject_date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    subject_language: Mapped[str] = mapped_column(String(8), default="en")
    ident_summary: Mapped[str] = mapped_column(Text, default="")
    candidate_score: Mapped[float] = mapped_column(Float)
    paired_minutiae_ref: Mapped[str] = mapped_column(String(200))
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status_finding: Mapped[StatusFinding | None] = enum_column(StatusFinding, nullable=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    level_table_version: Mapped[str] = mapped_column(String(40), default="")
    level_deciding_code: Mapped[str] = mapped_column(String(4), default="")
    pending_charges: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    identity_verified_by: Mapped[str] = mapped_column(String(60), default="")
    identity_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    citizenship_gate_open: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where a cleared citizenship review resumes.
    gate_resume_state: Mapped[CaseState | None] = enum_column(CaseState, nullable=True)
    record_correction_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    release_eligible_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    charging_kind: Mapped[ChargingKind | None] = enum_column(ChargingKind, nullable=True)
    custody_kind: Mapped[CustodyKind | None] = enum_column(CustodyKind, nullable=True)
    rapid_repat: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_officer: Mapped[str] = mapped_column(String(60), default="", index=True)
    assigned_team: Mapped[str] = mapped_column(String(60), default="", index=True)
    closing_reason: Mapped[str] = mapped_column(Text, default="")

    offenses: Mapped[list[CaseOffense]] = relationship(
        back_populates="case", order_by="CaseOffense.id", cascade="all, delete-orphan"
    )
    detainers: Mapped[list[Detainer]] = relationship(back_populates="case", order_by="Detainer.id")
    later_bookings: Mapped[list[CaseBooking]] = relationship(
        back_populates="case", order_by="CaseBooking.id"
    )


class CaseBooking(Base):
    """A later booking of the person of an open case: it joins that case, not a second one.

    The case keeps the booking that opened it (and its facility, which its documents name); a
    re-booking is recorded here with what the new research says, for the officer to act on.
    """

    __tablename__ = "enforcement_case_bookings"
    __table_args__ = (UniqueConstraint("booking_ori", "booking_tcn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    booking_ori: Mapped[str] = mapped_column(String(9))
    booking_tcn: Mapped[str] = mapped_column(String(40))
    facility_ori: Mapped[str] = mapped_column(String(9))
    facility_name: Mapped[str] = mapped_column(String(120), default="")
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attached_at: Mapped[datetime] = mapped_column(UtcDateTime)
    candidate_score: Mapped[float] = mapped_column(Float)
    #: NCIC codes of the convictions in this booking's research (not re-levelled: see intake).
    conviction_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    pending_charges: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    case: Mapped[Case] = relationship(back_populates="later_bookings")


class CaseOffense(Base):
    """The criminal history the level was assessed from (a snapshot per assessment)."""

    __tablename__ = "enforcement_case_offenses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    ncic_code: Mapped[str] = mapped_column(String(4))
    disposition: Mapped[Disposition] = enum_column(Disposition)
    offense_date: Mapped[date] = mapped_column(Date)
    sentence_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    jurisdiction: Mapped[Jurisdiction] = enum_column(Jurisdiction)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)

    case: Mapped[Case] = relationship(back_populates="offenses")


class IdentityVerification(Base):
    """An officer's decision on the biometric match, made on the examiner's view."""

    __tablename__ = "enforcement_identity_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    confirmed: Mapped[bool] = mapped_column(Boolean)
    officer: Mapped[str] = mapped_column(String(60))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paired_minutiae_ref: Mapped[str] = mapped_column(String(200))
    paired_minutiae_count: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")

    #: The officer's decision on each finger of the view (none for decisions made before
    #: per-finger decisions were recorded, or by a caller that gave none).
    fingers: Mapped[list[FingerVerification]] = relationship(
        back_populates="verification",
        order_by="FingerVerification.position",
        cascade="all, delete-orphan",
    )


class FingerVerification(Base):
    """The officer's decision on one finger (by ANSI/NIST position) of an identity
    verification: confirmed, not confirmed or inconclusive (``verification.py``)."""

    __tablename__ = "enforcement_finger_decisions"
    __table_args__ = (UniqueConstraint("verification_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    verification_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_identity_verifications.id"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    decision: Mapped[FingerDecision] = enum_column(FingerDecision)

    verification: Mapped[IdentityVerification] = relationship(back_populates="fingers")


class CitizenshipReview(Base):
    """One opening of the citizenship gate and its supervisor and counsel reviews."""

    __tablename__ = "enforcement_citizenship_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    indicator: Mapped[CitizenshipIndicatorKind] = enum_column(CitizenshipIndicatorKind)
    source: Mapped[str] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(60))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    supervisor: Mapped[str] = mapped_column(String(60), default="")
    supervisor_finding: Mapped[ReviewFinding | None] = enum_column(ReviewFinding, nullable=True)
    supervisor_reason: Mapped[str] = mapped_column(Text, default="")
    counsel: Mapped[str] = mapped_column(String(60), default="")
    counsel_finding: Mapped[ReviewFinding | None] = enum_column(ReviewFinding, nullable=True)
    counsel_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[ReviewFinding | None] = enum_column(ReviewFinding, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Interview(Base):
    """An officer review of the person: in person, by video teleconference or by phone."""

    __tablename__ = "enforcement_interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    mode: Mapped[InterviewMode] = enum_column(InterviewMode)
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(8))
    interpreter: Mapped[str] = mapped_column(String(120), default="")
    officer: Mapped[str] = mapped_column(String(60))
    conducted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    citizenship_claimed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class JurisdictionPolicy(Base):
    """A jurisdiction's registered policy on detainers (by the jail's ORI)."""

    __tablename__ = "enforcement_jurisdiction_policies"

    facility_ori: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    accepts_detainers: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text, default="")
    registered_by: Mapped[str] = mapped_column(String(60))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PartnerAgreement(Base):
    """A 287(g) agreement delegating immigration functions to a jail's officers."""

    __tablename__ = "enforcement_partner_agreements"

    facility_ori: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    signed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Detainer(Base):
    """An immigration detainer request (I-247-style) and the jail's answer."""

    __tablename__ = "enforcement_detainers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    status: Mapped[DetainerStatus] = enum_column(DetainerStatus, index=True)
    bases: Mapped[list[str]] = mapped_column(JSON)
    basis_evidence: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(60))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    notice_language: Mapped[str] = mapped_column(String(8))
    release_eligible_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    jail_answer: Mapped[JailAnswer | None] = enum_column(JailAnswer, nullable=True)
    jail_answered_by: Mapped[str] = mapped_column(String(120), default="")
    jail_answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    lift_reason: Mapped[LiftReason | None] = enum_column(LiftReason, nullable=True)
    lift_explanation: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    case: Mapped[Case] = relationship(back_populates="detainers")


class ChargingDocument(Base):
    """The charging document: NTA, reinstatement, stipulated removal or voluntary return."""

    __tablename__ = "enforcement_charging_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    kind: Mapped[ChargingKind] = enum_column(ChargingKind)
    allegations: Mapped[list[str]] = mapped_column(JSON)
    charges: Mapped[list[str]] = mapped_column(JSON)
    reference: Mapped[str] = mapped_column(String(200), default="")
    court: Mapped[str] = mapped_column(String(200), default="")
    hearing_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    served_by: Mapped[str] = mapped_column(String(60))
    served_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DetentionFacility(Base):
    """A facility with detention beds."""

    __tablename__ = "enforcement_detention_facilities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    field_office: Mapped[str] = mapped_column(String(40))
    capacity: Mapped[int] = mapped_column(Integer)


class CustodyDecision(Base):
    """A custody decision with its recorded risk assessment."""

    __tablename__ = "enforcement_custody_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    kind: Mapped[CustodyKind] = enum_column(CustodyKind)
    flight_risk: Mapped[str] = mapped_column(String(10))
    public_safety_risk: Mapped[str] = mapped_column(String(10))
    risk_rationale: Mapped[str] = mapped_column(Text)
    bond_amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    facility_id: Mapped[int | None] = mapped_column(
        ForeignKey("enforcement_detention_facilities.id"), nullable=True
    )
    atd_program: Mapped[str] = mapped_column(String(60), default="")
    decided_by: Mapped[str] = mapped_column(String(60))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: A bed is held while this is null and kind is DETAIN.
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class CourtEvent(Base):
    """An immigration-court or appeal outcome."""

    __tablename__ = "enforcement_court_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    appeal_outcome: Mapped[AppealOutcome | None] = enum_column(AppealOutcome, nullable=True)
    decided_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TravelDocument(Base):
    """A travel-document request to a country and its answer."""

    __tablename__ = "enforcement_travel_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    country: Mapped[str] = mapped_column(String(60))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reference: Mapped[str] = mapped_column(String(200), default="")


class RemovalRecord(Base):
    """A verified removal (departure seen by an officer)."""

    __tablename__ = "enforcement_removals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), unique=True)
    departed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    port: Mapped[str] = mapped_column(String(120))
    destination_country: Mapped[str] = mapped_column(String(60))
    verified_by: Mapped[str] = mapped_column(String(60))
    verification_reference: Mapped[str] = mapped_column(String(200))


class ProsecutionReferral(Base):
    """A referral for prosecution of reentry after removal (8 U.S.C. 1326)."""

    __tablename__ = "enforcement_prosecution_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), unique=True)
    prior_removal_on: Mapped[date] = mapped_column(Date)
    prior_removal_reference: Mapped[str] = mapped_column(String(200), default="")
    statute: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="open")


class Reminder(Base):
    """A deadline brought to someone's attention by the worker (``enforcement.reminders``):
    one row per (what is due, its due time), so the sweep never reminds twice of the same."""

    __tablename__ = "enforcement_reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: What is due and when, e.g. ``detainer:SC-2026-000001-D1:2026-03-04T12:00:00+00:00``.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    #: The field office whose staff it is for, and the role (or the one user) it addresses.
    office: Mapped[str] = mapped_column(String(40), index=True)
    addressee: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str] = mapped_column(String(60), default="")
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AuditEntry(Base):
    """One entry of the append-only, hash-chained audit log."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(60), index=True)
    #: The canonical JSON of the details, stored as the exact text that was hashed.
    details: Mapped[str] = mapped_column(Text)
    #: Each hash is the predecessor of at most one entry: a concurrent fork fails.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's head (count and last hash), so deleting the newest entries is detected."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
