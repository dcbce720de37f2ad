"""The supervisor's and counsel's queue: open citizenship reviews and detainers near their limit.

A citizenship indicator stops all action on a case until a supervisor and counsel have each
recorded a finding (DESIGN.md §5), so the reviewers need to see what waits for them, what is
overdue, and which detainers hold a person near or past their 48-hour limit (or have no
release time to check it against).  A detainer the jail declined or answered notify-only holds
no one past release, so its expiry is not a limit to warn about: the sweep closes it.

Office-bound reviewers (``roles.OFFICE_BOUND_ROLES``) see only their field office's cases;
the listing shows names and case numbers, so it is audited (``reviews.read``) like the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import PermissionDeniedError
from securecomm.enforcement.guards import ACTIVE_DETAINER, holds_person
from securecomm.enforcement.lookup import visible_cases
from securecomm.enforcement.models import Case, CitizenshipReview, Detainer
from securecomm.enforcement.roles import Permission, Principal, require

#: Either review permission lets a principal read the queue.
REVIEWER_PERMISSIONS = (
    Permission.REVIEW_CITIZENSHIP_SUPERVISOR,
    Permission.REVIEW_CITIZENSHIP_COUNSEL,
)


@dataclass(frozen=True)
class ReviewItem:
    case: Case
    review: CitizenshipReview
    overdue: bool


@dataclass(frozen=True)
class DetainerItem:
    case: Case
    detainer: Detainer
    problem: str
    at: datetime | None


@dataclass(frozen=True)
class ReviewQueue:
    """The open reviews (oldest first) and the detainers needing attention (soonest first)."""

    reviews: list[ReviewItem]
    detainers: list[DetainerItem]

    @property
    def waiting_for_supervisor(self) -> list[ReviewItem]:
        return [i for i in self.reviews if i.review.supervisor_finding is None]

    @property
    def waiting_for_counsel(self) -> list[ReviewItem]:
        return [i for i in self.reviews if i.review.counsel_finding is None]

    @property
    def ready_for_decision(self) -> list[ReviewItem]:
        """Both findings recorded: the supervisor clears the review or closes the case."""
        return [
            i
            for i in self.reviews
            if i.review.supervisor_finding is not None and i.review.counsel_finding is not None
        ]

    @property
    def overdue(self) -> list[ReviewItem]:
        return [i for i in self.reviews if i.overdue]

    @property
    def case_numbers(self) -> list[str]:
        return sorted(
            {i.case.case_number for i in self.reviews}
            | {i.case.case_number for i in self.detainers}
        )


def _require_reviewer(principal: Principal) -> None:
    first: PermissionDeniedError | None = None
    for permission in REVIEWER_PERMISSIONS:
        try:
            require(principal, permission)
            return
        except PermissionDeniedError as exc:  # any-of: report the first refusal
            first = first or exc
    assert first is not None
    raise first


def _detainer_problem(
    detainer: Detainer, now: datetime, urgent_within: timedelta
) -> tuple[str, datetime | None] | None:
    if detainer.expires_at is None:
        return "no release-eligible time recorded", None
    if not holds_person(detainer):
        return None
    if detainer.expires_at <= now:
        return "past its 48-hour limit", detainer.expires_at
    if detainer.expires_at - now <= urgent_within:
        return "expires soon", detainer.expires_at
    return None


def review_queue(
    session: Session,
    clock: Clock,
    principal: Principal,
    *,
    overdue_after: timedelta,
    urgent_within: timedelta,
) -> ReviewQueue:
    """What waits for a supervisor or counsel, limited to the cases the principal may see.

    A review open ``overdue_after`` or longer is overdue; a holding detainer within
    ``urgent_within`` of its expiry (or past it) needs attention.
    """
    _require_reviewer(principal)
    now = clock.now()
    reviews = [
        ReviewItem(case, review, now - review.opened_at >= overdue_after)
        for review, case in session.execute(
            visible_cases(
                select(CitizenshipReview, Case)
                .join(Case, Case.id == CitizenshipReview.case_id)
                .where(CitizenshipReview.resolved_at.is_(None))
                .order_by(CitizenshipReview.opened_at, CitizenshipReview.id),
                principal,
            )
        ).all()
    ]
    detainers = []
    for detainer, case in session.execute(
        visible_cases(
            select(Detainer, Case)
            .join(Case, Case.id == Detainer.case_id)
            .where(Detainer.status.in_(list(ACTIVE_DETAINER)))
            .order_by(Detainer.expires_at, Detainer.id),
            principal,
        )
    ).all():
        problem = _detainer_problem(detainer, now, urgent_within)
        if problem is not None:
            detainers.append(DetainerItem(case, detainer, *problem))
    queue = ReviewQueue(reviews, detainers)
    audit.record(
        session,
        clock,
        principal,
        "reviews.read",
        "reviews",
        {"cases": queue.case_numbers, "office": principal.office_scope or "all"},
    )
    return queue
