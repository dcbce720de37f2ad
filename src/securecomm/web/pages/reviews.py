"""Supervisor and counsel queues: citizenship reviews waiting for each, reviews ready for the
supervisor's decision (both findings recorded), and overdue items (long-open reviews, detainers
that hold the person near or past their 48-hour limit, detainers with no release time to check
it against).  A detainer the jail declined or answered notify-only holds no one past release,
so its expiry is not a limit to warn about: the sweep closes it.

The listing shows names and case numbers, so it is audited (``reviews.read``) like the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from securecomm.enforcement import audit
from securecomm.enforcement.guards import ACTIVE_DETAINER, holds_person
from securecomm.enforcement.models import Case, CitizenshipReview, Detainer
from securecomm.enforcement.roles import Permission
from securecomm.web.auth import SignedInUser
from securecomm.web.parameters import DETAINER_URGENT_WITHIN, PREFIX, REVIEW_OVERDUE_AFTER
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Reviewer = Annotated[
    SignedInUser,
    Depends(
        requires(Permission.REVIEW_CITIZENSHIP_SUPERVISOR, Permission.REVIEW_CITIZENSHIP_COUNSEL)
    ),
]


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


@router.get("/reviews")
def reviews(request: Request, console: ConsoleDep, user: Reviewer) -> Response:
    now = console.clock.now()
    with console.unit() as session:
        open_reviews = [
            ReviewItem(case, review, now - review.opened_at >= REVIEW_OVERDUE_AFTER)
            for review, case in session.execute(
                select(CitizenshipReview, Case)
                .join(Case, Case.id == CitizenshipReview.case_id)
                .where(CitizenshipReview.resolved_at.is_(None))
                .order_by(CitizenshipReview.opened_at)
            ).all()
        ]
        detainer_items = []
        for detainer, case in session.execute(
            select(Detainer, Case)
            .join(Case, Case.id == Detainer.case_id)
            .where(Detainer.status.in_(list(ACTIVE_DETAINER)))
            .order_by(Detainer.expires_at)
        ).all():
            if detainer.expires_at is None:
                detainer_items.append(
                    DetainerItem(case, detainer, "no release-eligible time recorded", None)
                )
            elif not holds_person(detainer):
                continue
            elif detainer.expires_at <= now:
                detainer_items.append(
                    DetainerItem(case, detainer, "past its 48-hour limit", detainer.expires_at)
                )
            elif detainer.expires_at - now <= DETAINER_URGENT_WITHIN:
                detainer_items.append(
                    DetainerItem(case, detainer, "expires soon", detainer.expires_at)
                )
        shown = sorted(
            {i.case.case_number for i in open_reviews}
            | {i.case.case_number for i in detainer_items}
        )
        audit.record(
            session, console.clock, user.principal, "reviews.read", "reviews", {"cases": shown}
        )
        return page(
            request,
            "reviews.html",
            user=user,
            supervisor_queue=[i for i in open_reviews if i.review.supervisor_finding is None],
            counsel_queue=[i for i in open_reviews if i.review.counsel_finding is None],
            ready=[
                i
                for i in open_reviews
                if i.review.supervisor_finding is not None and i.review.counsel_finding is not None
            ],
            overdue_reviews=[i for i in open_reviews if i.overdue],
            detainer_items=detainer_items,
            overdue_after=REVIEW_OVERDUE_AFTER,
            urgent_within=DETAINER_URGENT_WITHIN,
        )
