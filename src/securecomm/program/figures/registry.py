"""Every published figure, defined once, in report order; and the dashboard's tables of them.

The statistics report (``securecomm plan stats``: CSV and HTML) writes every figure of
:data:`FIGURES` by month and place; the console's dashboard shows the tables below, read from
the same counts. A figure's definition names the timestamp that places it in a month; its place
is its booking facility's state and county (:mod:`securecomm.program.figures.places`).

Two kinds of figure are here. *Events* are counted in the month they happened (a detainer
issued, an answer recorded, a removal) and never change once the month is over. *Cohorts* are
cases counted in the month their match opened them, by where they stand when the figure is
computed (``matches_level_1_open``, ``detainers_now_lifted``): their definition says "now", and
a later report can move a case from open to removed.

Calibration rows (``program.calibration``) are not figures of this kind: they are computed from
a simulation's people and compared with published national totals, not counted from the case
database, so they keep their own definitions there.
"""

from __future__ import annotations

from collections.abc import Mapping

from securecomm.enforcement.models import (
    ChargingDocument,
    CitizenshipReview,
    CustodyDecision,
    Detainer,
    IdentityVerification,
)
from securecomm.enforcement.refusals import RefusalKind
from securecomm.enforcement.vocabulary import (
    SUMMARY_CHARGING,
    ChargingKind,
    CustodyKind,
    DetainerStatus,
    JailAnswer,
    ReviewFinding,
)
from securecomm.program.figures import queries as q
from securecomm.program.figures.definition import NATIONAL_ONLY, Figure

#: (key suffix, label) of the level groups, most serious first.
LEVEL_GROUPS: tuple[tuple[str, str], ...] = (
    ("level_1", "Level 1"),
    ("level_2", "Level 2"),
    ("level_3", "Level 3"),
    ("charged_not_convicted", "Charged, not convicted"),
    ("no_criminal_record", "No criminal record"),
)
_GROUP_DEFINITION = {
    "level_1": (
        "cases opened (enforcement_cases.opened_at) whose criminal-history snapshot's most "
        "serious conviction is Level 1 (convictions only, levelled by the versioned table when "
        "the case was opened, whether or not an officer has assessed the priority yet)"
    ),
    "level_2": "cases opened whose most serious conviction is Level 2",
    "level_3": "cases opened whose most serious conviction is Level 3",
    "charged_not_convicted": (
        "cases opened with no level (no conviction) and a pending charge in the criminal-history "
        "snapshot: a pending charge never decides a level"
    ),
    "no_criminal_record": "cases opened with no level and no pending charge",
}
#: (key suffix, column, "where the case stands now" condition) of the outcomes by level.
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("detainer", "detainers", "a detainer has been issued"),
    ("custody", "custody", "the person has been transferred to ICE custody"),
    ("removed", "removed", "the removal has been verified"),
    ("closed", "closed", "the case has ended any other way"),
    ("open", "open", "the case is still being worked"),
)
_OUTCOME_CONDITION = {
    "detainer": q.HAS_DETAINER,
    "custody": q.TRANSFERRED,
    "removed": q.HAS_REMOVAL,
    "closed": q.CLOSED_OTHERWISE,
    "open": q.IS_OPEN,
}


def group_key(group: str) -> str:
    return f"matches_{group}"


def outcome_key(group: str, outcome: str) -> str:
    return f"matches_{group}_{outcome}"


def _words(value: str) -> str:
    return value.replace("_", " ")


def _level_figures() -> list[Figure]:
    out = []
    for group, label in LEVEL_GROUPS:
        out.append(
            Figure(
                group_key(group),
                label,
                _GROUP_DEFINITION[group],
                "cases",
                q.cases(*q.LEVEL_CONDITIONS[group]),
                "matches",
            )
        )
    for group, label in LEVEL_GROUPS:
        for outcome, column, condition in OUTCOMES:
            out.append(
                Figure(
                    outcome_key(group, outcome),
                    f"{label}: {column}",
                    f"{label} cases opened in the month (opened_at) of which {condition} "
                    "(now, when the figure is computed)",
                    "cases",
                    q.cases(*q.LEVEL_CONDITIONS[group], _OUTCOME_CONDITION[outcome]),
                    group_key(group),
                )
            )
    return out


