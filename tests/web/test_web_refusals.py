"""Refusals in the console (issue 15): a refused page or action leaves exactly one audit entry
and no change to the case; the auditor filters them by rule, role and month; the dashboard
counts them per month and rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from web_support import WebApp, csrf_of

from securecomm.enforcement import audit
from securecomm.enforcement.models import AuditEntry, Detainer
from securecomm.synthetic import world
from securecomm.web.parameters import PREFIX


def refusal_entries(web: WebApp) -> list[tuple[AuditEntry, dict[str, Any]]]:
    with web.console.unit() as session:
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.action.like("refused.%")).order_by(AuditEntry.seq)
        ).scalars()
        return [(e, audit.details_of(e)) for e in entries]


def detainer_count(web: WebApp) -> int:
    with web.console.unit() as session:
        return int(session.scalar(select(func.count()).select_from(Detainer)) or 0)


def test_the_seeded_demo_holds_no_refusal(web: WebApp) -> None:
    assert refusal_entries(web) == []


def test_a_287g_officer_opening_another_jails_case(web: WebApp) -> None:
    other = web.case_at("match", world.NOTIFY_ONLY_JAIL)  # booked at another jail than the deputy's
    response = web.client("deputy.287g").get(f"/console/cases/{other}")
    assert response.status_code == 403
    assert f"acts only on cases of jail {world.JAIL}" in response.text
    [(entry, details)] = refusal_entries(web)
    assert (entry.action, entry.actor, entry.role, entry.subject) == (
        "refused.jail_scope", "deputy.287g", "partner_287g_officer", other,
    )  # fmt: skip
    assert details["facility_ori"] == world.JAIL and details["action"] == "read_case"
    assert details["kind"] == "authorization"


def test_a_287g_action_on_another_jails_case_is_one_refusal_not_two(web: WebApp) -> None:
    """The action is refused; the page shown after it would be refused too (the case is not
    the deputy's to see): the answer is the one refusal, recorded once."""
    other = web.case_at("reviewed")  # officer reviewed, at another jail
    client = web.client("deputy.287g")
    token = csrf_of(client.get("/console/queue").text)
    before = (web.case(other).state, detainer_count(web))
    response = client.post(
        f"/console/cases/{other}/actions/issue_detainer",
        data={"csrf_token": token, "bases": "biometric_match_and_records",
              "basis_evidence": "tried from another jail"},
    )  # fmt: skip
    assert response.status_code == 403
    [(entry, details)] = refusal_entries(web)
    assert entry.action == "refused.jail_scope" and details["action"] == "issue_detainer"
    assert (web.case(other).state, detainer_count(web)) == before


def test_a_detainer_while_the_citizenship_gate_is_open(web: WebApp) -> None:
    case_number = web.case_at("gate_open")  # a citizenship indicator under review
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}")
    before = (web.case(case_number).state, detainer_count(web))
    response = client.post(
        f"/console/cases/{case_number}/actions/issue_detainer",
        data={"csrf_token": csrf_of(page.text), "bases": "biometric_match_and_records",
              "basis_evidence": "forged form while the gate is open"},
    )  # fmt: skip
    assert response.status_code == 409 and "nothing proceeds" in response.text
    assert (web.case(case_number).state, detainer_count(web)) == before
    [(entry, details)] = refusal_entries(web)
    assert (entry.action, entry.actor, entry.subject) == (
        "refused.citizenship_gate", "ice.officer", case_number,
    )  # fmt: skip
    assert details["kind"] == "safeguard" and details["office"] == world.FIELD_OFFICE
    history = response.text.split('data-testid="history"')[1].split("</ol>")[0]
    assert "refused: issue detainer" in history and "citizenship gate" in history


def test_a_guard_refusal_in_the_console(web: WebApp) -> None:
    case_number = web.case_at("assessed")  # priority assessed, no interview yet
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}")
    state = web.case(case_number).state
    response = client.post(
        f"/console/cases/{case_number}/actions/transfer_custody",
        data={"csrf_token": csrf_of(page.text), "notes": "not possible from this state"},
    )
    assert response.status_code == 409
    assert web.case(case_number).state is state
    [(entry, details)] = refusal_entries(web)
    assert entry.action == "refused.transition_table" and details["kind"] == "guard"


