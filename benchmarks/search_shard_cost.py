"""Per-shard cost of a search, measured, and what it projects for 10M and 100M identities.

    python benchmarks/search_shard_cost.py --identities 100000 \
        --json benchmarks/results/search_shard_cost.json

On the cached synthetic gallery of ``search_scale.py`` (shards of N/2), for 1-, 2- and
10-finger probes: the pre-filter of one shard as searched (sparse, standardised, normalised),
the same sparse scans without standardisation (what standardising costs) and, as the baseline
in the same run, the dense scan of code layout 5 before finger sets (every finger row); one
thread (process CPU time) and all threads (wall), median of ≥ 5 runs; the
re-ranking CPU per shortlisted identity; bytes per identity. The projection assumes what the
measurements show: the sparse scans are linear in identities per shard; the
standardisation (a fixed sample) and the re-ranking (its shortlist) are fixed costs per shard;
shards are searched in parallel on their own cores; and the driver's scatter-gather adds the
measured Ray round trip (docs/afis-search.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numba

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_scale as scale
from securecomm.afis import matching
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.gallery import Gallery
from securecomm.afis.search.kernels import code_scores, lead_scores, shortlist, top_slots
from securecomm.afis.search.parameters import (
    CODE_LEAD_WORDS,
    CODE_SEGMENTS,
    CODE_WORDS,
    PREFILTER_SHORTLIST,
)
from securecomm.afis.search.shard_search import (
    SEGMENT_WEIGHTS,
    TAIL_SPLIT,
    lead_survivors,
    prefilter,
    search_shard,
)
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
from securecomm.afis.types import FingerPosition
from securecomm.machine import machine

RESULTS = Path(__file__).resolve().parent / "results"
SUBSETS = {1: (2,), 2: (2, 7), 10: tuple(range(1, 11))}
#: Ray scatter-gather round trip measured on this machine (ENVIRONMENT.md: no-op 0.9 ms).
RAY_ROUND_TRIP_S = 0.0009


def dense_prefilter(shard, probe) -> None:
    """The two-stage pre-filter of the commit before finger sets: every finger row of every
    slot, no standardisation, no normalisation."""
    n = shard.slots
    lead = shard.lead.reshape(n, -1)
    first = lead_scores(lead, shard.live, probe.lead, probe.lead_pops, SEGMENT_WEIGHTS, 0.0)
    slots = top_slots(first, lead_survivors(n))
    scores = code_scores(
        lead, shard.tail.reshape(n, -1), shard.pops, shard.live, slots, probe.lead, probe.tail,
        probe.pops, CODE_LEAD_WORDS, TAIL_SPLIT, SEGMENT_WEIGHTS, 0.0,
    )  # fmt: skip
    shortlist(scores, PREFILTER_SHORTLIST)


def median_time(fn, clock) -> float:
    fn()
    times = []
    end = time.perf_counter() + 1.5
    while len(times) < 5 or (time.perf_counter() < end and len(times) < 50):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--identities", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache/securecomm/search")
    ap.add_argument("--json", type=Path, default=RESULTS / "search_shard_cost.json")
    args = ap.parse_args(argv)
    path = scale.gallery_path(args.cache, args.seed, args.identities, args.shards)
    scale.build_gallery(path, args.identities, args.seed, args.shards)
    gen = TenPrintGenerator(args.seed)
    threads = numba.get_num_threads()
    out: dict = {"identities": args.identities, "machine": machine(), "probes": {}}
    with Gallery.open(path, writable=False, create=False) as g:
        shard = g.shards[0]
        out["shard_identities"] = shard.identities
        full = gen.ten_print(NONMATED_BASE + 1, 1)
        for size, positions in SUBSETS.items():
            probe = prepare_probe(
                {FingerPosition(p): full[FingerPosition(p)] for p in positions}, matching
            )
            row = {}
            for label, n_threads, clock in (
                ("one_thread", 1, time.process_time),
                ("all_threads", threads, time.perf_counter),
            ):
                numba.set_num_threads(n_threads)
                scans = {
                    "as_searched": lambda p=probe: prefilter(shard, p, PREFILTER_SHORTLIST),
                    "sparse_unstandardised": lambda p=probe: prefilter(
                        shard, p, PREFILTER_SHORTLIST, False
                    ),
                    "dense_before": lambda p=probe: dense_prefilter(shard, p),
                }
                for kind, scan in scans.items():
                    s = median_time(scan, clock)
                    row[f"prefilter_s_{kind}_{label}"] = s
                    row[f"prefilter_ns_per_identity_{kind}_{label}"] = 1e9 * s / shard.identities
            numba.set_num_threads(threads)
            t = time.process_time()
            search_shard(shard, probe, matching, PREFILTER_SHORTLIST)
            cpu = time.process_time() - t
            row["shard_search_cpu_s"] = cpu
            row["rerank_cpu_s"] = max(0.0, cpu - row["prefilter_s_as_searched_one_thread"])
            out["probes"][str(size)] = row
            print(size, json.dumps(row, indent=None), flush=True)
    prefilter_bytes = 10 * CODE_WORDS * 8 + 10 * CODE_SEGMENTS * 2 + 1
    lead_bytes = 10 * CODE_SEGMENTS * CODE_LEAD_WORDS * 8
    disk = sum(f.stat().st_size for f in path.rglob("*.bin")) / args.identities
    out["bytes_per_identity"] = {"prefilter": prefilter_bytes, "lead": lead_bytes, "disk": disk}
    # Projection: shards of S identities, one per core; node of C cores and M GB.
    proj = []
    for total in (10_000_000, 100_000_000):
        for shard_size, cores, mem_gb in ((1_000_000, 2, 24), (1_000_000, 16, 128)):
            shards = total // shard_size
            nodes = -(-shards // cores)
            ram_per_node = cores * shard_size * disk / 1e9  # every file resident (page cache)
            for size, row in out["probes"].items():
                # Linear part: the sparse scans; fixed part per shard: the standardisation (a
                # fixed 2,048-slot sample) and the re-ranking of the shortlist.
                per_id = row["prefilter_ns_per_identity_sparse_unstandardised_one_thread"] * 1e-9
                fixed = max(
                    0.0,
                    row["prefilter_s_as_searched_one_thread"]
                    - row["prefilter_s_sparse_unstandardised_one_thread"],
                )
                shard_s = per_id * shard_size + fixed + row["rerank_cpu_s"]
                proj.append({
                    "identities": total, "shard_identities": shard_size,
                    "node_cores": cores, "node_gb": mem_gb, "nodes": nodes,
                    "resident_gb_per_node": ram_per_node,
                    "fits": ram_per_node <= 0.8 * mem_gb,
                    "probe_fingers": int(size),
                    "latency_s": shard_s + RAY_ROUND_TRIP_S,
                    "cpu_s_per_search": shard_s * shards,
                    "searches_per_s_cluster": nodes * cores / (shard_s * shards),
                })  # fmt: skip
    out["projection"] = proj
    for p in proj:
        print(p)
    args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
