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

The console's cast (``world.CONSOLE_STORIES``) is worked to the stage each story names by
:func:`work_to_stage` (``synthetic.history`` moves the clock between the steps).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from securecomm.clock import FixedClock
from securecomm.enforcement import (
    AssessPriority,
    CaseWork,
    Charge,
    CloseNoAction,
    CompleteOfficerReview,
    ConductInterview,
    DecideCustody,
    EstablishCitizenship,
    IssueDetainer,
    OrderBecomesFinal,
    OrderRemoval,
    RecordCounselReview,
    RecordJailResponse,
    RecordStatusResearch,
    RecordSupervisorReview,
    RecordTravelDocument,
    ReferToCourt,
    RegisterFacility,
    RegisterPartner,
    RegisterPolicy,
    RejectMatch,
    RequestNotification,
    RequestTravelDocument,
    ScheduleInterview,
    TransferCustody,
    VerifyIdentity,
    VerifyRemoval,
)
from securecomm.enforcement.parameters import DETAINER_HOLD
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import (
    InterviewMode,
    ProbableCauseBasis,
    ReviewFinding,
    StatusFinding,
)
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
    work.handle(
        RegisterFacility(
            code=FACILITY_CODE,
            facility_name="Synthetic Processing Center",
            field_office=world.FIELD_OFFICE,
            capacity=40,
        ),
        supervisor,
    )


def administer(work: CaseWork, supervisor: Principal) -> None:
    """The world's administration, as the office's supervisor records it: the detention
    facility, the 287(g) agreement of the partner jail (signed 30 days before the seed) and the
    policy of each jail that takes no detainers."""
    register_facility(work, supervisor)
    for jail in world.JAILS:
        if jail.partner_287g:
            work.handle(
                RegisterPartner(
                    facility_ori=jail.ori,
                    agency_name=jail.name,
                    signed_on=work.clock.now().date() - timedelta(days=30),
                ),
                supervisor,
            )
        if not jail.accepts_detainers:
            work.handle(
                RegisterPolicy(
                    facility_ori=jail.ori,
                    accepts_detainers=False,
                    policy_name=jail.name,
                    source="Synthetic county ordinance 12-4 (no detainer holds)",
                ),
                supervisor,
            )


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
        work.handle(
            VerifyIdentity(
                case_number,
                paired_minutiae_ref=view.paired_minutiae_ref,
                paired_minutiae_count=count,
                notes="prints compared side by side in the examiner view",
            ),
            officer,
        )
        work.handle(
            RecordStatusResearch(
                case_number,
                finding=FINDINGS[number],
                record_references=["synthetic immigration file (CLAIMS/ENFORCE)"],
            ),
            lesc,
        )
        level = work.handle(AssessPriority(case_number), lesc).level
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
            work.handle(
                CloseNoAction(case_number, reason="Pending charge only; lawful status; no action"),
                officer,
            )
            say(f"subject 3 · {case_number}: closed with no action (pending charge only)")
        elif number in (1, 2):
            _interview(work, officer, case_number)
            say(f"subject {number} · {case_number}: interviewed by video in Spanish, reviewed")
            if number == 1:
                _detainer_to_expiry(work, officer, case_number, say)
            else:
                _to_removal(work, officer, case_number, say)


def _interview(work: CaseWork, officer: Principal, case_number: str) -> None:
    interview = work.handle(
        ScheduleInterview(
            case_number,
            mode=InterviewMode.VIDEO,
            scheduled_at=work.clock.now(),
            language="es",
            interpreter="Synthetic interpreter #1",
        ),
        officer,
    )
    work.handle(
        ConductInterview(
            case_number,
            interview_id=interview.id,
            citizenship_claimed=False,
            notes="No claim to U.S. citizenship",
        ),
        officer,
    )
    work.handle(CompleteOfficerReview(case_number, interview_id=interview.id), officer)


def _charge_and_detain(
    work: CaseWork,
    officer: Principal,
    case_number: str,
    now: datetime,
    allegations: list[str],
    *,
    risk_rationale: str,
) -> None:
    """A Notice to Appear (hearing in 20 days), then detention at the world's facility."""
    work.handle(
        Charge(
            case_number,
            kind="notice_to_appear",
            allegations=allegations,
            charges=["INA 212(a)(6)(A)(i): present without admission or parole"],
            court="Synthetic Immigration Court",
            hearing_at=now + timedelta(days=20),
        ),
        officer,
    )
    work.handle(
        DecideCustody(
            case_number,
            kind="detain",
            flight_risk="high",
            public_safety_risk="high",
            risk_rationale=risk_rationale,
            facility_code=FACILITY_CODE,
        ),
        officer,
    )