def test_a_page_the_role_may_not_open_is_a_refusal_on_the_record(web: WebApp) -> None:
    case_number = web.case_at("in_proceedings")
    response = web.client("program.manager").get(f"/console/cases/{case_number}")
    assert response.status_code == 403 and "may not read case records" in response.text
    [(entry, details)] = refusal_entries(web)
    assert (entry.action, entry.actor, entry.subject) == (
        "refused.permission", "program.manager", case_number,
    )  # fmt: skip
    assert details["action"] == "GET /console/cases/{case_number}"


def _make_refusals(web: WebApp) -> None:
    web.client("deputy.287g").get(f"/console/cases/{web.case_at('match', world.NOTIFY_ONLY_JAIL)}")
    web.client("program.manager").get(f"/console/cases/{web.case_at('in_proceedings')}")
    web.client("booking.officer").get(f"/console/cases/{web.case_at('in_proceedings')}")


def test_the_auditor_filters_refusals_by_rule_role_and_month(web: WebApp) -> None:
    _make_refusals(web)
    client = web.client("auditor")
    page = client.get(f"{PREFIX}/audit/refusals")
    assert page.status_code == 200 and "3 refusals match" in page.text
    rows = page.text.split('data-testid="refusals"')[1]
    assert "deputy.287g" in rows and "program.manager" in rows and "booking.officer" in rows
    by_rule = client.get(f"{PREFIX}/audit/refusals?rule=jail_scope").text
    assert "2 refusals match" in by_rule
    rows = by_rule.split('data-testid="refusals"')[1]
    assert "program.manager" not in rows and "booking.officer" in rows
    by_role = client.get(f"{PREFIX}/audit/refusals?role=program_manager").text
    assert "1 refusal matches" in by_role
    month = web.clock.now().strftime("%Y-%m")
    assert "3 refusals match" in client.get(f"{PREFIX}/audit/refusals?month={month}").text
    assert "0 refusals match" in client.get(f"{PREFIX}/audit/refusals?month=2001-01").text
    both = client.get(f"{PREFIX}/audit/refusals?rule=jail_scope&role=partner_287g_officer").text
    assert "1 refusal matches" in both
    for bad in ("month=2026-13", "month=March", "role=king", "rule=DROP%20TABLE"):
        assert client.get(f"{PREFIX}/audit/refusals?{bad}").status_code == 422, bad
    assert 'href="/console/audit/refusals"' in client.get(f"{PREFIX}/audit").text


def test_only_auditors_see_the_refusals_page_and_the_attempt_is_recorded(web: WebApp) -> None:
    response = web.client("supervisor").get(f"{PREFIX}/audit/refusals")
    assert response.status_code == 403 and "may not verify or search the audit log" in response.text
    [(entry, details)] = refusal_entries(web)
    assert entry.actor == "supervisor" and details["action"] == "GET /console/audit/refusals"


def test_the_dashboard_counts_refusals_per_month_and_rule(web: WebApp) -> None:
    _make_refusals(web)
    page = web.client("program.manager").get(f"{PREFIX}/dashboard")
    assert page.status_code == 200
    section = page.text.split('data-testid="refusals"')[1].split("</section>")[0]
    table = section.split('data-testid="refusal-counts"')[1].split("</table>")[0]
    month = web.clock.now().strftime("%Y-%m")
    assert "jail scope" in table and "permission" in table
    row = table.split(f"<th>{month}</th>")[1].split("</tr>")[0]
    assert row.count("<td") == 3  # jail scope, permission, all (the figure "refusals")
    assert '<td>2</td><td>1</td><td data-figure="refusals"' in row  # jail scope 2, permission 1
    assert row.endswith(">3</td>")
    assert "all refusals recorded in the months shown (3)" in section
    assert "<svg" in section and "authorization 3" in section  # by month and kind
