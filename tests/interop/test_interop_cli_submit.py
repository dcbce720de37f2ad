"""``securecomm submit FILE --wait`` on the embedded default with nothing started."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from securecomm import ansinist
from securecomm.afis.image import load_image

SECURECOMM = Path(sys.executable).parent / "securecomm"


def _submit(path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env["SECURECOMM_HOME"] = str(home)
    return subprocess.run(
        [str(SECURECOMM), "submit", str(path), "--wait"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_submit_wait_prints_sre_or_errt_with_exit_codes(
    tmp_path: Path, shared_data: Path, car_template: bytes
) -> None:
    fvc = shared_data / "fvc" / "fvc2002" / "DB1_B"
    car = ansinist.build_car(
        ansinist.Addressing(ori="VA0010000", dai="WVIAFIS0Z", tcn="VA0010000-CLI-0001",
                            when=datetime(2011, 3, 1, tzinfo=UTC)),
        ansinist.Subject(name="ZORVAN, KEL", sex="M", race="U", date_of_birth=date(1980, 1, 2),
                         place_of_birth="VA"),
        ansinist.Arrest(arrest_date=date(2011, 3, 1), controlling_agency="VA0010000",
                        offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),)),
        {2: load_image(fvc / "101_1.png")},
    )  # fmt: skip
    good = tmp_path / "good.ebts"
    good.write_bytes(ansinist.write(car))
    truncated = tmp_path / "truncated.ebts"
    truncated.write_bytes(car_template[:-50])
    home = tmp_path / "home"

    result = _submit(good, home)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "SRE" and "SRF: N (no identification)" in lines
    assert any(line.startswith("ARREST 1: 2011-03-01 ORI/VA0010000") for line in lines)

    result = _submit(truncated, home)
    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        "ERRT",
        "record 2 (Type-4), field 4.001, byte offset 368: LEN says the record has 10563 bytes, "
        "but only 10513 remain in the file",
    ]
