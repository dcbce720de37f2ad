"""Match verification: the examiner's view of a world booking's prints against the enrolled
templates (and of real FVC prints for the test-only matches) — every finger drawn as SVG over
its full-resolution prints at the same scale, a table of the comparator's pairs — and the
officer's decision per finger and overall, with the comparator's paired-minutiae count."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select
from web_support import FINGERS, LOW_PAIRS_NAME, NO_VIEW_NAME, WebApp, csrf_of

from securecomm.afis.pairing import pair_table
from securecomm.enforcement import audit
from securecomm.enforcement.models import AuditEntry, IdentityVerification
from securecomm.enforcement.parameters import MIN_CONFIRMED_FINGERS, MIN_PAIRED_MINUTIAE_SHOWN
from securecomm.web.pages.verification import pair_highlight_css


def _verification(web: WebApp, case_number: str) -> tuple[IdentityVerification, dict[int, str]]:
    case = web.case(case_number)
    with web.console.unit() as session:
        row = session.execute(
            select(IdentityVerification).where(IdentityVerification.case_id == case.id)
        ).scalar_one()
        return row, {f.position: f.decision.value for f in row.fingers}


def _post(client, case_number: str, page_html: str, **fields: str):
    return client.post(
        f"/console/cases/{case_number}/verify", data={"csrf_token": csrf_of(page_html), **fields}
    )


def test_the_view_lists_each_finger_with_its_score_and_pairs(web: WebApp) -> None:
    case_number = web.case_at("match")
    html = web.client("ice.officer").get(f"/console/cases/{case_number}/verify").text
    table = html.split('data-testid="finger-scores"')[1].split("</table>")[0]
    assert "right index" in table and "left index" in table  # the world's two fingers
    fingers = web.console.prints.summary(web.case(case_number).paired_minutiae_ref)
    assert len(fingers) == FINGERS
    for finger in fingers:  # the comparator's pairs on the booking's prints
        assert f"<td>{finger.paired}</td>" in table
        assert f'data-testid="finger-{int(finger.position)}"' in html
        assert f'name="finger_{int(finger.position)}" value="confirmed"' in html
    assert "strong evidence of the same finger" in table
    assert 'name="decision" value="confirm"' in html


def test_each_print_is_served_at_full_resolution_and_drawn_at_the_same_scale(
    web: WebApp,
) -> None:
    case_number = web.case_number(LOW_PAIRS_NAME)  # FVC 101: probe and gallery images
    client = web.client("ice.officer")
    (pair,) = web.console.prints.load(web.case(case_number).paired_minutiae_ref)
    for side, image in (("probe", pair.probe), ("gallery", pair.gallery)):
        response = client.get(f"/console/cases/{case_number}/verify/7/{side}.png")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(response.content))
        assert image is not None and picture.size == (image.width, image.height)  # every pixel
    html = client.get(f"/console/cases/{case_number}/verify").text
    svg = html.split('data-testid="prints-7"')[1].split("</svg>")[0]
    widths = [float(w) for w in re.findall(r'<image class="print"[^>]* width="([\d.]+)"', svg)]
    # millimetres from each print's own resolution: pixels / ppi × 25.4
    assert widths == [round(pair.probe.width / pair.probe.ppi * 25.4, 3),
                      round(pair.gallery.width / pair.gallery.ppi * 25.4, 3)]  # fmt: skip
    assert client.get(f"/console/cases/{case_number}/verify/7/other.png").status_code == 422
    assert client.get(f"/console/cases/{case_number}/verify/3/probe.png").status_code == 404


def test_the_pair_table_is_the_comparators_pairs_with_their_local_similarity(
    web: WebApp,
) -> None:
    case_number = web.case_number(LOW_PAIRS_NAME)
    ref = web.case(case_number).paired_minutiae_ref
    html = web.client("ice.officer").get(f"/console/cases/{case_number}/verify").text
    (pair,), ((_, comparison),) = web.console.prints.load(ref), web.console.prints.comparisons(ref)
    expected = pair_table(pair.probe_template, pair.gallery_template, comparison)
    table = html.split('data-testid="pairs-7"')[1].split("</table>")[0]
    rows = re.findall(r'<tr tabindex="0" data-pair="(\d+)">(.*?)</tr>', table)
    assert (
        [int(n) for n, _ in rows]
        == [p.number for p in expected]
        == list(range(1, len(comparison.pairs) + 1))
    )
    for (_, cells), p in zip(rows, expected, strict=True):
        assert f"<td>{p.local_similarity:.2f}</td>" in cells and p.a.kind in cells
        assert f"{p.a.x_mm:.1f}, {p.a.y_mm:.1f}" in cells
    svg = html.split('data-testid="prints-7"')[1].split("</svg>")[0]
    # each pair: joined by a line and numbered on both prints (not told apart by colour only)
    assert svg.count('class="pair-line"') == len(expected)
    assert len(re.findall(r'<text class="num"[^>]*>1</text>', svg)) == 2


def test_the_pair_highlight_stylesheet_has_a_rule_per_pair(web: WebApp) -> None:
    css = pair_highlight_css(3)
    assert css.count("{opacity:1") == 3 and 'tr[data-pair="3"]' in css and '"4"' not in css
    client = web.client()
    response = client.get("/console/verify/pairs-3.css")
    assert response.status_code == 200 and response.text == css
    assert response.headers["content-type"].startswith("text/css")
    assert client.get("/console/verify/pairs-256.css").status_code == 422


def test_confirming_records_each_fingers_decision_and_the_comparators_count(
    web: WebApp,
) -> None:
    case_number = web.case_at("match")
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    response = _post(
        client, case_number, page.text, decision="confirm", reason="both fingers agree",
        finger_2="confirmed", finger_7="confirmed",
        paired_minutiae_count="99",  # a typed count is ignored
    )  # fmt: skip
    assert response.status_code == 200
    case = web.case(case_number)
    assert case.state.value == "identity_verified" and case.identity_verified_by == "ice.officer"
    row, fingers = _verification(web, case_number)
    assert fingers == {2: "confirmed", 7: "confirmed"}
    summary = web.console.prints.summary(case.paired_minutiae_ref)
    assert row.confirmed and row.paired_minutiae_count == max(f.paired for f in summary) != 99
    assert row.paired_minutiae_ref == case.paired_minutiae_ref


def test_every_finger_must_be_decided_before_verifying(web: WebApp) -> None:
    case_number = web.case_at("match")
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    no_choice = _post(client, case_number, page.text)
    assert no_choice.status_code == 422 and "choose confirm or reject" in no_choice.text
    undecided = _post(client, case_number, page.text, decision="confirm", finger_2="confirmed")
    assert undecided.status_code == 422
    assert "decide every finger before verifying: left index" in undecided.text
    assert web.case(case_number).state.value == "match_received"


def test_a_too_weak_decision_is_refused_with_its_reason_and_the_choices_kept(
    web: WebApp,
) -> None:
    case_number = web.case_at("match")
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    weak = _post(client, case_number, page.text, decision="confirm",
                 finger_2="confirmed", finger_7="inconclusive")  # fmt: skip
    assert weak.status_code == 409
    assert f"needs at least {MIN_CONFIRMED_FINGERS} fingers confirmed" in weak.text
    assert 'name="finger_7" value="inconclusive" class="fd-inconclusive" checked' in weak.text
    against = _post(client, case_number, page.text, decision="confirm",
                    finger_2="confirmed", finger_7="not_confirmed")  # fmt: skip
    assert against.status_code == 409 and "not confirmed (left index)" in against.text
    assert web.case(case_number).state.value == "match_received"
    with web.console.unit() as session:
        refused = session.execute(
            select(AuditEntry).where(AuditEntry.action == "refused.fingers_confirmed")
        ).scalars()
        assert [e.subject for e in refused] == [case_number, case_number]


def test_a_one_finger_view_cannot_be_verified_but_its_rejection_keeps_the_finger(
    web: WebApp,
) -> None:
    """FVC finger 101 alone (5 pairs, score 36): the comparator's few pairs are no obstacle —
    the pairs shown are enough for a view — but one finger is fewer than the minimum."""
    case_number = web.case_number(LOW_PAIRS_NAME)
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    assert "IDENT match (test) (score 3.0)" in page.text  # the search's own result is shown
    (finger,) = web.console.prints.summary(web.case(case_number).paired_minutiae_ref)
    assert finger.paired >= MIN_PAIRED_MINUTIAE_SHOWN
    refused = _post(client, case_number, page.text, decision="confirm", finger_7="confirmed")
    assert refused.status_code == 409
    assert "1 confirmed (left index) of 1 shown" in refused.text
    rejected = _post(client, case_number, page.text, decision="reject", finger_7="confirmed",
                     reason="one finger only: ask for the full ten-print")  # fmt: skip
    assert rejected.status_code == 200
    assert web.case(case_number).state.value == "match_rejected"
    row, fingers = _verification(web, case_number)
    assert not row.confirmed and fingers == {7: "confirmed"}
    with web.console.unit() as session:
        entry = session.execute(
            select(AuditEntry).where(
                AuditEntry.subject == case_number, AuditEntry.action == "case.reject_match"
            )
        ).scalar_one()
    assert audit.details_of(entry)["evidence"]["finger_decisions"] == {"7": "confirmed"}


def test_a_match_without_a_view_cannot_be_confirmed_but_can_be_rejected(web: WebApp) -> None:
    case_number = web.case_number(NO_VIEW_NAME)
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}/verify")
    assert "no prints are on file" in page.text
    refused = _post(client, case_number, page.text, decision="confirm")
    assert refused.status_code == 409 and "no paired-minutiae view" in refused.text
    assert web.case(case_number).state.value == "match_received"
    no_reason = _post(client, case_number, page.text, decision="reject", reason="")
    assert no_reason.status_code == 409 and "needs a reason" in no_reason.text
    reason = "No prints to compare; ask for the booking to be resubmitted"
    rejected = _post(client, case_number, page.text, decision="reject", reason=reason)
    assert rejected.status_code == 200
    assert web.case(case_number).state.value == "match_rejected"


def test_roles_without_verification_see_the_view_but_no_decision(web: WebApp) -> None:
    case_number = web.case_at("match")
    html = web.client("lesc.specialist").get(f"/console/cases/{case_number}/verify").text
    assert 'name="decision"' not in html and 'name="finger_' not in html
    assert "finger-scores" in html and 'data-testid="pairs-2"' in html