def _detainer_status_figures() -> list[Figure]:
    meaning = {
        DetainerStatus.ISSUED: "awaiting the jail's answer",
        DetainerStatus.HONOURED: "the jail said it will hold",
        DetainerStatus.DECLINED: "the jail said it will not hold",
        DetainerStatus.NOTIFY_ONLY: "the jail will only notify the release",
        DetainerStatus.EXECUTED: "the person was transferred to ICE under it",
        DetainerStatus.EXPIRED: "48 hours after release eligibility passed",
        DetainerStatus.LIFTED: "withdrawn by ICE",
    }
    return [
        Figure(
            f"detainers_now_{s.value}",
            f"now {_words(s.value)}",
            f"detainers issued in the month (issued_at) whose status is now {_words(s.value)} "
            f"({meaning[s]})",
            "detainers",
            q.detainers(Detainer.status == s),
            "detainers_issued",
        )
        for s in (
            DetainerStatus.ISSUED,
            DetainerStatus.HONOURED,
            DetainerStatus.DECLINED,
            DetainerStatus.NOTIFY_ONLY,
            DetainerStatus.EXECUTED,
            DetainerStatus.EXPIRED,
            DetainerStatus.LIFTED,
        )
    ]


_CUSTODY = {
    CustodyKind.DETAIN: ("custody_detained", "detain"),
    CustodyKind.BOND: ("custody_bond", "bond"),
    CustodyKind.OWN_RECOGNIZANCE: ("custody_own_recognizance", "own recognizance"),
    CustodyKind.ALTERNATIVES_TO_DETENTION: (
        "custody_alternatives",
        "Alternatives to Detention",
    ),
}
_LEVELS = _level_figures()
_ANSWERS = {
    JailAnswer.HONOURED: ("detainers_honoured", "honoured"),
    JailAnswer.NOTIFY_ONLY: ("detainers_notify_only", "notify only"),
    JailAnswer.DECLINED: ("detainers_declined", "declined"),
}

