"""The main job (``securecomm demo``) on the deployed path, on the home every other command
reads: afterwards ``cases list`` shows what it printed, and the console (``securecomm serve``
on the same home, in a real browser) shows the demo's cases to the demo's ICE officer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from securecomm.synthetic.system_run import free_port

SECURECOMM = Path(sys.executable).parent / "securecomm"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.slow


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, SECURECOMM_HOME=str(home), COLUMNS="200")
    env.pop("SECURECOMM_DATABASE_URL", None)
    return env


def _run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(SECURECOMM), *args], env=_env(home), capture_output=True,
                            text=True, timeout=900)  # fmt: skip
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[Path, str]:
    home = tmp_path_factory.mktemp("demo") / "home"
    result = _run(home, "demo", "--shared-data", str(shared_data), "--background", "200")
    return home, result.stdout


def test_demo_tells_the_story_on_the_deployed_path(demo_home: tuple[Path, str]) -> None:
    home, output = demo_home
    assert "not an image's extraction time" in output
    assert "securecomm serve on http://127.0.0.1:" in output
    assert "hash chain intact" in output
    cases = json.loads(_run(home, "cases", "list", "--json").stdout)
    by_subject = {int(c["tcn"][0].split("-")[2]): c for c in cases}
    assert sorted(by_subject) == [1, 2, 3, 4, 5]  # subject 0 (U.S.-born, no records): none
    assert len(by_subject[1]["tcn"]) == 2  # booked twice: the re-booking joined the case
    assert by_subject[1]["state"] == "detainer_expired" and by_subject[1]["level"] == 1
    assert by_subject[2]["state"] == "removed" and by_subject[2]["level"] == 2
    assert by_subject[3]["state"] == "no_action" and by_subject[3]["level"] is None
    assert by_subject[4]["state"] == "citizenship_review"
    assert by_subject[5]["state"] == "priority_assessed"
    for case in cases:
        assert case["case_id"] in output  # what the demo printed is what the home holds
    assert "reentry referral" in _run(home, "cases", "show", by_subject[5]["case_id"]).stdout


def test_a_second_demo_recreates_its_own_home_but_refuses_real_data(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _run(home, "db", "upgrade")  # an operator's home: set up, one real agency registered
    _run(home, "agency", "add", "VA0020000", "--name", "A real jail", "--state", "VA")
    refused = _run(home, "demo", check=False)
    assert refused.returncode == 2
    assert "holds data that is not synthetic (agency VA0020000" in refused.stderr
    assert "VA0020000" in _run(home, "agency", "list").stdout  # nothing was touched


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_the_console_shows_the_demos_cases_to_the_demos_officer(
    demo_home: tuple[Path, str], browser
) -> None:
    from securecomm.synthetic.accounts import DEMO_PASSWORD

    home, _output = demo_home
    open_cases = [c["case_id"] for c in json.loads(_run(home, "cases", "list", "--json").stdout)
                  if c["state"] in ("citizenship_review", "priority_assessed")]  # fmt: skip
    port = free_port()
    with (home / "serve-browser.log").open("wb") as log:
        server = subprocess.Popen([str(SECURECOMM), "serve", "--port", str(port)],
                                  env=_env(home), stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}/console"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline
            try:
                if httpx.get(f"{base}/sign-in", timeout=2).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        page = browser.new_page()
        page.goto(f"{base}/sign-in")
        page.get_by_label("User name").fill("ice.officer")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/queue")
        queue = page.locator("main").inner_text()
        page.close()
        assert open_cases and all(case in queue for case in open_cases), queue
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
