"""The Ray engine on a local cluster gives exactly the embedded engine's answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from securecomm.afis.search import EmbeddedSearchEngine, UnknownIdentityError
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
from securecomm.afis.types import FingerPosition

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

GEN = TenPrintGenerator(31)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[None]:
    from securecomm.afis.search.ray_engine import start_local_ray

    start_local_ray(num_cpus=2)
    yield
    ray.shutdown()


def _summary(result):
    return [
        (c.identity_id, round(c.score, 9), dict(c.finger_scores), c.rank) for c in result.candidates
    ], result.decision


def test_ray_and_embedded_agree(ray_cluster: None, tmp_path: Path) -> None:
    from securecomm.afis.search.ray_engine import RaySearchEngine

    path = tmp_path / "g"
    probes = [GEN.ten_print(i, 1) for i in (1, 17)]
    probes.append(GEN.ten_print(NONMATED_BASE + 1, 1))
    full = GEN.ten_print(4, 2)
    probes.append({p: full[p] for p in (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX)})
    with EmbeddedSearchEngine.open(path, shards=2) as eng:
        eng.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(24)])
        eng.delete("id5")
        embedded = [_summary(eng.search(p)) for p in probes]
    with RaySearchEngine.open(path) as reng:
        assert len(reng) == 23
        distributed = [_summary(reng.search(p)) for p in probes]
        assert distributed == embedded
        assert distributed[0][0][0][0] == "id1"
        # Mutations go to the owning actor and are durable.
        reng.enrol("new", GEN.ten_print(200))
        reng.delete("id9")
        with pytest.raises(UnknownIdentityError):
            reng.delete("id9")
        assert reng.search(GEN.ten_print(200, 1)).candidates[0].identity_id == "new"
    assert ray.is_initialized(), "an engine must not shut down a cluster it did not start"
    with EmbeddedSearchEngine.open(path) as eng:
        assert len(eng) == 23 and "new" in eng.gallery and "id9" not in eng.gallery
