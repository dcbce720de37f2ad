"""The work queue: prioritised (level, then deadline), filtered, counted, time left shown."""

from __future__ import annotations

import re

from web_support import WebApp

from securecomm.synthetic import world
from securecomm.web.rendering import CONTENT_SECURITY_POLICY


def _rows(html: str) -> list[str]:
    body = html.split('data-testid="queue"')[1].split("</tbody>")[0]
    return re.findall(r"/console/cases/(SC-\d{4}-\d{6})", body)


def test_most_serious_first_then_nearest_deadline(web: WebApp) -> None:
    html = web.client("ice.officer").get("/console/queue").text
    rows = _rows(html)
    levels = [web.case(cn).level or 4 for cn in rows]
    assert levels == sorted(levels)
    urgent = web.case_at("detainer_urgent")  # Level 1 with a detainer 10 hours from expiry
    assert rows[0] == urgent
    first = html.split('data-testid="queue"')[1].split("</tr>")[1]
    assert "10 h 0 min left" in first


def _row(html: str, case_number: str) -> str:
    body = html.split('data-testid="queue"')[1].split("</tbody>")[0]
    (row,) = [r for r in body.split("</tr>") if f"/console/cases/{case_number}" in r]
    return row


def test_a_declined_detainer_is_never_overdue_for_its_expiry(web: WebApp) -> None:
    """SAVRO's jail declined the detainer, whose expiry has passed before the sweep ran: it
    holds no one past release, so the case shows no deadline, not "overdue"."""
    html = web.client("ice.officer").get("/console/queue").text
    declined = _row(html, web.case_at("jail_declined"))
    deadline = declined.split('data-testid="deadline"')[1].split("</td>")[0]
    assert "no deadline" in deadline and "overdue" not in declined
    assert "declined: holds no one past release" in declined
    urgent = _row(html, web.case_at("detainer_urgent"))  # unanswered: a hold, 10 h left
    assert "10 h 0 min left" in urgent and "holds no one" not in urgent


def test_filters_and_counts(web: WebApp) -> None:
    client = web.client("ice.officer")
    level2 = client.get("/console/queue?level=2").text
    assert _rows(level2) and all(web.case(cn).level == 2 for cn in _rows(level2))
    counts = level2.split('data-testid="queue-counts"')[1].split("</div>")[0]
    assert f"<b>{len(_rows(level2))}</b> open case" in counts
    jail = client.get(f"/console/queue?facility={world.NOTIFY_ONLY_JAIL}&office=all").text
    rows = _rows(jail)
    assert rows and all(web.case(cn).facility_ori == world.NOTIFY_ONLY_JAIL for cn in rows)
    matches = client.get("/console/queue?state=match_received").text
    assert {web.case(cn).state.value for cn in _rows(matches)} == {"match_received"}
    assert client.get("/console/queue?level=7").status_code == 422
    assert client.get("/console/queue?state=nowhere").status_code == 422


def test_listing_the_queue_is_audited(web: WebApp) -> None:
    client = web.client("ice.officer")
    client.get("/console/queue?level=1")
    audit = web.client("auditor").get("/console/audit?action=queue.read").text
    entries = audit.split('data-testid="audit-entries"')[1]
    assert "ice.officer" in entries and "queue.read" in entries


def test_pages_carry_a_strict_content_security_policy(web: WebApp) -> None:
    response = web.client("ice.officer").get("/console/queue")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY
    assert "<script" not in response.text
    css = web.client().get("/console/static/console.css")
    assert css.status_code == 200 and "url(" not in css.text and "@import" not in css.text
