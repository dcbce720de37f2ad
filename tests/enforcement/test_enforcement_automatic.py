"""The unattended steps: cases opened from match notices (idempotently), expiry swept."""

from __future__ import annotations

from datetime import date, timedelta

from enforcement_support import BOOKING, Flow, conviction, notice

from securecomm.clock import FixedClock
from securecomm.enforcement import carry_matches_into_cases
from securecomm.enforcement.commands import RecordJailResponse
from securecomm.enforcement.inputs import ImmigrationEventKind, ImmigrationHistoryEvent
from securecomm.enforcement.vocabulary import CaseState, JailAnswer


def test_matches_become_cases_once_and_expiry_is_swept(flow: Flow, clock: FixedClock) -> None:
    naturalised = [ImmigrationHistoryEvent(ImmigrationEventKind.NATURALISATION, date(2011, 2, 3))]
    batch = [
        (notice("M1"), [conviction("2303")], []),
        (notice("M2"), [], naturalised),
    ]
    first = carry_matches_into_cases(flow.work, batch)
    assert len(first.opened) == 2 and first.gate_opened == [first.opened[1]]
    again = carry_matches_into_cases(flow.work, batch)
    assert again.opened == [] and again.already_open == first.opened

    cn = flow.detained_request("M3")
    flow.work.handle(
        RecordJailResponse(cn, answer=JailAnswer.HONOURED, answered_by="jail shift supervisor"),
        BOOKING,
    )
    clock.advance(timedelta(days=5))
    report = carry_matches_into_cases(flow.work, [])
    assert report.expired_detainers == [cn]
    assert flow.work.read_case(BOOKING, cn).state is CaseState.DETAINER_EXPIRED
