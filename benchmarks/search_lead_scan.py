"""The lead scan's speed: the slot-interleaved blocks against the slot-major scan before them.

    python benchmarks/search_lead_scan.py --identities 1000000 \
        --json benchmarks/results/search_lead_scan.json

On one shard of the cached synthetic gallery of ``search_scale.py`` (N/2 identities), for
1-, 2- and 10-finger probes (right index; both index fingers; all ten): the scan the search
ran before (:func:`kernels.sparse_lead_scores` over ``lead.bin``'s slot-major rows) and the
scan it runs now (:func:`lead_blocks.blocked_lead_scores`), alternated round by round in
one process, the same standardisation, on one thread (process CPU time, the figure per core)
and on all threads (wall). Reported: median seconds, finger comparisons per second (slots ×
probe fingers), the ratio, and the largest score difference between the two (float
contraction; the scans compute the same terms). Also the time to build the blocks of the
shard and their bytes.
"""

from __future__ import annotations

import os

if __name__ == "__main__":  # numba's pool for the all-threads rounds (one-thread rounds set 1)
    os.environ.setdefault("NUMBA_NUM_THREADS", "2")

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_scale as scale
from securecomm.afis import matching
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.gallery import Gallery
from securecomm.afis.search.kernels import sparse_lead_scores
from securecomm.afis.search.lead_blocks import LeadBlocks, blocked_lead_scores
from securecomm.afis.search.parameters import CODE_LEAD_WORDS, CODE_SEGMENTS, PREFILTER_Z_OFFSET
from securecomm.afis.search.shard_search import SEGMENT_WEIGHTS, finger_standardisation
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
from securecomm.afis.types import FingerPosition
from securecomm.machine import machine

RESULTS = Path(__file__).resolve().parent / "results"
SUBSETS = {1: (2,), 2: (2, 7), 10: tuple(range(1, 11))}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--identities", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache/securecomm/search")
    ap.add_argument("--json", type=Path, default=RESULTS / "search_lead_scan.json")
    ap.add_argument("--label", default="")
    args = ap.parse_args(argv)
    path = scale.gallery_path(args.cache, args.seed, args.identities, args.shards)
    scale.build_gallery(path, args.identities, args.seed, args.shards)
    gen = TenPrintGenerator(args.seed)
    threads = numba.get_num_threads()
    out: dict = {
        "benchmark": "search_lead_scan", "label": args.label, "identities": args.identities,
        "machine": machine(), "rounds": args.rounds, "probes": {},
    }  # fmt: skip
    with Gallery.open(path, writable=False, create=False) as g:
        shard = g.shards[0]
        n = shard.slots
        rows = shard.lead.reshape(n, -1)
        t = time.perf_counter()
        fresh = LeadBlocks(CODE_SEGMENTS * CODE_LEAD_WORDS)
        fresh.extend(shard.lead)
        out["build_blocks_s"] = time.perf_counter() - t
        view = shard.lead_block_view()
        out["shard_slots"] = n
        out["blocks_bytes"] = int(view.codes.nbytes + view.pops.nbytes)
        full = gen.ten_print(NONMATED_BASE + 1, 1)
        print(f"shard of {n:,} slots; blocks built in {out['build_blocks_s']:.2f} s, "
              f"{out['blocks_bytes'] / 1e9:.2f} GB")  # fmt: skip
        for size, positions in SUBSETS.items():
            probe = prepare_probe(
                {FingerPosition(p): full[FingerPosition(p)] for p in positions}, matching
            )
            centre, inv_sd = finger_standardisation(shard, probe)[:2]
            common = (
                shard.live, shard.presence, probe.lead, probe.lead_pops, probe.code_rows,
                SEGMENT_WEIGHTS, PREFILTER_Z_OFFSET, centre, inv_sd, True,
            )  # fmt: skip
            scans = {
                "slot_major_before": lambda c=common: sparse_lead_scores(rows, *c),
                "blocked": lambda c=common: blocked_lead_scores(view.codes, view.pops, n, *c),
            }
            a, b = scans["slot_major_before"](), scans["blocked"]()
            finite = np.isfinite(a)
            row: dict = {
                "max_abs_difference": float(np.max(np.abs(a[finite] - b[finite]))),
                "same_excluded": bool(np.array_equal(finite, np.isfinite(b))),
            }
            for label, n_threads, clock in (
                ("one_thread", 1, time.process_time),
                ("all_threads", threads, time.perf_counter),
            ):
                numba.set_num_threads(n_threads)
                times: dict[str, list[float]] = {k: [] for k in scans}
                for _ in range(args.rounds):
                    for kind, scan in scans.items():
                        t = clock()
                        scan()
                        times[kind].append(clock() - t)
                for kind, ts in times.items():
                    s = statistics.median(ts)
                    row[f"{kind}_{label}_s"] = s
                    row[f"{kind}_{label}_finger_comparisons_per_s"] = n * size / s
                row[f"ratio_{label}"] = (
                    row[f"slot_major_before_{label}_s"] / row[f"blocked_{label}_s"]
                )
            numba.set_num_threads(threads)
            out["probes"][str(size)] = row
    print_table(out)
    args.json.write_text(json.dumps(out, indent=1) + "\n")


def print_table(out: dict) -> None:
    print(f"\n{out['shard_slots']:,} slots, {out['machine'].get('cpu')}, "
          f"load {out['machine'].get('load_average_at_start')}")  # fmt: skip
    print("| probe fingers | threads | slot-major before M/s | blocked M/s | ratio | max diff |")
    print("|---|---|---|---|---|---|")
    for size, r in out["probes"].items():
        for label in ("one_thread", "all_threads"):
            print(
                f"| {size} | {label.replace('_', ' ')} | "
                f"{r[f'slot_major_before_{label}_finger_comparisons_per_s'] / 1e6:.0f} | "
                f"{r[f'blocked_{label}_finger_comparisons_per_s'] / 1e6:.0f} | "
                f"×{r[f'ratio_{label}']:.2f} | {r['max_abs_difference']:.1e} |"
            )


if __name__ == "__main__":
    main()
