"""Demonstration data for the console: synthetic users for every role, synthetic jails,
bookings and cases worked to every stage through the enforcement services.

Everything is synthetic and marked so: names are invented, agencies and users carry
``synthetic=True`` (the console shows a banner), prints come from the fingerprint synthesiser
(``afis.synthesis``: SFinGe-style masters and impressions).  Bookings are real EBTS CAR
transactions received by the pipeline (``interop.submissions.receive``); cases are opened and
worked with the enforcement services over five months, so the dashboard has months to show.
Seeding happens only into an empty database (no console user, no agency), so demo data is
never mixed into a working one, and seeding twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import select

from securecomm import ansinist
from securecomm.afis.extraction import extract
from securecomm.afis.synthesis import generate_master, make_impression
from securecomm.afis.types import FingerImage, FingerPosition
from securecomm.clock import Clock, FixedClock
from securecomm.enforcement import (
    charging,
    citizenship,
    court,
    custody,
    decisions,
    detainers,
    interviews,
    partners,
    policies,
    removal,
)
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    ImmigrationEventKind,
    ImmigrationHistoryEvent,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import (
    InterviewMode,
    ProbableCauseBasis,
    ReviewFinding,
    StatusFinding,
)
from securecomm.interop.submissions import receive
from securecomm.records.agencies import Agency, AgencyKind, AgencyRepository
from securecomm.synthetic.accounts import add_accounts, demo_users
from securecomm.web.context import Console
from securecomm.web.models import ConsoleUser
from securecomm.web.prints import FingerPair

FIELD_OFFICE = "DAL"
FIELD_OFFICE_ORI = "TXICEDAL0"
IDENT_DAI = "DCIDENT0Z"
#: (ORI, name, state, county) of the synthetic jails.
JAILS = (
    ("TX0570000", "Synthetic County Jail 0570", "TX", "Synthetic County A"),
    ("TX2200000", "Synthetic County Jail 2200", "TX", "Synthetic County B"),
    ("OK0550000", "Synthetic County Jail 0550", "OK", "Synthetic County C"),
)
DECLINING_JAIL = JAILS[2][0]
#: The demo's cases are spread over this long before "now".
HISTORY = timedelta(days=150)
#: Stages whose deadlines must be live when the demo starts: they open this long before now.
LATE_STAGES = {
    "detainer_urgent": timedelta(hours=48),
    "assessed": timedelta(hours=40),
    "gate_open": timedelta(hours=26),
    "verified": timedelta(hours=20),
    "match": timedelta(hours=5),
}
PARTNER_JAIL = JAILS[0][0]


#: The accounts of every role, in the console world's field office and partner jail.
DEMO_USERS = demo_users(FIELD_OFFICE, PARTNER_JAIL)


def principal_of(username: str) -> Principal:
    return next(u.principal for u in DEMO_USERS if u.username == username)


def synthetic_finger_pairs(seed: int, count: int) -> list[FingerPair]:
    """``count`` fingers, each a synthetic master with two impressions (probe and gallery)
    and the engine's templates of both."""
    rng = np.random.default_rng(seed)
    pairs = []
    for i in range(count):
        position = FingerPosition(i % 10 + 1)
        master = generate_master(rng)
        probe = make_impression(master, rng).image
        gallery = make_impression(master, rng, kind="rolled").image
        probe = FingerImage(probe.pixels, probe.ppi, position)
        gallery = FingerImage(gallery.pixels, gallery.ppi, position)
        pairs.append(FingerPair(position, probe, extract(probe), gallery, extract(gallery)))
    return pairs


def _car(ori: str, tcn: str, when: datetime, name: str, finger: FingerImage) -> bytes:
    tx = ansinist.build_car(
        ansinist.Addressing(ori=ori, dai=IDENT_DAI, tcn=tcn, when=when),
        ansinist.Subject(name=name, sex="X", race="U", date_of_birth=None, place_of_birth="XX"),
        ansinist.Arrest(
            arrest_date=when.date(),
            offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),),
            controlling_agency=ori,
        ),
        {int(finger.position) or 2: finger},
    )
    return ansinist.write(tx)


def conviction(code: str, on: date, sentence: int | None = None) -> CriminalHistoryEvent:
    return CriminalHistoryEvent(code, Disposition.CONVICTED, on, sentence)


