"""After a final order: travel documents, verified removal, release on an order of
supervision, and absconding."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.errors import InputError
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case, RemovalRecord, TravelDocument
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import Action


def request_travel_document(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, country: str
) -> TravelDocument:
    case = load_case(session, case_number)
    apply_transition(
        session, case, Action.REQUEST_TRAVEL_DOCUMENT, principal, clock,
        evidence={"country": country},
    )  # fmt: skip
    document = TravelDocument(case_id=case.id, country=country, requested_at=clock.now())
    session.add(document)
    session.flush()
    return document


def record_travel_document(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reference: str
) -> TravelDocument:
    case = load_case(session, case_number)
    apply_transition(
        session, case, Action.RECORD_TRAVEL_DOCUMENT, principal, clock,
        evidence={"reference": reference},
    )  # fmt: skip
    document = (
        session.execute(
            select(TravelDocument)
            .where(TravelDocument.case_id == case.id, TravelDocument.issued_at.is_(None))
            .order_by(TravelDocument.id.desc())
        )
        .scalars()
        .first()
    )
    assert document is not None  # the case is in travel_document_requested
    document.issued_at, document.reference = clock.now(), reference
    return document


def verify_removal(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    departed_at: datetime,
    port: str,
    destination_country: str,
    verification_reference: str,
) -> RemovalRecord:
    """An officer saw the person depart; the case ends."""
    if departed_at.tzinfo is None:
        raise InputError("removal.departed_at must be timezone-aware (UTC)")
    if departed_at > clock.now():
        raise InputError("removal.departed_at is in the future: a removal is verified after it")
    case = load_case(session, case_number)
    apply_transition(
        session, case, Action.VERIFY_REMOVAL, principal, clock,
        evidence={"departed_at": departed_at, "port": port,
                  "destination_country": destination_country,
                  "verification_reference": verification_reference},
    )  # fmt: skip
    record = RemovalRecord(
        case_id=case.id,
        departed_at=departed_at,
        port=port,
        destination_country=destination_country,
        verified_by=principal.user_id,
        verification_reference=verification_reference,
    )
    session.add(record)
    return record


def release_on_supervision(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    case = load_case(session, case_number)
    apply_transition(session, case, Action.RELEASE_ON_SUPERVISION, principal, clock, reason=reason)
    return case


def record_absconding(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    case = load_case(session, case_number)
    apply_transition(session, case, Action.RECORD_ABSCONDING, principal, clock, reason=reason)
    return case
