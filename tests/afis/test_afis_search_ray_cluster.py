"""The Ray engine on a cluster started by hand, as the README's deployment section says: a head
node (``ray start --head``) and a second node (``ray start --address HEAD``), each offering a
fixed amount of memory. The deployed factory (``SECURECOMM_SEARCH_ENGINE=ray``,
``SECURECOMM_RAY_ADDRESS``) joins it from another process, places the shards by the memory
they reserve (two per node here: three do not fit on one), answers exactly as the embedded
engine does, and a gallery no node has room for is refused with a clear error instead of
waiting forever.

The cluster's processes are started in their own session and killed as a group at the end:
``ray stop`` would also stop any other Ray instance on the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from securecomm.afis.search import EmbeddedSearchEngine
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator

pytest.importorskip("ray")
pytestmark = [pytest.mark.ray, pytest.mark.slow]

GEN = TenPrintGenerator(47)
SHARDS = 4
PROBES = [(1, 1), (9, 2), (NONMATED_BASE + 3, 1)]
RAY = Path(sys.executable).with_name("ray")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cluster_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(RAY_AUTH_MODE="disabled", RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="1")
    env.pop("RAY_ADDRESS", None)
    return env


def _summaries(engine, probes) -> list:
    out = []
    for identity, impression in probes:
        result = engine.search(GEN.ten_print(identity, impression))
        out.append(
            [[c.identity_id, round(c.score, 9), c.rank] for c in result.candidates]
            + [str(result.decision)]
        )
    return out


@pytest.fixture(scope="module")
def home() -> Iterator[Path]:
    """A home whose immigration gallery has four shards (written with the embedded engine)."""
    root = Path(tempfile.mkdtemp(prefix="raych"))
    with EmbeddedSearchEngine.open(root / "galleries" / "immigration", shards=SHARDS) as eng:
        eng.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(40)])
    with EmbeddedSearchEngine.open(root / "galleries" / "criminal", shards=1) as eng:
        eng.enrol_many([(f"c{i}", GEN.ten_print(100 + i)) for i in range(4)])
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(home: Path) -> Iterator[str]:
    """Two nodes started by hand, each with room for two (not three) immigration shards."""
    from securecomm.afis.search.ray_engine import shard_memory_bytes

    per_shard = max(
        shard_memory_bytes(home / "galleries" / "immigration" / f"shard-{s:03d}")
        for s in range(SHARDS)
    )
    memory = str(int(per_shard * 2.5))
    port = _free_port()
    address = f"127.0.0.1:{port}"
    temp = tempfile.mkdtemp(prefix="rc", dir="/tmp")  # Unix socket paths must stay short
    common = ["--block", "--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--memory", memory,
              "--object-store-memory", str(100 * 2**20), "--disable-usage-stats"]  # fmt: skip
    head = [str(RAY), "start", "--head", "--port", str(port), "--temp-dir", temp,
            "--include-dashboard", "false", *common]  # fmt: skip
    nodes = [_start(head)]
    try:
        _wait_for_nodes(address, 1)
        second = [str(RAY), "start", "--address", address, *common]
        nodes.append(_start(second))
        _wait_for_nodes(address, 2)
        yield address
    finally:
        for node in nodes:
            with_group_killed(node)
        shutil.rmtree(temp, ignore_errors=True)


def _start(command: list[str]) -> subprocess.Popen:
    """A node in its own session (so its raylet, GCS and workers can be killed as a group)."""
    return subprocess.Popen(command, env=_cluster_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def with_group_killed(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _wait_for_nodes(address: str, count: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = subprocess.run([str(RAY), "status", "--address", address], env=_cluster_env(),
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        active = status.stdout.split("Active:")[-1].split("Pending:")[0]
        if status.returncode == 0 and active.count("node_") >= count:
            return
        time.sleep(1.0)
    raise AssertionError(f"the hand-started cluster did not reach {count} nodes: {status.stdout}")


DRIVER = textwrap.dedent(
    """
    import json, sys
    from securecomm.afis.search import ShardPlacementError, open_search_engine
    from securecomm.afis.template_synthesis import TenPrintGenerator
    from securecomm.config import Settings

    GEN = TenPrintGenerator(47)
    probes = json.loads(sys.argv[1])
    settings = Settings.from_env()
    out = {"engine": settings.search_engine}
    with open_search_engine(settings, "immigration") as engine:
        out["placement"] = engine.placement()
        out["answers"] = []
        for identity, impression in probes:
            result = engine.search(GEN.ten_print(identity, impression))
            out["answers"].append(
                [[c.identity_id, round(c.score, 9), c.rank] for c in result.candidates]
                + [str(result.decision)]
            )
        engine.enrol("new", GEN.ten_print(300))
        out["new_rank1"] = engine.search(GEN.ten_print(300, 1)).candidates[0].identity_id
        # Both nodes now hold two shards each: one more shard fits nowhere.
        try:
            open_search_engine(settings, "criminal", placement_timeout_s=10.0)
            out["refused"] = None
        except ShardPlacementError as exc:
            out["refused"] = str(exc)
    print(json.dumps(out))
    """
)


def test_hand_started_cluster_places_shards_by_memory(home: Path, cluster: str) -> None:
    with EmbeddedSearchEngine.open(home / "galleries" / "immigration") as eng:
        embedded = _summaries(eng, PROBES)
    env = _cluster_env()
    env.update(SECURECOMM_HOME=str(home), SECURECOMM_SEARCH_ENGINE="ray",
               SECURECOMM_RAY_ADDRESS=cluster)  # fmt: skip
    run = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(PROBES)], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["engine"] == "ray"
    placement = out["placement"]
    assert sorted(placement) == [f"shard-{s:03d}" for s in range(SHARDS)]
    per_node = sorted(list(placement.values()).count(n) for n in set(placement.values()))
    assert per_node == [2, 2], f"shards not spread by memory: {placement}"
    assert out["answers"] == embedded
    assert out["answers"][0][0][0] == "id1" and out["answers"][1][0][0] == "id9"
    assert out["new_rank1"] == "new"
    assert out["refused"] is not None, "a shard no node has room for must be refused"
    assert "not placed" in out["refused"] and "ray start --memory" in out["refused"]
    with EmbeddedSearchEngine.open(home / "galleries" / "immigration") as eng:
        assert "new" in eng.gallery and len(eng) == 41, "the enrolment is durable on disk"