def pending(code: str, on: date) -> CriminalHistoryEvent:
    return CriminalHistoryEvent(code, Disposition.PENDING, on)


#: The stories of the demo cases: (name, language, jail index, history, immigration, stage).
Story = tuple[str, str, int, Callable[[date], list[CriminalHistoryEvent]], bool, str]
STORIES: tuple[Story, ...] = (
    ("VORAN, TELSI", "es", 0, lambda d: [conviction("1315", d, 900)], False, "removed"),
    ("KESTAL, MIRO", "es", 1, lambda d: [conviction("2204", d, 200)], False, "in_proceedings"),
    ("DANEV, ORLA", "en", 0, lambda d: [conviction("2303", d, 30)], True, "citizen"),
    ("PULARO, SEN", "es", 1, lambda d: [conviction("5404", d)], False, "rejected"),
    ("MAREK, IDRIS", "es", 2, lambda d: [conviction("2399", d, 60)], False, "declined_policy"),
    ("TOLLEN, ASA", "en", 0, lambda d: [pending("1313", d)], False, "no_action"),
    ("BRENNIK, ULA", "es", 1, lambda d: [conviction("1201", d, 1500)], False, "expired"),
    (
        "SAVRO, NILE",
        "es",
        0,
        lambda d: [conviction("2303", d), pending("1313", d)],
        False,
        "jail_declined",
    ),
    ("ORTALE, KIM", "es", 2, lambda d: [conviction("3562", d, 400)], False, "reviewed"),
    ("FERANO, LIO", "es", 0, lambda d: [conviction("0903", d, 3000)], False, "detainer_urgent"),
    (
        "HALVEN, RUE",
        "es",
        0,
        lambda d: [conviction("1313", d), pending("2399", d)],
        False,
        "assessed",
    ),
    ("QUESTA, DORU", "en", 1, lambda d: [], True, "gate_open"),
    ("IMBERA, TOSK", "es", 1, lambda d: [conviction("2204", d, 90)], False, "verified"),
    ("ZELMAR, POI", "es", 0, lambda d: [conviction("1315", d, 700)], False, "match"),
    ("CORVIN, ADA", "en", 2, lambda d: [pending("2399", d)], False, "match"),
)


def database_is_empty(console: Console) -> bool:
    """No console user and no agency yet: demo data is never mixed into a working database."""
    with console.unit() as session:
        return (
            session.execute(select(ConsoleUser.id).limit(1)).first() is None
            and session.execute(select(Agency.id).limit(1)).first() is None
        )


def has_demo_accounts(console: Console) -> bool:
    with console.unit() as session:
        return (
            session.execute(
                select(ConsoleUser.id).where(
                    ConsoleUser.username.in_([u.username for u in DEMO_USERS]),
                    ConsoleUser.synthetic.is_(True),
                )
            ).first()
            is not None
        )


def seed_demo(
    console: Console,
    *,
    finger_pairs: Sequence[FingerPair] | None = None,
    now: datetime | None = None,
    extra_bookings: int = 3,
) -> bool:
    """Seed the demo data into an empty database; False (and nothing done) otherwise."""
    if not database_is_empty(console):
        return False
    now = now or console.clock.now()
    pairs = list(finger_pairs or synthetic_finger_pairs(seed=2026, count=3))
    clock = FixedClock(now - HISTORY)
    work = CaseWork(console.factory, clock, console.work.notices)
    _agencies_and_users(console, clock)
    _administration(work, clock)
    early = [s for s in STORIES if s[5] not in LATE_STAGES]
    step = (HISTORY - timedelta(days=10)) / len(early)
    for i, story in enumerate(STORIES):
        stage = story[5]
        if stage in LATE_STAGES:
            clock.set(max(clock.now(), now - LATE_STAGES[stage]))
        else:
            clock.set(max(clock.now(), now - HISTORY + i * step))
        finger_set = [pairs[(i + k) % len(pairs)] for k in range(min(2, len(pairs)))]
        ref = console.prints.save(f"demo-{i + 1:03d}", finger_set)
        for k in range(extra_bookings):
            ori = JAILS[(i + k) % len(JAILS)][0]
            tcn = f"DEMO-NM-{i:03d}-{k}"
            with console.unit() as session:
                receive(
                    session,
                    _car(ori, tcn, clock.now(), "NOMATCH, SYN", pairs[k % len(pairs)].probe),
                    now=clock.now(),
                )
            clock.advance(timedelta(minutes=10))
        _work_story(console, work, clock, i, story, ref, finger_set, now)
    return True


