"""Match verification: the examiner's view of a world booking's prints against the enrolled
templates (and of real FVC prints for the test-only matches), per-finger scores, and the
officer's decision with the comparator's paired-minutiae count."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select
from web_support import FINGERS, LOW_PAIRS_NAME, NO_VIEW_NAME, WebApp, csrf_of

from securecomm.enforcement import audit
from securecomm.enforcement.models import AuditEntry, IdentityVerification
from securecomm.enforcement.parameters import MIN_PAIRED_MINUTIAE_SHOWN


def test_the_view_lists_each_finger_with_its_score_and_pairs(web: WebApp) -> None:
    case_number = web.case_at("match")
    html = web.client("ice.officer").get(f"/console/cases/{case_number}/verify").text
    table = html.split('data-testid="finger-scores"')[1].split("</table>")[0]
    assert "right index" in table and "left index" in table  # the world's two fingers
    fingers = web.console.prints.summary(web.case(case_number).paired_minutiae_ref)
    assert len(fingers) == FINGERS
    for finger in fingers:  # the comparator's pairs on the booking's prints
        assert f"<td>{finger.paired}</td>" in table
    assert "strong evidence of the same finger" in table
    assert 'name="decision" value="confirm"' in html


def test_the_examiner_picture_is_both_prints_side_by_side(web: WebApp) -> None:
    case_number = web.case_at("match")
    response = web.client("ice.officer").get(f"/console/cases/{case_number}/verify/2.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(response.content))
    (probe,) = [p.probe for p in web.console.prints.load(web.case(case_number).paired_minutiae_ref)
                if int(p.position) == 2]  # fmt: skip
    # the booking's print and the gallery's print area side by side, under a header
    assert picture.width >= 2 * probe.width and picture.height > probe.height


def test_confirming_records_the_comparators_count(web: WebApp) -> None:
    case_number = web.case_at("match")
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    response = client.post(
        f"/console/cases/{case_number}/verify",
        data={"csrf_token": csrf_of(page.text), "decision": "confirm", "reason": "12 pairs",
              "paired_minutiae_count": "99"},  # a typed count is ignored
    )  # fmt: skip
    assert response.status_code == 200
    case = web.case(case_number)
    assert case.state.value == "identity_verified" and case.identity_verified_by == "ice.officer"
    with web.console.unit() as session:
        row = session.execute(
            select(IdentityVerification).where(IdentityVerification.case_id == case.id)
        ).scalar_one()
    fingers = web.console.prints.summary(case.paired_minutiae_ref)
    assert row.confirmed and row.paired_minutiae_count == max(f.paired for f in fingers) != 99
    assert row.paired_minutiae_ref == case.paired_minutiae_ref


def test_a_match_with_few_pairs_is_confirmed_on_the_view(web: WebApp) -> None:
    """FVC finger 101 scored 36 on 5 pairs with the LSS-R comparator (at most 12 pairs), so a
    fixed 12-point floor could never confirm it.  The officer decides on the side-by-side
    prints; the count recorded is the comparator's, whatever it is."""
    case_number = web.case_number(LOW_PAIRS_NAME)
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    assert "IDENT match (test) (score 3.0)" in page.text  # the search's own result is shown
    no_choice = client.post(
        f"/console/cases/{case_number}/verify", data={"csrf_token": csrf_of(page.text)}
    )
    assert no_choice.status_code == 422 and "choose confirm or reject" in no_choice.text
    confirmed = client.post(
        f"/console/cases/{case_number}/verify",
        data={"csrf_token": csrf_of(page.text), "decision": "confirm",
              "reason": "Same ridge flow and 5 pairs in agreement around the core"},
    )  # fmt: skip
    assert confirmed.status_code == 200
    case = web.case(case_number)
    assert case.state.value == "identity_verified"
    with web.console.unit() as session:
        row = session.execute(
            select(IdentityVerification).where(IdentityVerification.case_id == case.id)
        ).scalar_one()
        entry = session.execute(
            select(AuditEntry).where(
                AuditEntry.subject == case_number, AuditEntry.action == "case.verify_identity"
            )
        ).scalar_one()
    (finger,) = web.console.prints.summary(case.paired_minutiae_ref)  # FVC 101 alone
    assert row.paired_minutiae_count == finger.paired >= MIN_PAIRED_MINUTIAE_SHOWN
    assert row.paired_minutiae_ref == case.paired_minutiae_ref
    evidence = audit.details_of(entry)["evidence"]
    assert evidence["pipeline_score"] == 3.0
    assert evidence["pipeline_decision"] == "IDENT match (test)"


def test_a_match_without_a_view_cannot_be_confirmed_but_can_be_rejected(web: WebApp) -> None:
    case_number = web.case_number(NO_VIEW_NAME)
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    assert "no prints are on file" in page.text
    refused = client.post(
        f"/console/cases/{case_number}/verify",
        data={"csrf_token": csrf_of(page.text), "decision": "confirm"},
    )
    assert refused.status_code == 409 and "no paired-minutiae view" in refused.text
    assert web.case(case_number).state.value == "match_received"
    no_reason = client.post(
        f"/console/cases/{case_number}/verify",
        data={"csrf_token": csrf_of(page.text), "decision": "reject", "reason": ""},
    )
    assert no_reason.status_code == 409 and "needs a reason" in no_reason.text
    rejected = client.post(
        f"/console/cases/{case_number}/verify",
        data={"csrf_token": csrf_of(page.text), "decision": "reject",
              "reason": "No prints to compare; ask for the booking to be resubmitted"},
    )  # fmt: skip
    assert rejected.status_code == 200
    assert web.case(case_number).state.value == "match_rejected"


def test_roles_without_verification_see_the_view_but_no_decision(web: WebApp) -> None:
    case_number = web.case_at("match")
    html = web.client("lesc.specialist").get(f"/console/cases/{case_number}/verify").text
    assert 'name="decision"' not in html and "finger-scores" in html
