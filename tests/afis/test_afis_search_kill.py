"""A process killed with SIGKILL while enrolling leaves every acknowledged identity, and
nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from securecomm.afis.search.gallery import EnrolmentRecord, Gallery, pack_ten_print
from securecomm.afis.template_synthesis import TenPrintGenerator

ENROLLER = """
import sys
from pathlib import Path
from securecomm.afis.search.gallery import EnrolmentRecord, Gallery, pack_ten_print
from securecomm.afis.template_synthesis import TenPrintGenerator
gen = TenPrintGenerator(5)
gallery = Gallery.open(Path(sys.argv[1]), shards=2)
i = 0
while True:
    gallery.enrol_many([EnrolmentRecord(f"k{i}", pack_ten_print(gen.ten_print(i)))])
    print(f"ACK k{i}", flush=True)
    i += 1
"""


def test_sigkill_during_enrolment_keeps_every_acknowledged_identity(tmp_path: Path) -> None:
    path = tmp_path / "g"
    proc = subprocess.Popen(
        [sys.executable, "-c", ENROLLER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    try:
        while len(acknowledged) < 15 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acknowledged.append(line.split()[1])
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert len(acknowledged) >= 15, "the enroller did not acknowledge enough identities"
    with Gallery.open(path) as g:
        # Every acknowledged identity is there and reads back with a valid checksum.
        for identity in acknowledged:
            assert identity in g
            assert len(g.fingers(identity)) == 10
        # Nothing else than acknowledged or in-flight identities, all complete.
        in_flight = {f"k{len(acknowledged)}", f"k{len(acknowledged) + 1}"}
        for shard in g.shards:
            for slot in range(shard.slots):
                ident = shard.identity_id(slot)
                assert ident in set(acknowledged) | in_flight
                assert len(shard.fingers(slot)) == 10
        # The reopened gallery accepts new enrolments after cutting any uncommitted tail.
        gen = TenPrintGenerator(5)
        g.enrol_many([EnrolmentRecord("after", pack_ten_print(gen.ten_print(1000)))])
    with Gallery.open(path) as g:
        assert "after" in g
        assert len(g) >= len(acknowledged) + 1