def _agencies_and_users(console: Console, clock: Clock) -> None:
    with console.unit() as session:
        repo = AgencyRepository(session)
        if repo.find(FIELD_OFFICE_ORI) is None:
            repo.add(
                ori=FIELD_OFFICE_ORI,
                name="Synthetic ICE field office (DAL)",
                state="TX",
                kind=AgencyKind.FIELD_OFFICE,
                created_at=clock.now(),
                synthetic=True,
            )
        for ori, name, state, county in JAILS:
            if repo.find(ori) is None:
                repo.add(
                    ori=ori,
                    name=name,
                    state=state,
                    county=county,
                    kind=AgencyKind.JAIL,
                    created_at=clock.now(),
                    field_office_ori=FIELD_OFFICE_ORI,
                    synthetic=True,
                )
        add_accounts(session, clock, DEMO_USERS)


def _administration(work: CaseWork, clock: FixedClock) -> None:
    sup = principal_of("supervisor")
    work.call(
        custody.register_facility,
        sup,
        code="DAL-SPC",
        name="Synthetic Processing Center",
        field_office=FIELD_OFFICE,
        capacity=40,
    )
    work.call(
        policies.register_policy,
        sup,
        DECLINING_JAIL,
        accepts_detainers=False,
        name=JAILS[2][1],
        source="Synthetic county ordinance 12-4 (no detainer holds)",
    )
    work.call(
        partners.register_partner,
        sup,
        PARTNER_JAIL,
        name=JAILS[0][1],
        signed_on=clock.now().date() - timedelta(days=30),
    )


