"""Pre-filter study: how well does a candidate per-finger code find the mate among N identities?

    python benchmarks/search_prefilter_study.py --identities 100000 --probes 300 \
        [--candidates pairs1024,pairs768+cylinders768] \
        --json benchmarks/results/search_prefilter_study.json

For each candidate code (``CANDIDATES``: bits of the pair-word segment and of the
binary-cylinder LSH segment, ``codes.py``/``cylinder_codes.py``) this builds the codes of
impression 0 of identities 0..N-1 (the gallery) and impression 1 of ``--probes`` of them
(mated ten-print probes), scans every probe against the whole gallery with the engine's own
z-score kernel
(``kernels.code_scores`` over whole codes: the full-code stage of the search) and reports

* per-finger d′ of the (weighted, summed over segments) z-score (mated finger pairs against
  the same finger of 200 other identities),
* the distribution of the mate's rank among the N identities (share of mates within the top
  K for K = 1, 16, 64, 256, 1024, 4096) and the median rank,
* an extrapolation to 1M identities: the rank a mate would have among 1M is about the rank
  among N times 1M / N (the impostor scores are i.i.d. draws), so "top K at 1M" ≈ "top K·N/1M
  at N".

No gallery files are written; this isolates the pre-filter from storage and re-ranking.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from securecomm.afis.search.codes import segment_codes
from securecomm.afis.search.kernels import code_scores
from securecomm.afis.search.packed import PackedMinutiae
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.machine import machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
TOPS = (1, 16, 64, 256, 1024, 4096)
BATCH = 20_000


@dataclass(frozen=True)
class Candidate:
    """A code: bits of the pair-word and the cylinder segments, and the segments' weights."""

    pair_bits: int
    cylinder_bits: int
    weights: tuple[float, float] = (1.0, 1.0)

    def codes(self, packed: PackedMinutiae) -> tuple[np.ndarray, np.ndarray, int]:
        codes, pops = segment_codes(packed, self.pair_bits, self.cylinder_bits)
        return codes, pops, self.pair_bits // 64


#: The layout before this study (1024-bit pair words) and the alternatives measured.
CANDIDATES: dict[str, Candidate] = {
    "pairs1024": Candidate(1024, 0),
    "pairs1536": Candidate(1536, 0),
    "pairs2048": Candidate(2048, 0),
    "cylinders1024": Candidate(0, 1024),
    "cylinders1536": Candidate(0, 1536),
    "pairs1024+cylinders512": Candidate(1024, 512),
    "pairs768+cylinders768": Candidate(768, 768),
    "pairs512+cylinders1024": Candidate(512, 1024),
    "pairs768+cylinders768_w1.5": Candidate(768, 768, (1.0, 1.5)),
    "pairs768+cylinders768_w2": Candidate(768, 768, (1.0, 2.0)),
    "pairs1024+cylinders1024": Candidate(1024, 1024),
}


def full_scores(codes, pops, live, probe, probe_pop, split, weights) -> np.ndarray:
    """z-score sums of whole codes (``split`` words of segment 0) for every slot."""
    n = codes.shape[0]
    return code_scores(
        codes.reshape(n, -1),
        np.zeros((n, 0), np.uint64),
        pops,
        live,
        np.arange(n, dtype=np.int64),
        np.ascontiguousarray(probe).reshape(-1),
        np.zeros(0, np.uint64),
        probe_pop,
        split,
        0,
        weights,
        0.0,
    )


def dprime(a: np.ndarray, b: np.ndarray) -> float:
    return float((a.mean() - b.mean()) / np.sqrt(0.5 * (a.var() + b.var())))


@dataclass
class Population:
    """Gallery impressions (0) of identities 0..n-1 and mated probe impressions (1)."""

    gallery: list[PackedMinutiae]
    probes: PackedMinutiae
    mated: np.ndarray
    n: int

    @classmethod
    def generate(cls, n: int, probes: int, seed: int) -> Population:
        gen = TenPrintGenerator(seed)
        parts = [
            gen.impressions(np.arange(start, min(n, start + BATCH)), 0)
            for start in range(0, n, BATCH)
        ]
        rng = np.random.default_rng(seed + 1)
        mated = np.sort(rng.choice(n, size=probes, replace=False))
        return cls(parts, gen.impressions(mated, 1), mated, n)


