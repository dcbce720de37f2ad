"""The Ray engine: one actor per gallery shard, scatter-gather search, the same answers as
the embedded engine.

Each :class:`ShardActor` opens one shard directory (memory-mapped, as in the embedded engine)
and runs :func:`~securecomm.afis.search.shard_search.search_shard` — the very function the
embedded engine runs — so candidate lists are identical. The driver prepares the probe once,
sends it to every actor, gathers their shortlists and fuses/ranks/decides with the same
:func:`~securecomm.afis.search.engine.rank_and_decide`.

Actors reserve ``num_cpus=0`` (their numba scans use the cores anyway) so they never starve
later Ray tasks on a small machine. Each reserves Ray's ``memory`` resource instead — its
shard's files (memory-mapped and read on every search, so resident) with room to grow, plus
the actor process itself (:func:`shard_memory_bytes`) — so Ray places shards by memory: a node
started with ``ray start --memory M`` receives only the shards that fit in ``M``, and a shard
that fits on no node is reported (:class:`ShardPlacementError`) instead of waiting forever.

``address=None`` starts a private local cluster (loopback only, capped object store, short
temp dir; see ``ENVIRONMENT.md``); ``address="ray://…"`` or ``"host:port"`` joins an existing
cluster, whose nodes must see the gallery directory at the same path (a shared filesystem),
since actors open the files where they run.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ray

from securecomm.afis.search.engine import (
    SearchResult,
    ShardCandidate,
    TenPrint,
    prepare_probe,
    rank_and_decide,
)
from securecomm.afis.search.errors import ShardPlacementError, UnknownIdentityError
from securecomm.afis.search.gallery import (
    EnrolmentRecord,
    Gallery,
    GalleryShard,
    pack_ten_print,
    shard_of,
)
from securecomm.afis.search.lead_blocks import BLOCK_BYTES_PER_LEAD_BYTE
from securecomm.afis.search.parameters import CANDIDATE_LIST_LENGTH, PREFILTER_SHORTLIST
from securecomm.afis.search.shard_search import PreparedCache, search_shard
from securecomm.afis.search.thresholds import ThresholdPolicy

#: Object store cap for a local cluster started here (the default would reserve 30 % of RAM).
LOCAL_OBJECT_STORE_BYTES = 512 * 2**20
#: Memory of a shard actor's process beyond its shard (Python, numpy, numba and the compiled
#: kernels: about 200 MB resident, measured with ``ps`` on an idle actor).
ACTOR_BASE_MEMORY_BYTES = 256 * 2**20
#: Room for a shard to grow between two openings (enrolments append to its files).
SHARD_GROWTH_FACTOR = 1.25
#: How long :meth:`RaySearchEngine.open` waits for every shard actor to be placed and open.
PLACEMENT_TIMEOUT_S = 120.0


def shard_memory_bytes(shard_dir: Path) -> int:
    """The memory a shard's actor reserves: its files and the in-memory copy its lead scan
    builds (lead_blocks, about 1 kB a slot) with room to grow, plus the process."""
    files = sum(f.stat().st_size for f in Path(shard_dir).rglob("*") if f.is_file())
    lead = Path(shard_dir) / "lead.bin"
    blocks = lead.stat().st_size * BLOCK_BYTES_PER_LEAD_BYTE if lead.exists() else 0.0
    return ACTOR_BASE_MEMORY_BYTES + int((files + blocks) * SHARD_GROWTH_FACTOR)


def start_local_ray(num_cpus: int | None = None) -> None:
    """Start a private single-node Ray cluster on loopback, unless one is connected."""
    if ray.is_initialized():
        return
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    temp_dir = tempfile.mkdtemp(prefix="scray", dir="/tmp")
    ray.init(
        num_cpus=num_cpus or os.cpu_count() or 1,
        include_dashboard=False,
        object_store_memory=LOCAL_OBJECT_STORE_BYTES,
        _temp_dir=temp_dir,
        log_to_driver=False,
    )


@ray.remote(num_cpus=0)
class ShardActor:
    """Owns one gallery shard: searches it and applies mutations to it."""

    def __init__(self, shard_path: str, comparator_module: str) -> None:
        import importlib

        self.shard = GalleryShard(Path(shard_path), writable=True)
        self.comparator = importlib.import_module(comparator_module)
        self.prepared = PreparedCache()

    def search(self, probe: Any, shortlist: int) -> tuple[list[ShardCandidate], int]:
        found = search_shard(self.shard, probe, self.comparator, shortlist, self.prepared)
        return found, self.shard.identities

    def apply(self, records: list[EnrolmentRecord], delete: list[str], replace: bool) -> int:
        self.shard.apply(records, delete, replace=replace)
        return self.shard.identities

    def contains(self, identity_id: str) -> bool:
        return identity_id in self.shard.identity_index()

    def identities(self) -> int:
        return self.shard.identities

    def node(self) -> str:
        """The id of the Ray node this shard was placed on."""
        return ray.get_runtime_context().get_node_id()

    def close(self) -> None:
        self.shard.close()


class RaySearchEngine:
    """:class:`~securecomm.afis.search.engine.SearchEngine` with one Ray actor per shard."""

    def __init__(
        self,
        path: Path,
        actors: list[Any],
        *,
        comparator_module: str,
        policy: ThresholdPolicy | None,
        shortlist: int,
        candidates: int,
        owns_cluster: bool,
    ) -> None:
        import importlib

        self.path = path
        self.actors = actors
        self.comparator = importlib.import_module(comparator_module)
        self.policy = policy or ThresholdPolicy()
        self.shortlist = shortlist
        self.candidates = candidates
        self._owns_cluster = owns_cluster

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        address: str | None = None,
        shards: int | None = None,
        comparator_module: str = "securecomm.afis.matching",
        policy: ThresholdPolicy | None = None,
        shortlist: int = PREFILTER_SHORTLIST,
        candidates: int = CANDIDATE_LIST_LENGTH,
        placement_timeout_s: float = PLACEMENT_TIMEOUT_S,
    ) -> RaySearchEngine:
        path = Path(path).resolve()
        if not (path / "MANIFEST.json").exists():
            Gallery.create(path, **({"shards": shards} if shards else {}))
        count = Gallery.read_manifest(path)
        owns = False
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                start_local_ray()
                owns = True
        shard_dirs = [path / f"shard-{s:03d}" for s in range(count)]
        reserved = [shard_memory_bytes(d) for d in shard_dirs]
        actors = [
            ShardActor.options(memory=m).remote(str(d), comparator_module)  # type: ignore[attr-defined]  # ray.remote made it an ActorClass
            for d, m in zip(shard_dirs, reserved, strict=True)
        ]
        # Surface open errors (corrupt files, lock held) and shards no node has room for here,
        # as the embedded engine surfaces its open errors.
        opened = [a.identities.remote() for a in actors]
        try:
            ready, _ = ray.wait(opened, num_returns=len(opened), timeout=placement_timeout_s)
            if len(ready) < len(opened):
                waiting = [i for i, ref in enumerate(opened) if ref not in ready]
                raise ShardPlacementError(
                    f"{len(waiting)} of {count} shards not placed after {placement_timeout_s:.0f} s"
                    f" (shard-{waiting[0]:03d} reserves {reserved[waiting[0]] / 2**20:.0f} MiB):"
                    " no node of the cluster has that much memory free; start nodes with more"
                    " (`ray start --memory BYTES`) or split the gallery into more shards"
                )
            ray.get(opened)
        except (ray.exceptions.RayActorError, ShardPlacementError) as exc:
            for a in actors:
                ray.kill(a)
            if isinstance(exc, ShardPlacementError):
                raise
            cause = getattr(exc, "cause", None) or exc
            raise cause from exc
        return cls(
            path,
            actors,
            comparator_module=comparator_module,
            policy=policy,
            shortlist=shortlist,
            candidates=candidates,
            owns_cluster=owns,
        )

    def placement(self) -> dict[str, str]:
        """Which Ray node holds each shard (``shard-000`` → node id)."""
        nodes = ray.get([a.node.remote() for a in self.actors])
        return {f"shard-{s:03d}": node for s, node in enumerate(nodes)}

    def _actor_for(self, identity_id: str) -> Any:
        return self.actors[shard_of(identity_id, len(self.actors))]

    def __len__(self) -> int:
        return int(sum(ray.get([a.identities.remote() for a in self.actors])))

    def _apply(self, items: Sequence[tuple[str, TenPrint]], replace: bool) -> None:
        by_actor: dict[int, list[EnrolmentRecord]] = {}
        for identity, fingers in items:
            s = shard_of(identity, len(self.actors))
            by_actor.setdefault(s, []).append(EnrolmentRecord(identity, pack_ten_print(fingers)))
        _get(
            [self.actors[s].apply.remote(recs, [], replace) for s, recs in sorted(by_actor.items())]
        )

    def enrol(self, identity_id: str, fingers: TenPrint) -> None:
        self._apply([(identity_id, fingers)], replace=False)

    def enrol_many(self, items: Sequence[tuple[str, TenPrint]]) -> None:
        self._apply(items, replace=False)

    def replace(self, identity_id: str, fingers: TenPrint) -> None:
        if not ray.get(self._actor_for(identity_id).contains.remote(identity_id)):
            raise UnknownIdentityError(f"identity {identity_id!r} is not enrolled")
        self._apply([(identity_id, fingers)], replace=True)

    def delete(self, identity_id: str) -> None:
        _get([self._actor_for(identity_id).apply.remote([], [identity_id], False)])

    def search(self, probe: TenPrint) -> SearchResult:
        t0 = time.perf_counter()
        prepared = prepare_probe(probe, self.comparator)
        ref = ray.put(prepared)
        t1 = time.perf_counter()
        parts = _get([a.search.remote(ref, self.shortlist) for a in self.actors])
        t2 = time.perf_counter()
        found = [c for cands, _ in parts for c in cands]
        size = int(sum(n for _, n in parts))
        return rank_and_decide(
            found,
            policy=self.policy,
            gallery_size=size,
            probe=prepared,
            prefilter_comparisons=size * len(prepared.prepared),
            length=self.candidates,
            timings={"prepare_s": t1 - t0, "shards_s": t2 - t1},
        )

    def close(self) -> None:
        if self.actors:
            try:
                ray.get([a.close.remote() for a in self.actors])
            finally:
                for a in self.actors:
                    ray.kill(a)
                self.actors = []
        if self._owns_cluster and ray.is_initialized():
            ray.shutdown()

    def __enter__(self) -> RaySearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _get(refs: list[Any]) -> Any:
    """``ray.get`` that re-raises our own errors (e.g. UnknownIdentityError) unwrapped."""
    try:
        return ray.get(refs)
    except ray.exceptions.RayTaskError as exc:
        cause = exc.cause if getattr(exc, "cause", None) is not None else None
        if cause is not None:
            raise cause from None
        raise
