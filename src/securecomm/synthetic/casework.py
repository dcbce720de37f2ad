"""The world's officers working the cases the worker opened, through the case-work API
(``CaseWork``), each as the console account of their role — what the demo shows after the
bookings. Every action goes through the same authorisation, guards and audit as in the
console; nothing writes a case row directly.

The cast (``world.DEMO_STORIES``):
- 1, permanent resident with a robbery conviction: verified, researched (removable despite
  status), Level 1, interviewed in Spanish, detainer with its notice in Spanish; the jail
  declines it, and the worker's sweep records its expiry 48 hours after release eligibility
  (release was recorded as almost 48 hours ago, so the sweep is seen within a minute);
- 2, no status with a burglary conviction: Level 2, carried to a verified removal (detainer
  honoured, custody at release, NTA, detention, court, final order, travel document, removal);
- 3, a pending charge only: no level, closed with no action;
- 4, naturalised citizen: held at the citizenship gate — no action is possible until counsel
  clears the review;
- 5, previously removed: verified and researched (removal order on record); the reentry
  referral waits for the prosecutors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from securecomm.enforcement import (
    charging,
    court,
    custody,
    decisions,
    detainers,
    interviews,
    removal,
)
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.parameters import DETAINER_HOLD
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import InterviewMode, ProbableCauseBasis, StatusFinding
from securecomm.synthetic import world
from securecomm.synthetic.accounts import DemoUser
from securecomm.web.examiner_views import ExaminerViews

FACILITY_CODE = "VAICE-SPC"
#: How long before its expiry subject 1's detainer is issued (the sweep then records it).
EXPIRES_IN = timedelta(seconds=40)

FINDINGS = {
    1: StatusFinding.REMOVABLE_DESPITE_STATUS,
    2: StatusFinding.NO_LAWFUL_STATUS_ON_RECORD,
    3: StatusFinding.LAWFUL_STATUS_NOT_REMOVABLE,
    5: StatusFinding.REMOVAL_ORDER_ON_RECORD,
}


def principals(users: tuple[DemoUser, ...]) -> dict[str, Principal]:
    return {u.username: u.principal for u in users}


def register_facility(work: CaseWork, supervisor: Principal) -> None:
    """The field office's detention facility (custody decisions name it)."""
    work.call(
        custody.register_facility, supervisor, code=FACILITY_CODE,
        name="Synthetic Processing Center", field_office=world.FIELD_OFFICE, capacity=40,
    )  # fmt: skip


PairsCounter = Callable[[str], int]


def comparator_pairs(views: ExaminerViews) -> PairsCounter:
    """The paired-minutiae count of the best finger of a match, from the same comparisons the
    console's examiner view shows the officer who verifies it."""

    def count(ref: str) -> int:
        return max((len(c.pairs) for _pair, c in views.comparisons(ref)), default=0)

    return count


def assess_cases(
    work: CaseWork,
    cases: dict[int, str],
    users: tuple[DemoUser, ...],
    pairs: PairsCounter,
    say: Callable[[str], None],
) -> None:
    """The first steps on every case: an officer verifies the match from the comparator's
    pairs, the LESC researches the status and assesses the level (convictions only). A case
    at the citizenship gate is left alone: nothing may be done on it until counsel clears it."""
    who = principals(users)
    officer, lesc = who["ice.officer"], who["lesc.specialist"]
    for number, case_number in sorted(cases.items()):
        view = work.read_case(officer, case_number)
        if view.citizenship_gate_open:
            say(f"subject {number} · {case_number}: held at the citizenship gate "
                f"({view.state.value}) — nothing can be done until counsel clears it")  # fmt: skip
            continue
        count = pairs(view.paired_minutiae_ref)
        work.verify_identity(officer, case_number, paired_minutiae_ref=view.paired_minutiae_ref,
                             paired_minutiae_count=count,
                             notes="prints compared side by side in the examiner view")  # fmt: skip
        work.record_status_research(
            lesc, case_number, finding=FINDINGS[number],
            record_references=["synthetic immigration file (CLAIMS/ENFORCE)"],
        )  # fmt: skip
        level = work.assess_priority(lesc, case_number).level
        referral = " · reentry referral open" if view.reentry_referral_open else ""
        say(f"subject {number} · {case_number}: match verified ({count} paired minutiae), "
            f"{FINDINGS[number].value}, {f'Level {level}' if level else 'no level'}"
            f"{referral}")  # fmt: skip


