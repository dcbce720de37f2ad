"""The worker's reminders on the work queue: the world's urgent detainer is reminded to the
ICE officers of its office, shown on their queue with a link to the case; only an addressee
may mark it seen (another role's attempt is refused and on the record), and once seen it is
gone from the queue."""

from __future__ import annotations

from web_support import WebApp, csrf_of

from securecomm.enforcement import reminders
from securecomm.enforcement.models import AuditEntry, Reminder


def _reminders(queue_html: str) -> str:
    """The queue's "Reminders for you" section ("" when it has none)."""
    if 'data-testid="reminders"' not in queue_html:
        return ""
    return queue_html.split('data-testid="reminders"')[1].split("</section>")[0]


def test_a_reminder_is_shown_to_its_addressees_and_acknowledged_once(web: WebApp) -> None:
    sent = web.console.work.send_due_reminders()
    urgent = web.case_at("detainer_urgent")
    expiring = [r for r in sent if r.kind == reminders.DETAINER_EXPIRING]
    assert len(expiring) == 1, "the world's urgent detainer (hours left) is due"
    officer = web.client("ice.officer")
    queue = officer.get("/console/queue").text
    section = _reminders(queue)
    assert urgent in section and "take custody or lift it" in section
    assert f'href="/console/cases/{urgent}"' in section

    supervisor = web.client("supervisor")
    supervisors_queue = supervisor.get("/console/queue").text
    assert urgent not in _reminders(supervisors_queue), (
        "a reminder for the officers is not on the supervisor's list"
    )
    reminder_id = expiring[0].id
    refused = supervisor.post(f"/console/reminders/{reminder_id}/acknowledge",
                              data={"csrf_token": csrf_of(supervisors_queue)})  # fmt: skip
    assert refused.status_code == 403 and "not for supervisor" in refused.text

    seen = officer.post(f"/console/reminders/{reminder_id}/acknowledge",
                        data={"csrf_token": csrf_of(queue)}, follow_redirects=False)  # fmt: skip
    assert seen.status_code == 303
    assert urgent not in _reminders(officer.get("/console/queue").text)
    with web.console.unit() as session:
        row = session.get(Reminder, reminder_id)
        assert row is not None and row.acknowledged_by == "ice.officer"
        actions = [e.action for e in session.query(AuditEntry).all()]
    assert "reminder.acknowledged" in actions and "refused.reminder_addressee" in actions
    again = web.console.work.send_due_reminders()
    assert again == [], "a deadline is reminded once"