def _issue(work: CaseWork, officer: Principal, case_number: str, release) -> str:
    detainer = work.handle(
        IssueDetainer(
            case_number,
            bases=[ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS],
            basis_evidence="IDENT match verified by an officer; the immigration file (synthetic)",
            release_eligible_at=release,
        ),
        officer,
    )
    return (
        f"detainer {detainer.number} with its notice in Spanish, expires "
        f"{detainer.expires_at:%Y-%m-%d %H:%M:%S} UTC"
    )


def _detainer_to_expiry(
    work: CaseWork, officer: Principal, case_number: str, say: Callable[[str], None]
) -> None:
    release = work.clock.now() - DETAINER_HOLD + EXPIRES_IN
    say(f"  {_issue(work, officer, case_number, release)}")
    work.handle(
        RecordJailResponse(
            case_number, answer="declined", answered_by="Synthetic County Jail, booking desk"
        ),
        officer,
    )
    say("  the jail declined the detainer; the worker's sweep records its expiry")


def _to_removal(
    work: CaseWork, officer: Principal, case_number: str, say: Callable[[str], None]
) -> None:
    now = work.clock.now()
    say(f"  {_issue(work, officer, case_number, now - timedelta(hours=1))}")
    work.handle(
        RecordJailResponse(
            case_number, answer="honoured", answered_by="Synthetic County Jail, booking desk"
        ),
        officer,
    )
    work.handle(TransferCustody(case_number, notes="Picked up at release"), officer)
    _charge_and_detain(
        work, officer, case_number, now,
        ["You are not a citizen or national of the United States (synthetic)."],
        risk_rationale="Level 2 conviction; no status",
    )  # fmt: skip
    work.handle(ReferToCourt(case_number), officer)
    work.handle(OrderRemoval(case_number, reference="IJ-SYN-0002"), officer)
    work.handle(OrderBecomesFinal(case_number, reason="Appeal waived"), officer)
    work.handle(RequestTravelDocument(case_number, country="Synthetic Republic"), officer)
    work.handle(RecordTravelDocument(case_number, reference="TD-SYN-0002"), officer)
    work.handle(
        VerifyRemoval(
            case_number,
            departed_at=work.clock.now(),
            port="Synthetic International Airport",
            destination_country="Synthetic Republic",
            verification_reference="I-205-SYN-0002",
        ),
        officer,
    )
    state = work.read_case(officer, case_number).state.value
    say(f"  the jail honoured it → custody at release → NTA → detained at {FACILITY_CODE} → "
        f"court → final order → travel document → removal verified: {state}")  # fmt: skip


#: Every stage a console story may name, in the order a case passes them.
STAGES = (
    "match", "gate_open", "citizen", "rejected", "verified", "assessed", "reviewed",
    "no_action", "declined_policy", "detainer_urgent", "expired", "jail_declined",
    "in_proceedings", "removed",
)  # fmt: skip
#: How long before "now" the detainer of a ``detainer_urgent`` case expires from now, and the
#: one a ``jail_declined`` case has passed (after the history's last run of the worker).
URGENT_EXPIRY_IN = timedelta(hours=10)
DECLINED_EXPIRED_AGO = timedelta(hours=1)

RunWorker = Callable[[], object]