def _work_story(
    console: Console,
    work: CaseWork,
    clock: FixedClock,
    i: int,
    story: Story,
    ref: str,
    fingers: Sequence[FingerPair],
    end: datetime,
) -> None:
    name, language, jail, history, citizen_record, stage = story
    ori, facility_name, _, _ = JAILS[jail]
    tcn = f"DEMO-M-{i + 1:06d}"
    booked = clock.now()
    with console.unit() as session:
        receive(session, _car(ori, tcn, booked, name, fingers[0].probe), now=booked)
    immigration = [
        ImmigrationHistoryEvent(ImmigrationEventKind.ENCOUNTER, date(2019, 4, 2), "EID-SYN-1")
    ]
    if citizen_record:
        immigration.append(
            ImmigrationHistoryEvent(
                ImmigrationEventKind.NATURALISATION, date(2015, 9, 17), f"N-SYN-{i:04d}"
            )
        )
    comparisons = console.prints.comparisons(ref)
    best = max(len(c.pairs) for _, c in comparisons)
    notice = MatchNotice(
        booking_ori=ori,
        booking_tcn=tcn,
        facility_ori=ori,
        facility_name=facility_name,
        field_office=FIELD_OFFICE,
        subject=SubjectIdentifiers(
            fin=f"SYN{1000 + i}",
            fbi_number=f"SYN{i:05d}F",
            name=name,
            date_of_birth=date(1980 + i, 1 + i % 12, 1 + i),
            language=language,
        ),
        ident=IdentResponse(
            summary=f"IDENT match: synthetic person SYN{1000 + i}, {1 + i % 3} prior encounter(s)",
            candidate_score=round(max(c.score for _, c in comparisons), 2),
            paired_minutiae_ref=ref,
            encounter_count=1 + i % 3,
        ),
        booked_at=booked,
    )
    clock.advance(timedelta(minutes=20))
    case = work.open_case_from_match(notice, history(date(2018, 5, 1 + i)), immigration)
    cn = case.case_number
    officer, lesc, sup, counsel = (
        principal_of(u) for u in ("ice.officer", "lesc.specialist", "supervisor", "counsel")
    )
    tick = lambda hours=2: clock.advance(timedelta(hours=hours))  # noqa: E731

    if stage == "gate_open" or stage == "match":
        return
    if stage == "citizen":
        tick()
        work.call(
            citizenship.record_review,
            sup,
            cn,
            finding=ReviewFinding.CITIZENSHIP_ESTABLISHED,
            reason="Naturalisation certificate verified with USCIS",
        )
        work.call(
            citizenship.record_review,
            counsel,
            cn,
            finding=ReviewFinding.CITIZENSHIP_ESTABLISHED,
            reason="Concur",
        )
        work.call(citizenship.establish_citizenship, sup, cn, reason="U.S. citizen: close")
        return
    tick()
    if stage == "rejected":
        work.reject_match(
            officer,
            cn,
            paired_minutiae_ref=ref,
            reason="Core and delta disagree on the left print; not the same finger",
        )
        return
    work.verify_identity(officer, cn, paired_minutiae_ref=ref, paired_minutiae_count=best)
    if stage == "verified":
        return
    tick(6)
    work.record_status_research(
        lesc,
        cn,
        finding=StatusFinding.NO_LAWFUL_STATUS_ON_RECORD,
        record_references=["EID encounter 2019-04-02: entry without inspection (synthetic)"],
    )
    work.assess_priority(lesc, cn)
    if stage == "assessed":
        return
    tick(20)
    interview = work.call(
        interviews.schedule_interview,
        officer,
        cn,
        mode=InterviewMode.VIDEO,
        scheduled_at=clock.now() + timedelta(hours=1),
        language=language,
        interpreter="" if language == "en" else "Synthetic interpreter #7",
    )
    tick()
    work.call(interviews.conduct_interview, officer, cn, interview.id, citizenship_claimed=False)
    work.call(interviews.complete_officer_review, officer, cn, interview.id)
    if stage == "reviewed":
        return
    if stage == "no_action":
        work.call(
            decisions.close_no_action,
            officer,
            cn,
            reason="Pending charge only; no conviction; no action",
        )
        return
    if stage == "declined_policy":
        work.call(
            decisions.request_notification,
            officer,
            cn,
            reason="Jurisdiction takes no detainers; notification requested",
        )
        return
    release = clock.now() + timedelta(hours=30)
    if stage == "detainer_urgent":  # released into the 48-hour window, 10 hours left of it
        release = end - timedelta(hours=38)
    if stage == "expired":
        release = clock.now() - timedelta(hours=1)
    issuer = principal_of("deputy.287g") if jail == 0 and stage == "removed" else officer
    work.call(
        detainers.issue_detainer,
        issuer,
        cn,
        bases=[ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS],
        basis_evidence="IDENT match verified by an officer; EID shows entry without "
        "inspection (synthetic)",
        notices=work.notices,
        release_eligible_at=release,
    )
    if stage == "detainer_urgent":
        return
    if stage == "expired":
        tick(50)
        work.expire_due_detainers()
        return
    tick(4)
    answer = "declined" if stage == "jail_declined" else "honoured"
    work.call(
        detainers.record_jail_response,
        officer,
        cn,
        answer=answer,
        answered_by=f"Sgt. Synthetic, {facility_name}",
    )
    if stage == "jail_declined":
        return
    clock.set(release + timedelta(hours=2))
    work.call(detainers.transfer_custody, officer, cn, notes="Picked up at release")
    tick()
    work.call(
        charging.charge,
        officer,
        cn,
        kind="notice_to_appear",
        allegations=[
            "You are not a citizen or national of the United States.",
            "You entered without inspection in 2019 (synthetic).",
        ],
        charges=["INA 212(a)(6)(A)(i): present without admission or parole"],
        court="Synthetic Immigration Court",
        hearing_at=clock.now() + timedelta(days=20),
    )
    work.call(
        custody.decide_custody,
        officer,
        cn,
        kind="detain",
        flight_risk="high",
        public_safety_risk="high",
        risk_rationale="Level 1/2 conviction; prior encounter",
        facility_code="DAL-SPC",
    )
    work.call(court.refer_to_court, officer, cn)
    if stage == "in_proceedings":
        return
    tick(24 * 4)
    work.call(court.order_removal, officer, cn, reference="IJ-SYN-0001")
    tick(24 * 3)
    work.call(court.order_becomes_final, officer, cn, reason="No appeal within 30 days")
    work.call(removal.request_travel_document, officer, cn, country="Synthetic Republic")
    tick(24 * 2)
    work.call(removal.record_travel_document, officer, cn, reference="TD-SYN-0001")
    tick(24 * 2)
    work.call(
        removal.verify_removal,
        officer,
        cn,
        departed_at=clock.now() - timedelta(hours=1),
        port="Synthetic International Airport",
        destination_country="Synthetic Republic",
        verification_reference="I-205-SYN-0001",
    )
