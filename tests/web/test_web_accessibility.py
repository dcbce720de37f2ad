"""Accessibility and narrow screens, in Debian's chromium: axe-core (bundled with the
``axe-playwright-python`` test dependency, evaluated by the test through the DevTools
protocol, so the console's CSP stays ``script-src 'none'``) finds no violation on any page a
role opens; at 390 px (a phone) no page scrolls sideways — a wide table scrolls in its own
focusable region; the demonstration banner is inside a landmark."""

from __future__ import annotations

from pathlib import Path

import pytest
from live_server import LiveServer, signed_in_page

from securecomm.synthetic import world

pytest.importorskip("axe_playwright_python")
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

#: What each role opens: its pages, and a case (``{case}``: a case at the "in_proceedings"
#: stage, whose page shows convictions, detainers, documents and a long history).
PAGES = {
    "ice.officer": ["/queue", "/cases/{case}", "/cases/{match}/verify"],
    "supervisor": ["/reviews", "/accounts", "/queue"],
    "program.manager": ["/dashboard", "/accounts"],
    "auditor": ["/audit", "/audit/refusals"],
    "booking.officer": ["/queue"],
}


def _case_numbers(live: LiveServer) -> dict[str, str]:
    return {"case": live.web.case_at("in_proceedings"), "match": live.web.case_at("match")}


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("username", sorted(PAGES))
def test_no_axe_violation_on_any_page_a_role_opens(browser, live: LiveServer, username) -> None:
    cases = _case_numbers(live)
    page = signed_in_page(browser, live, username)
    found = {}
    for path in PAGES[username]:
        page.goto(live.url + path.format(**cases))
        assert page.locator("main").count() == 1, path
        if violations := _violations(page):
            found[path] = violations
    assert found == {}


def test_sign_in_page_has_no_axe_violation(browser, live: LiveServer) -> None:
    page = browser.new_context().new_page()
    page.goto(live.url + "/sign-in")
    assert _violations(page) == []


@pytest.mark.parametrize("path", ["/queue", "/cases/{case}", "/reviews", "/dashboard"])
def test_no_sideways_scroll_at_390_px(browser, live: LiveServer, path: str) -> None:
    username = "program.manager" if path == "/dashboard" else "supervisor"
    page = signed_in_page(browser, live, username, width=390)
    page.goto(live.url + path.format(**_case_numbers(live)))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width} px wide at 390 px"
    for region in page.locator("div.scroll").all():
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")


def test_the_demonstration_banner_is_in_a_landmark(browser, live: LiveServer) -> None:
    page = signed_in_page(browser, live, "ice.officer")
    banner = page.locator("p.synthetic")
    assert "synthetic" in banner.inner_text()
    assert banner.evaluate("el => el.closest('main, header, nav, footer, aside') !== null")
    assert world.FIELD_OFFICE in page.get_by_test_id("signed-in-as").inner_text()
