"""How deep in the lead scan do mates fall? The measurement behind CODE_LEAD_WORDS and the keep.

    python benchmarks/search_lead_recall.py --identities 100000 --probes 2000 \
        [--lead-words 4,5,6] --json benchmarks/results/search_lead_recall_100k.json

The search's first stage scores every identity on the first L words of each code segment only
(the lead code) and keeps the best share of the shard (``PREFILTER_LEAD_KEEP``) for full-code
scoring; a mate the full code would shortlist but the lead scan ranks below that share is lost.
On the cached benchmark gallery of ``search_scale.py`` (built if absent; the stored lead and
tail words are joined back into whole codes, so any L can be measured on one gallery), this
searches ``--probes`` mated ten-prints (impression 1 of identities drawn with its own seed) and
reports, for every L, where in their shard the mates ranked by the lead scan, as a share of the
shard: the deepest ones, and how many would be lost at keeps of 1/8 to 1/32, counting only the
mates the full code ranks in the top ``PREFILTER_SHORTLIST`` (the others are lost anyway).
A mate's share of its shard does not depend on the gallery size (impostor scores are
independent draws), so 100k answers for 1M at a tenth of the cost.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from securecomm.afis import matching
from securecomm.afis.search.codes import join_codes
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.gallery import Gallery, shard_of
from securecomm.afis.search.kernels import lead_scores, popcounts
from securecomm.afis.search.parameters import (
    CODE_PAIR_WORDS,
    CODE_WORDS,
    PREFILTER_SHORTLIST,
)
from securecomm.afis.search.shard_search import SEGMENT_WEIGHTS, full_code_scores
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.machine import machine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_scale import build_gallery, gallery_path, identity_name

KEEPS = (8, 16, 24, 32)
PROBE_SEED = 7  # not search_scale's, so these mates are another sample


def lead_words(codes: np.ndarray, words: int) -> np.ndarray:
    """The first ``words`` words of each segment of whole codes (..., CODE_WORDS)."""
    return np.ascontiguousarray(
        codes[..., np.r_[0:words, CODE_PAIR_WORDS : CODE_PAIR_WORDS + words]]
    )


def measure(n: int, probes: int, choices: list[int], seed: int, cache: Path) -> dict:
    path = gallery_path(cache, seed, n, 2)
    build_gallery(path, n, seed, 2)
    gen = TenPrintGenerator(seed)
    mated = np.sort(np.random.default_rng(PROBE_SEED).choice(n, size=probes, replace=False))
    depth: dict[int, list[float]] = {w: [] for w in choices}
    full_rank: list[int] = []
    with Gallery.open(path, writable=False, create=False) as g:
        whole = [join_codes(s.lead, s.tail) for s in g.shards]
        leads = {w: [lead_words(c, w).reshape(len(c), -1) for c in whole] for w in choices}
        for i in mated.tolist():
            name = identity_name(i)
            k = shard_of(name, len(g.shards))
            shard = g.shards[k]
            slot = shard.identity_index()[name]
            m = shard.slots
            probe = prepare_probe(gen.ten_print(i, 1), matching)
            full = full_code_scores(shard, probe, np.arange(m, dtype=np.int64))
            full_rank.append(1 + int(np.count_nonzero(full > full[slot])))
            probe_whole = join_codes(probe.lead.reshape(10, -1), probe.tail.reshape(10, -1))
            for w in choices:
                pl = lead_words(probe_whole, w)
                pops = popcounts(pl.reshape(20, w)).reshape(10, 2)
                first = lead_scores(
                    leads[w][k], shard.live, pl.reshape(-1), pops, SEGMENT_WEIGHTS, 0.0
                )
                depth[w].append((1 + int(np.count_nonzero(first > first[slot]))) / m)
    counted = np.array(full_rank) <= PREFILTER_SHORTLIST
    rows = []
    for w in choices:
        d = np.array(depth[w])[counted]
        rows.append(
            {
                "lead_words": w,
                "lead_bytes_per_finger": 2 * w * 8,
                "deepest_shares": sorted(d.tolist())[-8:],
                "median_share": float(np.median(d)),
                **{f"lost_at_keep_1_{k}": int(np.count_nonzero(d > 1.0 / k)) for k in KEEPS},
            }
        )
    return {
        "identities": n,
        "mated_searches": probes,
        "mates_in_full_top": int(counted.sum()),
        "shortlist": PREFILTER_SHORTLIST,
        "code_words": CODE_WORDS,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--identities", type=int, default=100_000)
    ap.add_argument("--probes", type=int, default=2_000)
    ap.add_argument("--lead-words", default="4,5,6")
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument(
        "--cache-dir", type=Path, default=Path.home() / ".cache" / "securecomm" / "search"
    )
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    choices = [int(v) for v in args.lead_words.split(",")]
    out = measure(args.identities, args.probes, choices, args.seed, args.cache_dir)
    out["machine"] = machine()
    out["command"] = " ".join(sys.argv)
    print(
        f"{out['mates_in_full_top']} of {args.probes} mates in the full code's top "
        f"{PREFILTER_SHORTLIST}; their lead-scan rank as a share of the shard:"
    )
    print(
        f"{'lead words':>10} {'B/finger':>8} {'median':>8} {'deepest':>8} "
        + " ".join(f"{'lost 1/' + str(k):>9}" for k in KEEPS)
    )
    for r in out["rows"]:
        print(
            f"{r['lead_words']:>10} {r['lead_bytes_per_finger']:>8} {r['median_share']:>8.5f} "
            f"{r['deepest_shares'][-1]:>8.4f} "
            + " ".join(f"{r[f'lost_at_keep_1_{k}']:>9}" for k in KEEPS)
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