def study(name: str, pop: Population, seed: int) -> dict:
    cand = CANDIDATES[name]
    n, probes = pop.n, len(pop.mated)
    t0 = time.process_time()
    built = [cand.codes(p) for p in pop.gallery]
    build_cpu = time.process_time() - t0
    split = built[0][2]
    codes = np.concatenate([b[0] for b in built])
    pops = np.concatenate([b[1] for b in built])
    words = codes.shape[1]
    g_codes = np.ascontiguousarray(codes.reshape(n, 10, words))
    g_pops = np.ascontiguousarray(pops.reshape(n, 10, 2))
    live = np.ones(n, np.bool_)
    weights = np.asarray(cand.weights, np.float64)
    pc, pp, _ = cand.codes(pop.probes)
    pc = pc.reshape(probes, 10, words)
    pp = pp.reshape(probes, 10, 2)
    rng = np.random.default_rng(seed + 2)
    ranks = np.zeros(probes, np.int64)
    mated_z: list[float] = []
    impostor_z: list[float] = []
    scan_s: list[float] = []
    for k in range(probes):
        t = time.perf_counter()
        s = full_scores(g_codes, g_pops, live, pc[k], pp[k], split, weights)
        scan_s.append(time.perf_counter() - t)
        mate = int(pop.mated[k])
        ranks[k] = 1 + int(np.count_nonzero(s > s[mate]))
        # Per-finger scores: the mate and 200 other identities, finger by finger.
        others = rng.choice(n, size=200, replace=False)
        others = others[others != mate]
        for f in range(10):
            if pp[k, f].sum() == 0:
                continue
            one_c = np.zeros((10, words), np.uint64)
            one_p = np.zeros((10, 2), np.uint16)
            one_c[f] = pc[k, f]
            one_p[f] = pp[k, f]
            if g_pops[mate, f].sum():
                z = full_scores(
                    g_codes[mate : mate + 1],
                    g_pops[mate : mate + 1],
                    live[:1],
                    one_c,
                    one_p,
                    split,
                    weights,
                )
                mated_z.append(float(z[0]))
            sel = others[g_pops[others, f].sum(axis=1) > 0]
            z = full_scores(
                g_codes[sel], g_pops[sel], live[: len(sel)], one_c, one_p, split, weights
            )
            impostor_z.extend(z.tolist())
    mz, iz = np.array(mated_z), np.array(impostor_z)
    top = {f"top_{k}": float(np.mean(ranks <= k)) for k in TOPS}
    # A mate's rank among 1M ≈ its rank among n × 1M/n (impostor scores are i.i.d. draws).
    scale = 1_000_000 / n
    extrap = {
        f"top_{k}_at_1m": float(np.mean(ranks * scale <= k))
        for k in (32, 128, 256, 512, 1024, 4096, 16384)
    }
    return {
        "candidate": name,
        "pair_bits": cand.pair_bits,
        "cylinder_bits": cand.cylinder_bits,
        "weights": list(cand.weights),
        "identities": n,
        "probes": probes,
        "bits_set_median": [
            float(np.median(pops[pops[:, g] > 0, g])) if (pops[:, g] > 0).any() else 0.0
            for g in range(2)
        ],
        "per_finger_dprime": dprime(mz, iz),
        "mated_score_median": float(np.median(mz)),
        "impostor_score_sd": float(iz.std()),
        "impostor_score_p999": float(np.quantile(iz, 0.999)),
        "median_rank": float(np.median(ranks)),
        **top,
        **extrap,
        "code_build_cpu_s_per_1k_identities": build_cpu / n * 1000,
        "scan_s_median": float(np.median(scan_s)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--identities", type=int, default=100_000)
    ap.add_argument("--probes", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    pop = Population.generate(args.identities, args.probes, args.seed)
    rows = []
    for name in args.candidates.split(","):
        row = study(name, pop, args.seed)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.json:  # kept after every candidate, so a long study keeps what it measured
            out = {"machine": machine(), "command": " ".join(sys.argv), "rows": rows}
            args.json.write_text(json.dumps(out, indent=2))
    print(
        f"{'candidate':>28} {'d′':>5} {'med rank':>8} "
        + " ".join(f"{'top' + str(k):>8}" for k in TOPS)
        + " "
        + " ".join(f"{'1M:' + str(k):>8}" for k in (256, 1024, 16384))
    )
    for r in rows:
        print(
            f"{r['candidate']:>28} {r['per_finger_dprime']:>5.2f} {r['median_rank']:>8.0f} "
            + " ".join(f"{r[f'top_{k}']:>8.3f}" for k in TOPS)
            + " "
            + " ".join(f"{r[f'top_{k}_at_1m']:>8.3f}" for k in (256, 1024, 16384))
        )
    if args.json:
        out = {"machine": machine(), "command": " ".join(sys.argv), "rows": rows}
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
