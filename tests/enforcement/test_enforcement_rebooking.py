"""A person has one open case: a later booking joins it; a closed case lets a new one open."""

from __future__ import annotations

from datetime import date

import pytest
from enforcement_support import (
    OFFICER,
    OTHER_JAIL,
    REF,
    Flow,
    conviction,
    in_transaction,
    notice,
    pending,
)
from sqlalchemy import select

from securecomm.enforcement import carry_matches_into_cases
from securecomm.enforcement.commands import RejectMatch
from securecomm.enforcement.errors import LevelTableError
from securecomm.enforcement.inputs import ImmigrationEventKind, ImmigrationHistoryEvent
from securecomm.enforcement.intake import IntakeOutcome
from securecomm.enforcement.models import AuditEntry, Case, CaseBooking
from securecomm.enforcement.vocabulary import CaseState

FIN = "FIN-PERSON-1"


def count(flow: Flow, model: type) -> int:
    return in_transaction(flow.work, lambda s, c: s.query(model).count())


def test_a_rebooking_joins_the_open_case_once(flow: Flow) -> None:
    first = flow.work.take_match(notice("R1", fin=FIN), [conviction("2303")])
    again = flow.work.take_match(
        notice("R2", facility=OTHER_JAIL, fin=FIN), [conviction("2303"), pending("1313")]
    )
    assert first.outcome is IntakeOutcome.OPENED and again.outcome is IntakeOutcome.ATTACHED
    assert again.case.case_number == first.case.case_number
    assert count(flow, Case) == 1
    booking = in_transaction(flow.work, lambda s, c: s.execute(select(CaseBooking)).scalar_one())
    assert (booking.booking_ori, booking.booking_tcn) == (OTHER_JAIL, "R2")
    assert (
        booking.conviction_codes == ["2303"] and booking.pending_charges[0]["ncic_code"] == "1313"
    )
    # The case keeps the booking and facility it was opened for (its documents name them).
    case = in_transaction(flow.work, lambda s, c: s.query(Case).one())
    assert (case.booking_tcn, case.facility_ori) == ("R1", notice("R1").facility_ori)
    actions = in_transaction(flow.work, lambda s, c: [e.action for e in s.query(AuditEntry)])
    assert actions.count("case.opened") == 1 and actions.count("case.booking_attached") == 1

    repeated = flow.work.take_match(notice("R2", facility=OTHER_JAIL, fin=FIN))
    assert repeated.outcome is IntakeOutcome.KNOWN
    assert count(flow, CaseBooking) == 1


def test_a_rebooking_whose_records_show_citizenship_opens_the_gate(flow: Flow) -> None:
    case_number = flow.verified("G1", fin=FIN)
    naturalised = [ImmigrationHistoryEvent(ImmigrationEventKind.NATURALISATION, date(2024, 5, 6))]
    report = carry_matches_into_cases(flow.work, [(notice("G2", fin=FIN), [], naturalised)])
    assert report.attached == [case_number] and report.opened == []
    assert report.gate_opened == [case_number]
    case = flow.work.read_case(OFFICER, case_number)
    assert case.state is CaseState.CITIZENSHIP_REVIEW


def test_a_person_whose_case_is_closed_gets_a_new_case(flow: Flow) -> None:
    first = flow.work.take_match(notice("C1", fin=FIN)).case.case_number
    flow.work.handle(
        RejectMatch(first, paired_minutiae_ref=REF, reason="not the same person"), OFFICER
    )
    later = flow.work.take_match(notice("C2", fin=FIN))
    assert later.outcome is IntakeOutcome.OPENED and later.case.case_number != first
    assert count(flow, Case) == 2 and count(flow, CaseBooking) == 0


def test_a_rebooking_with_an_unknown_offense_code_changes_nothing(flow: Flow) -> None:
    flow.work.take_match(notice("U1", fin=FIN))
    audit_before = count(flow, AuditEntry)
    with pytest.raises(LevelTableError, match="9999"):
        flow.work.take_match(notice("U2", fin=FIN), [conviction("9999")])
    assert count(flow, CaseBooking) == 0 and count(flow, AuditEntry) == audit_before
