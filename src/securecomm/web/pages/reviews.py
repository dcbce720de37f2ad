"""Supervisor and counsel queues: citizenship reviews waiting for each, reviews ready for the
supervisor's decision (both findings recorded), and overdue items (long-open reviews, detainers
that hold the person near or past their 48-hour limit, detainers with no release time to check
it against).

The listing, its field-office scope (a supervisor or counsel sees only their office's cases)
and its audit entry (``reviews.read``) are the enforcement layer's
(``enforcement.review_queue.review_queue``); this page only lays it out.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from securecomm.enforcement import REVIEWER_PERMISSIONS, review_queue
from securecomm.web.auth import SignedInUser
from securecomm.web.parameters import DETAINER_URGENT_WITHIN, PREFIX, REVIEW_OVERDUE_AFTER
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Reviewer = Annotated[SignedInUser, Depends(requires(*REVIEWER_PERMISSIONS))]


@router.get("/reviews")
def reviews(request: Request, console: ConsoleDep, user: Reviewer) -> Response:
    with console.unit() as session:
        queue = review_queue(
            session,
            console.clock,
            user.principal,
            overdue_after=REVIEW_OVERDUE_AFTER,
            urgent_within=DETAINER_URGENT_WITHIN,
        )
        return page(
            request,
            "reviews.html",
            user=user,
            office=user.principal.office_scope,
            supervisor_queue=queue.waiting_for_supervisor,
            counsel_queue=queue.waiting_for_counsel,
            ready=queue.ready_for_decision,
            overdue_reviews=queue.overdue,
            detainer_items=queue.detainers,
            overdue_after=REVIEW_OVERDUE_AFTER,
            urgent_within=DETAINER_URGENT_WITHIN,
        )
