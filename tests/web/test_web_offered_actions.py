"""The case page offers only the actions that can succeed now and says what to do first for
the others: no "Complete the officer review" with no conducted interview to pick, no "Record a
conducted interview" with none scheduled, no detainer for a jail that takes none."""

from __future__ import annotations

from web_support import WebApp, post_form

from securecomm.enforcement import RegisterPolicy
from securecomm.enforcement.roles import Principal, Role
from securecomm.synthetic import world


def _actions(html: str) -> tuple[str, str]:
    section = html.split("<h2>Actions</h2>")[1].split("</section>")[0]
    offered, _, unavailable = section.partition('data-testid="unavailable-actions"')
    return offered, unavailable


def test_nothing_to_pick_is_explained_not_offered(web: WebApp) -> None:
    case_number = web.case_at("assessed")  # priority assessed, no interview yet
    offered, unavailable = _actions(
        web.client("ice.officer").get(f"/console/cases/{case_number}").text
    )
    assert 'data-action="schedule_interview"' in offered
    for key in ("complete_officer_review", "conduct_interview"):
        assert f'data-action="{key}"' not in offered, key
    assert "<b>Complete the officer review</b>: record a conducted interview first." in unavailable
    assert "<b>Record a conducted interview</b>: schedule an interview first." in unavailable


def test_a_jail_that_takes_no_detainers_is_not_offered_one(web: WebApp) -> None:
    notify_only = web.case_at("reviewed", world.NOTIFY_ONLY_JAIL)
    offered, unavailable = _actions(
        web.client("ice.officer").get(f"/console/cases/{notify_only}").text
    )
    assert 'data-action="issue_detainer"' not in offered
    assert 'data-action="request_notification"' in offered
    assert f"jail {world.NOTIFY_ONLY_JAIL}" in unavailable
    assert "does not accept detainers: request notification of release instead" in unavailable
    # Once the jurisdiction's policy accepts detainers, the same case is offered one.
    manager = Principal("program.manager", Role.PROGRAM_MANAGER)
    web.console.work.handle(
        RegisterPolicy(
            facility_ori=world.NOTIFY_ONLY_JAIL,
            accepts_detainers=True,
            policy_name="changed policy (synthetic)",
        ),
        manager,
    )
    offered, _ = _actions(web.client("ice.officer").get(f"/console/cases/{notify_only}").text)
    assert 'data-action="issue_detainer"' in offered


def test_a_refused_detainer_form_keeps_every_ticked_basis(web: WebApp) -> None:
    """Refused for its missing release time, the form comes back as it was sent: the evidence
    text and both ticked probable-cause boxes (they were all cleared)."""
    case_number = web.case_at("reviewed", world.NOTIFY_ONLY_JAIL)
    manager = Principal("program.manager", Role.PROGRAM_MANAGER)
    web.console.work.handle(
        RegisterPolicy(
            facility_ori=world.NOTIFY_ONLY_JAIL,
            accepts_detainers=True,
            policy_name="changed policy (synthetic)",
        ),
        manager,
    )
    officer = web.client("ice.officer")
    page = f"/console/cases/{case_number}"
    bases = ["biometric_match_and_records", "statements_and_evidence"]
    refused = post_form(
        officer,
        page,
        f"{page}/actions/issue_detainer",
        {"bases": bases, "basis_evidence": "IDENT match; admission (synthetic)"},
    )
    assert refused.status_code == 409 and "release-eligible time is required" in refused.text
    form = refused.text.split('data-action="issue_detainer"')[1].split("</details>")[0]
    for basis in bases:
        assert f'value="{basis}" checked' in form, basis
    assert 'value="final_order_of_removal" checked' not in form
    assert "IDENT match; admission (synthetic)</textarea>" in form
