"""The embedded engine: every shard memory-mapped in this process, searched one after another
(each scan already uses every core through numba's parallel loop)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from securecomm.afis.search.engine import (
    Comparator,
    SearchResult,
    TenPrint,
    prepare_probe,
    rank_and_decide,
)
from securecomm.afis.search.gallery import EnrolmentRecord, Gallery, pack_ten_print
from securecomm.afis.search.parameters import CANDIDATE_LIST_LENGTH, PREFILTER_SHORTLIST
from securecomm.afis.search.shard_search import PreparedCache, search_shard
from securecomm.afis.search.thresholds import ThresholdPolicy


def default_comparator() -> Comparator | ModuleType:
    """The project's 1:1 comparator (MCC), imported when first needed."""
    from securecomm.afis import matching

    return matching


class EmbeddedSearchEngine:
    """:class:`~securecomm.afis.search.engine.SearchEngine` over a local gallery directory."""

    def __init__(
        self,
        gallery: Gallery,
        *,
        comparator: Comparator | ModuleType | None = None,
        policy: ThresholdPolicy | None = None,
        shortlist: int = PREFILTER_SHORTLIST,
        candidates: int = CANDIDATE_LIST_LENGTH,
    ) -> None:
        self.gallery = gallery
        self.comparator = comparator if comparator is not None else default_comparator()
        self.policy = policy or ThresholdPolicy()
        self.shortlist = shortlist
        self.candidates = candidates
        #: One cache of prepared enrolled fingers per shard (shard_search.PreparedCache).
        self.prepared = [PreparedCache() for _ in gallery.shards]

    @classmethod
    def open(
        cls, path: Path, *, shards: int | None = None, **kwargs: object
    ) -> EmbeddedSearchEngine:
        extra = {"shards": shards} if shards is not None else {}
        return cls(Gallery.open(path, **extra), **kwargs)  # type: ignore[arg-type]  # extra holds Gallery.open's keywords

    def __len__(self) -> int:
        return len(self.gallery)

    def enrol(self, identity_id: str, fingers: TenPrint) -> None:
        self.gallery.enrol_many([EnrolmentRecord(identity_id, pack_ten_print(fingers))])

    def enrol_many(self, items: Sequence[tuple[str, TenPrint]]) -> None:
        self.gallery.enrol_many([EnrolmentRecord(i, pack_ten_print(f)) for i, f in items])

    def replace(self, identity_id: str, fingers: TenPrint) -> None:
        if identity_id not in self.gallery:
            from securecomm.afis.search.errors import UnknownIdentityError

            raise UnknownIdentityError(f"identity {identity_id!r} is not enrolled")
        self.gallery.enrol_many(
            [EnrolmentRecord(identity_id, pack_ten_print(fingers))], replace=True
        )

    def delete(self, identity_id: str) -> None:
        self.gallery.delete(identity_id)

    def search(self, probe: TenPrint) -> SearchResult:
        t0 = time.perf_counter()
        prepared = prepare_probe(probe, self.comparator)
        t1 = time.perf_counter()
        found = []
        for shard, cache in zip(self.gallery.shards, self.prepared, strict=True):
            found.extend(search_shard(shard, prepared, self.comparator, self.shortlist, cache))
        t2 = time.perf_counter()
        size = len(self.gallery)
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
        self.gallery.close()

    def __enter__(self) -> EmbeddedSearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
