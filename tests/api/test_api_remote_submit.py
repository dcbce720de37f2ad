"""``securecomm submit --url`` against a real ``securecomm serve`` and ``securecomm worker``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from securecomm import ansinist
from securecomm.afis.image import load_image
from securecomm.clock import SystemClock
from securecomm.interop.testing import fresh_database
from securecomm.records import AgencyKind, AgencyRepository, issue_api_key
from securecomm.store.database import make_session_factory, unit_of_work
from securecomm.synthetic.system_run import free_port

SECURECOMM = Path(sys.executable).parent / "securecomm"


@pytest.mark.slow
def test_remote_submit_gets_sre_and_errt(
    tmp_path: Path, shared_data: Path, car_template: bytes
) -> None:
    database_url = f"sqlite:///{tmp_path / 'securecomm.db'}"
    engine = fresh_database(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        AgencyRepository(session).add(
            ori="VA0010000", name="JAIL", state="VA", kind=AgencyKind.JAIL,
            created_at=SystemClock().now(), synthetic=True,
        )  # fmt: skip
        key = issue_api_key(session, "VA0010000", now=SystemClock().now())
    engine.dispose()
    car = ansinist.build_car(
        ansinist.Addressing(ori="VA0010000", dai="WVIAFIS0Z", tcn="VA0010000-REMOTE-1",
                            when=datetime(2011, 3, 1, tzinfo=UTC)),
        ansinist.Subject(name="ZORVAN, KEL", sex="M", race="U", date_of_birth=date(1980, 1, 2),
                         place_of_birth="VA"),
        ansinist.Arrest(arrest_date=date(2011, 3, 1), controlling_agency="VA0010000",
                        offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),)),
        {2: load_image(shared_data / "fvc" / "fvc2002" / "DB1_B" / "101_1.png")},
    )  # fmt: skip
    good = tmp_path / "good.ebts"
    good.write_bytes(ansinist.write(car))
    truncated = tmp_path / "truncated.ebts"
    truncated.write_bytes(car_template[:-50])
    env = dict(
        os.environ,
        SECURECOMM_HOME=str(tmp_path / "home"),
        SECURECOMM_DATABASE_URL=database_url,
        SECURECOMM_API_KEY=key,
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "services.log").open("wb")
    server = subprocess.Popen(
        [str(SECURECOMM), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    worker = subprocess.Popen([str(SECURECOMM), "worker"], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 600
        ready = False
        while not ready and time.monotonic() < deadline and server.poll() is None:
            try:
                ready = httpx.get(f"{url}/openapi.json", timeout=5).status_code == 200
            except httpx.HTTPError:
                time.sleep(0.5)
        log.flush()
        assert ready, (tmp_path / "services.log").read_text(errors="replace")[-3000:]
        run = [str(SECURECOMM), "submit", "--url", url, "--wait"]
        result = subprocess.run([*run, str(good)], env=env, capture_output=True, text=True,
                                timeout=300, check=False)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[:2] == ["SRE", "SRF: N (no identification)"]
        result = subprocess.run([*run, str(truncated)], env=env, capture_output=True, text=True,
                                timeout=300, check=False)  # fmt: skip
        assert result.returncode == 3
        assert result.stdout.splitlines()[0] == "ERRT"
        assert "LEN says the record has 10563 bytes" in result.stdout
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=60)
        log.close()
