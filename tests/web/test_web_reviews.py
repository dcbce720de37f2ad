"""Supervisor and counsel queues, and overdue items."""

from __future__ import annotations

from datetime import timedelta

from web_support import WebApp, csrf_of


def _section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</table>")[0]


def test_each_reviewer_sees_what_waits_for_them(web: WebApp) -> None:
    case_number = web.case_at("gate_open")
    supervisor = web.client("supervisor").get("/console/reviews").text
    assert case_number in _section(supervisor, "supervisor-queue")
    assert 'data-testid="counsel-queue"' not in supervisor
    counsel = web.client("counsel").get("/console/reviews").text
    assert case_number in _section(counsel, "counsel-queue")
    assert 'data-testid="supervisor-queue"' not in counsel


def test_both_findings_move_the_review_to_the_supervisors_decision(web: WebApp) -> None:
    case_number = web.case_at("gate_open")
    for user in ("supervisor", "counsel"):
        client = web.client(user)
        page = client.get(f"/console/cases/{case_number}")
        action = "record_supervisor_review" if user == "supervisor" else "record_counsel_review"
        response = client.post(
            f"/console/cases/{case_number}/actions/{action}",
            data={"csrf_token": csrf_of(page.text), "finding": "citizenship_not_established",
                  "reason": "Naturalisation record belongs to another person (A-file check)"},
        )  # fmt: skip
        assert response.status_code == 200, response.text
    html = web.client("supervisor").get("/console/reviews").text
    assert case_number in _section(html, "ready-queue")
    assert case_number not in _section(html, "supervisor-queue")


def test_overdue_reviews_and_detainers_near_their_limit(web: WebApp) -> None:
    html = web.client("supervisor").get("/console/reviews").text
    urgent = _section(html, "detainer-attention")
    assert web.case_at("detainer_urgent") in urgent and "expires soon" in urgent
    assert "past its 48-hour limit" not in urgent
    assert web.case_at("gate_open") not in _section(html, "overdue-reviews")
    web.clock.advance(timedelta(days=3))
    later = web.client("supervisor").get("/console/reviews").text
    assert web.case_at("gate_open") in _section(later, "overdue-reviews")
    late = _section(later, "detainer-attention")  # still unanswered 10 hours after its limit
    assert web.case_at("detainer_urgent") in late and "past its 48-hour limit" in late


def test_a_declined_detainer_past_its_expiry_is_not_a_limit_to_warn_about(web: WebApp) -> None:
    """SAVRO's jail declined the detainer: it holds no one past release, so its expiry passing
    before the sweep runs is not a detainer past its limit."""
    html = web.client("supervisor").get("/console/reviews").text
    assert web.case_at("jail_declined") not in _section(html, "detainer-attention")