def work_to_stage(
    work: CaseWork,
    clock: FixedClock,
    case_number: str,
    story: world.Story,
    users: tuple[DemoUser, ...],
    pairs: PairsCounter,
    *,
    now: datetime,
    run_worker: RunWorker,
) -> None:
    """Work a case the worker opened to ``story.stage``, each action as the console account of
    its role, the clock moved on between them (``now`` is the end of the history: the late
    stages' deadlines are set against it). ``run_worker`` runs the system's worker (its
    detainer-expiry sweep) at the clock's time."""
    stage = story.stage
    if stage not in STAGES:
        raise ValueError(f"no such console stage {stage!r}: one of {', '.join(STAGES)}")
    who = principals(users)
    officer, lesc, sup, counsel = (
        who[u] for u in ("ice.officer", "lesc.specialist", "supervisor", "counsel")
    )
    jail = world.jail(story.jail)

    def tick(hours: float = 2) -> None:
        clock.advance(timedelta(hours=hours))

    view = work.read_case(officer, case_number)
    ref = view.paired_minutiae_ref
    if stage in ("match", "gate_open"):
        return
    tick()
    if stage == "citizen":
        established = ReviewFinding.CITIZENSHIP_ESTABLISHED
        work.handle(
            RecordSupervisorReview(
                case_number,
                finding=established,
                reason="Naturalisation certificate verified with USCIS",
            ),
            sup,
        )
        work.handle(RecordCounselReview(case_number, finding=established, reason="Concur"), counsel)
        work.handle(EstablishCitizenship(case_number, reason="U.S. citizen: close"), sup)
        return
    if stage == "rejected":
        work.handle(
            RejectMatch(
                case_number,
                paired_minutiae_ref=ref,
                reason="Core and delta disagree on the left print; not the same finger",
            ),
            officer,
        )
        return
    work.handle(
        VerifyIdentity(
            case_number,
            paired_minutiae_ref=ref,
            paired_minutiae_count=pairs(ref),
            notes="prints compared side by side in the examiner view",
        ),
        officer,
    )
    if stage == "verified":
        return
    tick(6)
    work.handle(
        RecordStatusResearch(
            case_number,
            finding=StatusFinding.NO_LAWFUL_STATUS_ON_RECORD,
            record_references=["synthetic immigration file (CLAIMS): no lawful status on record"],
        ),
        lesc,
    )
    work.handle(AssessPriority(case_number), lesc)
    if stage == "assessed":
        return
    tick(20)
    interview = work.handle(
        ScheduleInterview(
            case_number,
            mode=InterviewMode.VIDEO,
            scheduled_at=clock.now() + timedelta(hours=1),
            language=story.language,
            interpreter="" if story.language == "en" else "Synthetic interpreter #7",
        ),
        officer,
    )
    tick()
    work.handle(
        ConductInterview(
            case_number,
            interview_id=interview.id,
            citizenship_claimed=False,
            notes="No claim to U.S. citizenship",
        ),
        officer,
    )
    work.handle(CompleteOfficerReview(case_number, interview_id=interview.id), officer)
    if stage == "reviewed":
        return
    if stage == "no_action":
        work.handle(
            CloseNoAction(case_number, reason="Pending charge only; no conviction; no action"),
            officer,
        )
        return
    if stage == "declined_policy":
        work.handle(
            RequestNotification(
                case_number, reason="Jurisdiction takes no detainers; notification requested"
            ),
            officer,
        )
        return
    release = {
        # released into the 48-hour window: the hold expires URGENT_EXPIRY_IN after now
        "detainer_urgent": now + URGENT_EXPIRY_IN - DETAINER_HOLD,
        # declined, and its expiry passed after the worker last ran: the sweep has not seen it
        "jail_declined": now - DECLINED_EXPIRED_AGO - DETAINER_HOLD,
        "expired": clock.now() - timedelta(hours=1),
    }.get(stage, clock.now() + timedelta(hours=30))
    issuer = who["deputy.287g"] if jail.partner_287g and stage == "removed" else officer
    work.handle(
        IssueDetainer(
            case_number,
            bases=[ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS],
            basis_evidence="IDENT match verified by an officer; the immigration file shows no "
            "lawful status (synthetic)",
            release_eligible_at=release,
        ),
        issuer,
    )
    if stage == "detainer_urgent":
        return
    if stage == "expired":
        tick(50)
        run_worker()  # the worker's sweep records the expiry
        return
    tick(4)
    answer = "declined" if stage == "jail_declined" else "honoured"
    work.handle(
        RecordJailResponse(
            case_number, answer=answer, answered_by=f"Synthetic sergeant, {jail.name}"
        ),
        officer,
    )
    if stage == "jail_declined":
        return
    clock.set(max(clock.now(), release + timedelta(hours=2)))
    work.handle(TransferCustody(case_number, notes="Picked up at release"), officer)
    tick()
    _charge_and_detain(
        work, officer, case_number, clock.now(),
        ["You are not a citizen or national of the United States.",
         "You entered without inspection in 2019 (synthetic)."],
        risk_rationale="Level 1/2 conviction; no status",
    )  # fmt: skip
    work.handle(ReferToCourt(case_number), officer)
    if stage == "in_proceedings":
        return
    tick(24 * 4)
    work.handle(OrderRemoval(case_number, reference="IJ-SYN-0001"), officer)
    tick(24 * 3)
    work.handle(OrderBecomesFinal(case_number, reason="No appeal within 30 days"), officer)
    work.handle(RequestTravelDocument(case_number, country="Synthetic Republic"), officer)
    tick(24 * 2)
    work.handle(RecordTravelDocument(case_number, reference="TD-SYN-0001"), officer)
    tick(24 * 2)
    work.handle(
        VerifyRemoval(
            case_number,
            departed_at=clock.now() - timedelta(hours=1),
            port="Synthetic International Airport",
            destination_country="Synthetic Republic",
            verification_reference="I-205-SYN-0001",
        ),
        officer,
    )