def act_on_cases(
    work: CaseWork, cases: dict[int, str], users: tuple[DemoUser, ...], say: Callable[[str], None]
) -> None:
    """What the officers then do, as each story says (see the module's docstring)."""
    officer = principals(users)["ice.officer"]
    for number, case_number in sorted(cases.items()):
        if number == 3:
            work.call(decisions.close_no_action, officer, case_number,
                      reason="Pending charge only; lawful status; no action")  # fmt: skip
            say(f"subject 3 · {case_number}: closed with no action (pending charge only)")
        elif number in (1, 2):
            _interview(work, officer, case_number)
            say(f"subject {number} · {case_number}: interviewed by video in Spanish, reviewed")
            if number == 1:
                _detainer_to_expiry(work, officer, case_number, say)
            else:
                _to_removal(work, officer, case_number, say)


def _interview(work: CaseWork, officer: Principal, case_number: str) -> None:
    interview = work.call(
        interviews.schedule_interview, officer, case_number, mode=InterviewMode.VIDEO,
        scheduled_at=work.clock.now(), language="es", interpreter="Synthetic interpreter #1",
    )  # fmt: skip
    work.call(interviews.conduct_interview, officer, case_number, interview.id,
              citizenship_claimed=False, notes="No claim to U.S. citizenship")  # fmt: skip
    work.call(interviews.complete_officer_review, officer, case_number, interview.id)


def _issue(work: CaseWork, officer: Principal, case_number: str, release) -> str:
    detainer = work.call(
        detainers.issue_detainer, officer, case_number,
        bases=[ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS],
        basis_evidence="IDENT match verified by an officer; the immigration file (synthetic)",
        notices=work.notices, release_eligible_at=release,
    )  # fmt: skip
    return (
        f"detainer {detainer.number} with its notice in Spanish, expires "
        f"{detainer.expires_at:%Y-%m-%d %H:%M:%S} UTC"
    )


def _detainer_to_expiry(
    work: CaseWork, officer: Principal, case_number: str, say: Callable[[str], None]
) -> None:
    release = work.clock.now() - DETAINER_HOLD + EXPIRES_IN
    say(f"  {_issue(work, officer, case_number, release)}")
    work.call(detainers.record_jail_response, officer, case_number, answer="declined",
              answered_by="Synthetic County Jail, booking desk")  # fmt: skip
    say("  the jail declined the detainer; the worker's sweep records its expiry")


def _to_removal(
    work: CaseWork, officer: Principal, case_number: str, say: Callable[[str], None]
) -> None:
    now = work.clock.now()
    say(f"  {_issue(work, officer, case_number, now - timedelta(hours=1))}")
    work.call(detainers.record_jail_response, officer, case_number, answer="honoured",
              answered_by="Synthetic County Jail, booking desk")  # fmt: skip
    work.call(detainers.transfer_custody, officer, case_number, notes="Picked up at release")
    work.call(
        charging.charge, officer, case_number, kind="notice_to_appear",
        allegations=["You are not a citizen or national of the United States (synthetic)."],
        charges=["INA 212(a)(6)(A)(i): present without admission or parole"],
        court="Synthetic Immigration Court", hearing_at=now + timedelta(days=20),
    )  # fmt: skip
    work.call(
        custody.decide_custody, officer, case_number, kind="detain", flight_risk="high",
        public_safety_risk="high", risk_rationale="Level 2 conviction; no status",
        facility_code=FACILITY_CODE,
    )  # fmt: skip
    work.call(court.refer_to_court, officer, case_number)
    work.call(court.order_removal, officer, case_number, reference="IJ-SYN-0002")
    work.call(court.order_becomes_final, officer, case_number, reason="Appeal waived")
    work.call(removal.request_travel_document, officer, case_number, country="Synthetic Republic")
    work.call(removal.record_travel_document, officer, case_number, reference="TD-SYN-0002")
    work.call(
        removal.verify_removal, officer, case_number, departed_at=work.clock.now(),
        port="Synthetic International Airport", destination_country="Synthetic Republic",
        verification_reference="I-205-SYN-0002",
    )  # fmt: skip
    state = work.read_case(officer, case_number).state.value
    say(f"  the jail honoured it → custody at release → NTA → detained at {FACILITY_CODE} → "
        f"court → final order → travel document → removal verified: {state}")  # fmt: skip