#: The published figures, in report order.
FIGURES: tuple[Figure, ...] = (
    Figure(
        "submissions",
        "Bookings received",
        "booking submissions the jails sent (submissions.received_at)",
        "bookings",
        q.submissions(),
    ),
    Figure(
        "matches",
        "Matches (cases opened)",
        "IDENT matches notified to ICE that opened a case (enforcement_cases.opened_at); a "
        "person has one open case, so a re-booking is counted in matches_rebooked instead",
        "cases",
        q.cases(),
        "submissions",
    ),
    Figure(
        "matches_rebooked",
        "Re-bookings of an open case",
        "IDENT matches of persons whose case was open: the booking joined that case "
        "(enforcement_case_bookings.booked_at)",
        "bookings",
        q.rebookings(),
        "submissions",
    ),
    *_LEVELS[:3],
    Figure(
        "matches_no_conviction",
        "No conviction",
        "cases opened with no conviction in the snapshot: charged, not convicted, and no "
        "criminal record together",
        "cases",
        q.cases(~q.LEVELLED),
        "matches",
    ),
    *_LEVELS[3:],
    Figure(
        "verifications",
        "Verifications decided",
        "human identity verifications decided on the examiner's view (decided_at)",
        "verifications",
        q.verifications(),
        "matches",
    ),
    Figure(
        "matches_verified",
        "Verified by an officer",
        "verifications that confirmed the match (decided_at)",
        "verifications",
        q.verifications(IdentityVerification.confirmed.is_(True)),
        "verifications",
    ),
    Figure(
        "matches_rejected_by_examiner",
        "Matches rejected by an officer",
        "verifications that did not confirm the match (decided_at): the case closes",
        "verifications",
        q.verifications(IdentityVerification.confirmed.is_(False)),
        "verifications",
    ),
    Figure(
        "detainers_issued",
        "Detainers issued",
        "detainer requests issued (issued_at); a case may have more than one",
        "detainers",
        q.detainers(),
        "matches",
    ),
    *_detainer_status_figures(),
    Figure(
        "detainer_answers",
        "Jails' answers recorded",
        "jails' answers to detainers, as recorded by the officer who received them "
        "(jail_answered_at); a detainer without a recorded answer is not counted as honoured",
        "answers",
        q.jail_answers(),
    ),
    *(
        Figure(
            key,
            label,
            f"answers: {label}",
            "answers",
            q.jail_answers(Detainer.jail_answer == answer),
            "detainer_answers",
        )
        for answer, (key, label) in _ANSWERS.items()
    ),
    Figure(
        "custody_transfers",
        "Transferred to ICE custody",
        "transfers to ICE custody at release (audit entries case.transfer_custody, at)",
        "transfers",
        q.logged("case.transfer_custody"),
        "detainers_issued",
    ),
    Figure(
        "charging_documents",
        "Charged",
        "charging documents served (served_at)",
        "documents",
        q.charging_documents(),
    ),
    Figure(
        "notices_to_appear",
        "Notices to Appear",
        "charging documents that are Notices to Appear",
        "documents",
        q.charging_documents(ChargingDocument.kind == ChargingKind.NOTICE_TO_APPEAR),
        "charging_documents",
    ),
    Figure(
        "summary_charging",
        "Summary charging",
        "reinstatement, stipulated removal or voluntary return",
        "documents",
        q.charging_documents(ChargingDocument.kind.in_(list(SUMMARY_CHARGING))),
        "charging_documents",
    ),
    Figure(
        "custody_decisions",
        "Custody decisions",
        "custody decisions (decided_at)",
        "decisions",
        q.custody_decisions(),
    ),
    *(
        Figure(
            key,
            label,
            f"decisions: {label}",
            "decisions",
            q.custody_decisions(CustodyDecision.kind == kind),
            "custody_decisions",
        )
        for kind, (key, label) in _CUSTODY.items()
    ),
    Figure(
        "removals",
        "Removals verified",
        "verified removals (enforcement_removals.departed_at)",
        "removals",
        q.removals(),
    ),
    Figure(
        "removals_convicted",
        "Removals of persons with a conviction",
        "removals of persons whose case has a level (a conviction in the snapshot)",
        "removals",
        q.removals(q.LEVELLED),
        "removals",
    ),
    Figure(
        "citizenship_reviews_opened",
        "Citizenship reviews opened",
        "citizenship reviews opened (opened_at): every indicator of U.S. citizenship opens one "
        "and stops all action on the case",
        "reviews",
        q.reviews_opened(),
        "matches",
    ),
    Figure(
        "citizenship_reviews_open",
        "Reviews still open",
        "citizenship reviews opened in the month (opened_at) not resolved now",
        "reviews",
        q.reviews_opened(CitizenshipReview.resolved_at.is_(None)),
        "citizenship_reviews_opened",
    ),
    Figure(
        "citizenship_reviews_resolved",
        "Citizenship reviews resolved",
        "citizenship reviews resolved (resolved_at)",
        "reviews",
        q.reviews_resolved(),
    ),
    Figure(
        "citizenship_established",
        "Citizenship established",
        "reviews resolved with citizenship established: the case is closed and the record "
        "flagged for correction",
        "reviews",
        q.reviews_resolved(CitizenshipReview.outcome == ReviewFinding.CITIZENSHIP_ESTABLISHED),
        "citizenship_reviews_resolved",
    ),
    Figure(
        "citizenship_not_established",
        "Citizenship not established",
        "reviews resolved with citizenship not established",
        "reviews",
        q.reviews_resolved(CitizenshipReview.outcome == ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED),
        "citizenship_reviews_resolved",
    ),
    Figure(
        "record_corrections_requested",
        "Record corrections requested",
        "corrections of the immigration record requested (audit entries "
        "record.correction_requested, at)",
        "requests",
        q.logged("record.correction_requested"),
    ),
    Figure(
        "closed_no_action",
        "Closed: no action",
        "cases closed with no action (audit entries case.close_no_action, at)",
        "cases",
        q.logged("case.close_no_action"),
    ),
    Figure(
        "closed_discretion",
        "Closed: discretion",
        "cases closed by prosecutorial discretion (audit entries case.exercise_discretion, at)",
        "cases",
        q.logged("case.exercise_discretion"),
    ),
    Figure(
        "refusals",
        "Refusals",
        "requests refused by a rule, as the audit log recorded each when it happened (entries "
        "refused.<rule>, at): an authorization (the role's permission, its jail, its field "
        "office, its 287(g) agreement), a guard of the transition table (the case's state, the "
        "evidence or the step that must come first) or a safeguard (citizenship gate, human "
        "verification of the match, prohibited basis, detainer expiry); national only, a "
        "refusal need not concern a case or a jail",
        "refusals",
        q.refusals(),
        geographies=NATIONAL_ONLY,
    ),
    *(
        Figure(
            f"refusals_{kind.value}",
            f"Refusals: {kind.value}",
            f"refusals of kind {kind.value}",
            "refusals",
            q.refusals(kind.value),
            "refusals",
            geographies=NATIONAL_ONLY,
        )
        for kind in RefusalKind
    ),
)
BY_KEY: Mapping[str, Figure] = {f.key: f for f in FIGURES}

# -- the dashboard's tables: keys of FIGURES ----------------------------------------------------

FUNNEL: tuple[str, ...] = (
    "submissions",
    "matches",
    "matches_verified",
    "detainers_issued",
    "custody_transfers",
    "charging_documents",
    "removals",
)
DETAINER_STATUSES: tuple[str, ...] = tuple(
    f.key for f in FIGURES if f.key.startswith("detainers_now_")
)
JAIL_ANSWERS: tuple[str, ...] = tuple(key for key, _ in _ANSWERS.values())
SAFEGUARDS: tuple[str, ...] = (
    "matches_rejected_by_examiner",
    "citizenship_reviews_opened",
    "citizenship_established",
    "citizenship_not_established",
    "citizenship_reviews_open",
    "record_corrections_requested",
    "closed_no_action",
    "closed_discretion",
)
REFUSAL_KINDS: tuple[str, ...] = tuple(f"refusals_{kind.value}" for kind in RefusalKind)
