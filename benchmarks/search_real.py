"""1:N with real prints and any finger set (issue 17): real FVC mates in synthetic galleries.

    python benchmarks/search_real.py --sizes 10000,100000 --json benchmarks/results/search_real.json

Protocol, per gallery size N (one run, every row measured side by side):

- **Real fingers**: the 50 fingers × 8 impressions of FVC2002 DB1–DB4 B and FVC2004 DB1 B
  (``/work/shared/data/fvc``, read in place), our extractor's templates. Per set, fingers
  101–108 make four **two-print identities** (101+102, 103+104, …: right and left index, the
  DHS IDENT legacy record); impression 1 of each is enrolled. Fingers 109+110 of each set are
  never enrolled: real non-mated probes.
- **Synthetic two-print mates**, the same protocol on the template generator: 20 synthetic
  identities enrolled with impression 0 of their two index fingers only, probed with
  impressions 1–7 (as many searches as the real mates).
- **Synthetic ten-print mates** (the old protocol, for reference): gallery members searched
  with impression 1.
- The gallery is the cached synthetic ten-print gallery of ``search_scale.py`` (identities
  0..N−1), copied and extended with the records above, so every mate faces the lead scan of a
  full-size shard.
- **Probes** of 1, 2 and 10 fingers: 1 = the right index; 2 = both index fingers; 10 = both
  index fingers plus eight fingers of a never-enrolled synthetic identity (a ten-print booking
  searched against a two-print record: the mate shares 2 fingers, ten-print impostors 10).
- **Non-mated**: the held-out real pairs (impressions 1–8), plus synthetic non-mated identities
  up to ``--nonmated`` searches per probe size.

Reported per gallery size, probe size and kind of mate: FNIR at FPIR 0.1 % (threshold set on
that probe size's non-mated searches: one false positive in 1,000 allowed) and at the engine's
model threshold, rank-1, the mate's rank in the lead scan as a share of its shard (median,
99th percentile, worst, and how many fall beyond the keep) for the pre-filter as searched
(normalised by √(shared fingers)) and for the pre-filter before it (dense, unnormalised), the
mate's full-code rank, and p50/p95 latency. The fusion calibration per number of fingers is
fitted from non-mated finger scores (real FVC impostor comparisons and synthetic ones) and
reported with the FPIR each calibration gives on the recorded non-mated searches.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_scale as scale
from securecomm.afis import matching
from securecomm.afis.search import EmbeddedSearchEngine
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.fusion import fuse
from securecomm.afis.search.gallery import Gallery
from securecomm.afis.search.kernels import code_scores, lead_scores
from securecomm.afis.search.parameters import (
    CODE_LEAD_WORDS,
    PREFILTER_LEAD_KEEP,
    PREFILTER_SHORTLIST,
    PREFILTER_Z_OFFSET,
)
from securecomm.afis.search.shard_search import (
    SEGMENT_WEIGHTS,
    TAIL_SPLIT,
    _score_candidate,
    full_code_scores,
    lead_stage_scores,
    lead_survivors,
    shared_fingers,
)
from securecomm.afis.search.thresholds import (
    MODEL_CALIBRATION,
    FusionCalibration,
    ThresholdPolicy,
    fit_fusion_calibration,
)
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
from securecomm.afis.types import FingerPosition
from securecomm.machine import machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
FVC = Path(os.environ.get("SECURECOMM_FVC_DIR", "/work/shared/data/fvc"))
SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")
SET_PPI = {"fvc2002/DB2_B": 569.0}  # the data README; the others are about 500 ppi
ENROLLED_PAIRS = ((101, 102), (103, 104), (105, 106), (107, 108))
HELD_OUT_PAIRS = ((109, 110),)
POS_A, POS_B = FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX
PROBE_SIZES = (1, 2, 10)
SYN_TWO_PRINT = 20
SYN_TWO_PRINT_BASE = NONMATED_BASE + 10**9
FILLER_BASE = NONMATED_BASE + 2 * 10**9
SYN_TEN_PRINT_MATES = 50
TARGET_FPIR = 1e-3
#: Shortlist lengths and multiples of the lead keep for the loss decomposition (a mate is
#: counted as reachable when its lead rank is within the keep and its full-code rank within
#: the shortlist, both over the whole shard: a bound, the rank among survivors is no worse).
SHORTLISTS = (64, 128, 256, 512, 1024)
KEEP_FACTORS = (1, 2, 4, 8)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- real templates ------------------------------------------------------------------------


def extractor_fingerprint() -> str:
    import securecomm.afis.extraction as ex

    h = hashlib.sha256()
    for f in sorted(Path(ex.__file__).parent.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


def real_templates(cache: Path) -> dict[tuple[str, int, int], object]:
    """(set, finger, impression) → our extractor's template of every FVC image (cached)."""
    path = cache / f"fvc-templates-{extractor_fingerprint()}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    from securecomm.afis.extraction import extract
    from securecomm.afis.image import load_image

    out = {}
    t0 = time.perf_counter()
    for name in SETS:
        for finger in range(101, 111):
            for imp in range(1, 9):
                image = load_image(FVC / name / f"{finger}_{imp}.png", ppi=SET_PPI.get(name))
                out[(name, finger, imp)] = extract(image)
        log(f"  extracted {name} ({time.perf_counter() - t0:.0f} s)")
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


# --- calibration from non-mated finger scores ----------------------------------------------


def impostor_finger_scores(templates: list, owners: list) -> np.ndarray:
    """Calibrated 1:1 scores of every pair of templates with different owners."""
    prepared = [matching.prepare(t) for t in templates]
    owners_a = list(owners)
    scores = []
    for i in range(len(prepared)):
        for j in range(i + 1, len(prepared)):
            if owners_a[i] != owners_a[j]:
                scores.append(float(matching.compare_prepared(prepared[i], prepared[j])))
    return np.asarray(scores)


def k_sums(pool: np.ndarray, samples: int, seed: int) -> dict[int, np.ndarray]:
    """Non-mated fused sums of k = 1–10 independent fingers drawn from ``pool``."""
    rng = np.random.default_rng(seed)
    return {
        k: pool[rng.integers(0, len(pool), size=(samples, k))].sum(axis=1) for k in range(1, 11)
    }


def calibrations(real: dict, seed: int, samples: int) -> tuple[dict, dict]:
    """Fitted calibrations (real FVC impostors, synthetic impostors) and their inputs."""
    t0 = time.perf_counter()
    keys = sorted(real)
    real_scores = impostor_finger_scores([real[k] for k in keys], [(k[0], k[1]) for k in keys])
    gen = TenPrintGenerator(seed + 77)
    syn_t, syn_o = [], []
    for ident in range(40):
        for _pos, t in gen.ten_print(NONMATED_BASE + 5 * 10**9 + ident, 0).items():
            syn_t.append(t)
            syn_o.append(ident)
    syn_scores = impostor_finger_scores(syn_t, syn_o)
    log(f"  impostor finger scores: {len(real_scores):,} real, {len(syn_scores):,} synthetic "
        f"({time.perf_counter() - t0:.0f} s)")  # fmt: skip
    fits = {
        "real": fit_fusion_calibration(
            k_sums(real_scores, samples, seed), f"FVC impostors, {len(real_scores)} finger pairs"
        ),
        "synthetic": fit_fusion_calibration(
            k_sums(syn_scores, samples, seed + 1),
            f"synthetic impostors, {len(syn_scores)} finger pairs",
        ),
    }

    def describe(pool: np.ndarray) -> dict:
        return {
            "finger_pairs": len(pool),
            "mean": float(pool.mean()),
            "p99": float(np.quantile(pool, 0.99)),
            "p999": float(np.quantile(pool, 0.999)),
            "max": float(pool.max()),
            "fmr_at_3": float(np.mean(pool >= 3.0)),
        }

    return fits, {"real": describe(real_scores), "synthetic": describe(syn_scores)}


# --- gallery -------------------------------------------------------------------------------


def two_print(fa, fb) -> dict:
    return {POS_A: fa, POS_B: fb}


def probe_of(size: int, fa, fb, filler: dict) -> dict:
    if size == 1:
        return {POS_A: fa}
    if size == 2:
        return two_print(fa, fb)
    p = dict(filler)
    p[POS_A], p[POS_B] = fa, fb
    return p


def subset(ten: dict, size: int) -> dict:
    if size == 1:
        return {POS_A: ten[POS_A]}
    if size == 2:
        return {POS_A: ten[POS_A], POS_B: ten[POS_B]}
    return dict(ten)


def mate_ranks(shard, probe, slot: int) -> dict[str, int]:
    """The mate's rank (1 = best) in its shard: lead scan and full codes, as searched
    (normalised, sparse) and as before finger sets (dense, unnormalised)."""
    n = shard.slots
    every = np.flatnonzero(shard.live).astype(np.int64)
    new_lead = lead_stage_scores(shard, probe)
    old_lead = lead_scores(
        shard.lead.reshape(n, -1), shard.live, probe.lead, probe.lead_pops, SEGMENT_WEIGHTS,
        PREFILTER_Z_OFFSET,
    )  # fmt: skip
    new_full = np.full(n, -np.inf, np.float32)
    new_full[every] = full_code_scores(shard, probe, every)
    old_full = np.full(n, -np.inf, np.float32)
    old_full[every] = code_scores(
        shard.lead.reshape(n, -1), shard.tail.reshape(n, -1), shard.pops, shard.live, every,
        probe.lead, probe.tail, probe.pops, CODE_LEAD_WORDS, TAIL_SPLIT, SEGMENT_WEIGHTS,
        PREFILTER_Z_OFFSET,
    )  # fmt: skip

    def rank(scores: np.ndarray) -> int:
        return int(np.count_nonzero(scores > scores[slot])) + 1

    return {
        "lead_new": rank(new_lead),
        "lead_old": rank(old_lead),
        "full_new": rank(new_full),
        "full_old": rank(old_full),
    }


def decide(cands: list, calibration: FusionCalibration, n: int) -> tuple[str | None, float]:
    """(identity of the hit or None, best calibrated score) of recorded candidates under
    ``calibration`` (the decision is the top calibrated candidate against −log10 p)."""
    policy = ThresholdPolicy(TARGET_FPIR, calibration)
    best, best_id = -1.0, None
    for identity, fused, k in cands:
        c = policy.calibrated(fused, k)
        if c > best:
            best, best_id = c, identity
    return (best_id if best >= policy.decision_threshold(n) else None), best


def run_size(n: int, args, real: dict, fits: dict, gen: TenPrintGenerator) -> dict:
    src = scale.gallery_path(args.cache, args.seed, n, args.shards)
    build_s = scale.build_gallery(src, n, args.seed, args.shards)
    work = args.work / f"gallery-{n}"
    if work.exists():
        shutil.rmtree(work)
    t0 = time.perf_counter()
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("LOCK", "BUILD_DONE.json"))
    log(f"[{n:,}] copied the cached gallery in {time.perf_counter() - t0:.0f} s")

    records = []
    for name in SETS:
        for a, b in ENROLLED_PAIRS:
            ident = f"R-{name.replace('/', '-')}-{a}-{b}"
            records.append((ident, two_print(real[(name, a, 1)], real[(name, b, 1)])))
    syn_two = [SYN_TWO_PRINT_BASE + i for i in range(SYN_TWO_PRINT)]
    for i in syn_two:
        records.append((f"Y-{i}", subset(gen.ten_print(i, 0), 2)))

    rng = np.random.default_rng(args.seed + 3)
    ten_mates = np.sort(rng.choice(n, size=min(SYN_TEN_PRINT_MATES, n), replace=False)).tolist()

    # Mated searches: (mates kind, probe size, identity, probe).
    filler_id = iter(range(FILLER_BASE, FILLER_BASE + 10**6))
    mated = []
    for name in SETS:
        for a, b in ENROLLED_PAIRS:
            ident = f"R-{name.replace('/', '-')}-{a}-{b}"
            for imp in range(2, 9):
                filler = gen.ten_print(next(filler_id), 1)
                for size in PROBE_SIZES:
                    fa, fb = real[(name, a, imp)], real[(name, b, imp)]
                    mated.append(("real two-print", size, ident, probe_of(size, fa, fb, filler)))
    for i in syn_two:
        for imp in range(1, 8):
            t = gen.ten_print(i, imp)
            filler = gen.ten_print(next(filler_id), 1)
            for size in PROBE_SIZES:
                probe = probe_of(size, t[POS_A], t[POS_B], filler)
                mated.append(("synthetic two-print", size, f"Y-{i}", probe))
    for i in ten_mates:
        t = gen.ten_print(i, 1)
        for size in PROBE_SIZES:
            mated.append(("synthetic ten-print", size, scale.identity_name(i), subset(t, size)))

    nonmated = []
    for name in SETS:
        for a, b in HELD_OUT_PAIRS:
            for imp in range(1, 9):
                filler = gen.ten_print(next(filler_id), 1)
                for size in PROBE_SIZES:
                    fa, fb = real[(name, a, imp)], real[(name, b, imp)]
                    nonmated.append(("real", size, probe_of(size, fa, fb, filler)))
    real_nm = len(nonmated) // len(PROBE_SIZES)
    for j in range(max(0, args.nonmated - real_nm)):
        t = gen.ten_print(NONMATED_BASE + j, 1)
        for size in PROBE_SIZES:
            nonmated.append(("synthetic", size, subset(t, size)))

    searches = []
    with Gallery.open(work, create=False) as gallery:
        engine = EmbeddedSearchEngine(gallery)
        engine.enrol_many(records)
        engine.search(mated[0][3])  # warm-up (JIT, page cache)
        t_all = time.perf_counter()
        for k, (kind, size, ident, probe) in enumerate(mated):
            t = time.perf_counter()
            result = engine.search(probe)
            lat = time.perf_counter() - t
            shard = gallery.shard_for(ident)
            slot = shard.identity_index()[ident]
            prepared = prepare_probe(probe, matching)
            ranks = mate_ranks(shard, prepared, slot)
            # The lead keep the mate faces: its bar is set by the fingers it shares.
            shared = int(shared_fingers(shard, prepared, shard.slots)[slot])
            mate = next((c for c in result.candidates if c.identity_id == ident), None)
            direct = _score_candidate(shard, prepared, matching, slot, 0.0)
            k_direct = len(direct.finger_scores)
            direct_score = engine.policy.calibrated(fuse(direct.finger_scores), k_direct)
            searches.append({
                "mated": True, "mates": kind, "probe_fingers": size, "latency_s": lat,
                "rank": mate.rank if mate else 0,
                "direct_score": direct_score,
                "mate_score": mate.score if mate else -1.0,
                "mate_fingers": mate.fingers if mate else 0,
                "hit": result.hit.identity_id if result.hit else None,
                "identity": ident,
                "shard_slots": shard.slots, "keep": lead_survivors(shard.slots, shared),
                "keep_before": lead_survivors(shard.slots),
                **ranks,
                "candidates": [(c.identity_id, c.fused, c.fingers) for c in result.candidates],
            })  # fmt: skip
            if (k + 1) % 100 == 0:
                log(f"[{n:,}] {k + 1}/{len(mated)} mated ({time.perf_counter() - t_all:.0f} s)")
        for k, (kind, size, probe) in enumerate(nonmated):
            t = time.perf_counter()
            result = engine.search(probe)
            lat = time.perf_counter() - t
            top = result.candidates[0] if result.candidates else None
            searches.append({
                "mated": False, "source": kind, "probe_fingers": size, "latency_s": lat,
                "top_score": top.score if top else 0.0,
                "top_fingers": top.fingers if top else 0,
                "hit": result.hit.identity_id if result.hit else None,
                "candidates": [(c.identity_id, c.fused, c.fingers) for c in result.candidates],
            })  # fmt: skip
            if (k + 1) % 300 == 0:
                log(f"[{n:,}] {k + 1}/{len(nonmated)} non-mated "
                    f"({time.perf_counter() - t_all:.0f} s)")  # fmt: skip
        size_total = len(engine)
    shutil.rmtree(work)
    return summarise(n, size_total, searches, fits, build_s)


def percentile(v, q):
    return float(np.percentile(v, q)) if len(v) else None


def summarise(n: int, total: int, searches: list, fits: dict, build_s: float) -> dict:
    rows = []
    nonmated_rows = []
    policy = ThresholdPolicy(TARGET_FPIR)
    for size in PROBE_SIZES:
        nm = [s for s in searches if not s["mated"] and s["probe_fingers"] == size]
        top = np.sort([s["top_score"] for s in nm])[::-1]
        allowed = int(np.floor(TARGET_FPIR * len(top)))
        threshold = float(np.nextafter(top[allowed], np.inf)) if len(top) else 0.0
        fp = sum(s["hit"] is not None for s in nm)
        by_cal = {}
        calibrations_tried = [("engine", policy.calibration), ("model", MODEL_CALIBRATION)]
        calibrations_tried += [(f"fitted_{k}", v) for k, v in fits.items()]
        for label, cal in calibrations_tried:
            f = sum(decide(s["candidates"], cal, total)[0] is not None for s in nm)
            by_cal[label] = {"false_positives": f, "fpir": f / len(nm),
                             "fpir_upper_95": scale.upper_95(f, len(nm))}  # fmt: skip
        real_nm = [s for s in nm if s["source"] == "real"]
        nonmated_rows.append({
            "probe_fingers": size, "searches": len(nm), "real_searches": len(real_nm),
            "threshold_at_fpir_0_001": threshold,
            "model_threshold": policy.decision_threshold(total),
            "model_false_positives": fp, "model_fpir": fp / len(nm),
            "model_fpir_upper_95": scale.upper_95(fp, len(nm)),
            "top_score_max": float(top[0]), "top_score_max_real": max(
                (s["top_score"] for s in real_nm), default=None),
            "fpir_by_calibration": by_cal,
            "latency_p50_s": percentile([s["latency_s"] for s in nm], 50),
            "latency_p95_s": percentile([s["latency_s"] for s in nm], 95),
        })  # fmt: skip
        for mates in ("real two-print", "synthetic two-print", "synthetic ten-print"):
            ms = [s for s in searches if s["mated"] and s["mates"] == mates
                  and s["probe_fingers"] == size]  # fmt: skip
            if not ms:
                continue
            score = np.array([s["mate_score"] for s in ms])
            share_new = np.array([s["lead_new"] / s["shard_slots"] for s in ms])
            share_old = np.array([s["lead_old"] / s["shard_slots"] for s in ms])
            lat = [s["latency_s"] for s in ms]
            model_thr = policy.decision_threshold(total)
            direct = np.array([s["direct_score"] for s in ms])
            lead = np.array([s["lead_new"] for s in ms])
            full = np.array([s["full_new"] for s in ms])
            keep = np.array([s["keep"] for s in ms])
            slots = np.array([s["shard_slots"] for s in ms])
            found = direct >= model_thr
            loss = {
                f"keep_x{f}": {
                    str(k): float(np.mean(~(found & (lead <= np.minimum(slots, keep * f))
                                            & (full <= k))))
                    for k in SHORTLISTS
                }
                for f in KEEP_FACTORS
            }  # fmt: skip
            fnir_fitted = {}
            for label, cal in fits.items():
                miss = sum(decide(s["candidates"], cal, total)[0] != s["identity"] for s in ms)
                fnir_fitted[label] = miss / len(ms)
            rows.append({
                "probe_fingers": size, "mates": mates, "mated_searches": len(ms),
                "shared_fingers": min(size, 10 if "ten" in mates else 2),
                "fnir_at_fpir_0_001": float(np.mean(score < threshold)),
                "misses_at_fpir_0_001": int(np.sum(score < threshold)),
                "fnir_at_model_threshold": float(np.mean(
                    [s["hit"] != s["identity"] for s in ms])),
                "misses_at_model_threshold": int(sum(s["hit"] != s["identity"] for s in ms)),
                "fnir_at_model_threshold_with_fitted": fnir_fitted,
                "rank1_rate": float(np.mean([s["rank"] == 1 for s in ms])),
                "on_candidate_list_rate": float(np.mean([s["rank"] > 0 for s in ms])),
                "lead_rank_share": {
                    "median": float(np.median(share_new)), "p90": percentile(share_new, 90),
                    "p99": percentile(share_new, 99), "worst": float(share_new.max()),
                    "worst_rank": int(max(s["lead_new"] for s in ms)),
                    "beyond_keep": int(sum(s["lead_new"] > s["keep"] for s in ms)),
                },
                "lead_rank_share_before": {
                    "median": float(np.median(share_old)), "p90": percentile(share_old, 90),
                    "p99": percentile(share_old, 99), "worst": float(share_old.max()),
                    "worst_rank": int(max(s["lead_old"] for s in ms)),
                    "beyond_keep": int(sum(s["lead_old"] > s["keep_before"] for s in ms)),
                },
                "full_rank_beyond_shortlist": int(sum(
                    s["full_new"] > PREFILTER_SHORTLIST for s in ms)),
                "full_rank_beyond_shortlist_before": int(sum(
                    s["full_old"] > PREFILTER_SHORTLIST for s in ms)),
                "full_rank_worst": int(max(s["full_new"] for s in ms)),
                "full_rank_worst_before": int(max(s["full_old"] for s in ms)),
                "keep_share": ms[0]["keep"] / ms[0]["shard_slots"],
                "fnir_comparator_only": float(np.mean(~found)),
                "fnir_bound_by_keep_and_shortlist": loss,
                "per_mate_lead_full_direct": [
                    [int(a), int(b), round(float(c), 3)]
                    for a, b, c in zip(lead, full, direct, strict=True)
                ],
                "lost_to": {
                    "lead_keep": int(np.sum(lead > keep)),
                    "shortlist": int(np.sum((lead <= keep) & (full > PREFILTER_SHORTLIST))),
                    "comparator": int(np.sum(~found)),
                },
                "shard_slots": ms[0]["shard_slots"],
                "latency_p50_s": percentile(lat, 50), "latency_p95_s": percentile(lat, 95),
                "lead_rank_shares": sorted(share_new.tolist())[-8:],
            })  # fmt: skip
    return {
        "identities": n,
        "gallery_size": total,
        "build_s": build_s,
        "rows": rows,
        "nonmated": nonmated_rows,
        "load_average_1min": os.getloadavg()[0],
    }


def print_table(out: dict) -> None:
    print("\nFusion calibration per number of compared fingers (Gamma scale θ_k, decades):")
    print("k    model   engine  real(FVC)  synthetic")
    cal = out["calibration"]
    for k in range(10):
        print(f"{k + 1:<4} {cal['model']['gamma_scales'][k]:.4f}  "
              f"{cal['engine']['gamma_scales'][k]:.4f}  {cal['real']['gamma_scales'][k]:.4f}"
              f"     {cal['synthetic']['gamma_scales'][k]:.4f}")  # fmt: skip
    print()
    head = (
        "N        | fingers | mates               | searches | FNIR@FPIR0.1% | FNIR@model | "
        "rank-1 | lead rank med/worst (before) | beyond keep (before) | p50 s | p95 s"
    )
    print(head)
    print("-" * len(head))
    for g in out["galleries"]:
        for r in g["rows"]:
            lr, lb = r["lead_rank_share"], r["lead_rank_share_before"]
            print(
                f"{g['identities']:<8,} | {r['probe_fingers']:>7} | {r['mates']:<19} | "
                f"{r['mated_searches']:>8} | {r['fnir_at_fpir_0_001']:>13.4f} | "
                f"{r['fnir_at_model_threshold']:>10.4f} | {r['rank1_rate']:>6.3f} | "
                f"{100 * lr['median']:.3f}/{100 * lr['worst']:.2f} % "
                f"({100 * lb['median']:.3f}/{100 * lb['worst']:.2f} %) | "
                f"{lr['beyond_keep']:>3} ({lb['beyond_keep']}) | "
                f"{r['latency_p50_s']:.3f} | {r['latency_p95_s']:.3f}"
            )
        for r in g["nonmated"]:
            print(
                f"{g['identities']:<8,} | {r['probe_fingers']:>7} | non-mated ({r['real_searches']}"
                f" real) | {r['searches']:>8} | FPIR at model {r['model_fpir']:.4f} "
                f"({r['model_false_positives']} fp, ≤ {r['model_fpir_upper_95']:.4f}) | "
                f"p50 {r['latency_p50_s']:.3f} p95 {r['latency_p95_s']:.3f}"
            )


def print_losses(out: dict) -> None:
    """Where mates are lost: by the comparator alone (a perfect pre-filter), and the FNIR bound
    for larger keeps and shortlists (rows: keep multiple; columns: shortlist length)."""
    print("\nFNIR at the model threshold if re-ranked directly (comparator only), and bounded")
    print(
        "by lead keep × shortlist (keep multiple: FNIR for shortlists "
        + ", ".join(str(k) for k in SHORTLISTS)
        + ")"
    )
    for g in out["galleries"]:
        for r in g["rows"]:
            if "fnir_comparator_only" not in r:
                continue
            grid = "; ".join(
                f"{f}: " + " ".join(f"{100 * v:.1f}" for v in r[
                    "fnir_bound_by_keep_and_shortlist"][f].values())
                for f in r["fnir_bound_by_keep_and_shortlist"]
            )  # fmt: skip
            print(f"{g['identities']:<8,} {r['probe_fingers']:>2} {r['mates']:<19} "
                  f"comparator {100 * r['fnir_comparator_only']:.1f} % | {grid}")  # fmt: skip


def markdown(out: dict) -> str:
    """The docs' tables (docs/afis-search.md, finger sets) from a result file."""
    cal = out["calibration"]
    lines = ["| k | model θ | fitted on FVC impostors θ | fitted on synthetic impostors θ |"]
    lines.append("|---|---|---|---|")
    for k in range(10):
        lines.append(
            f"| {k + 1} | {cal['model']['gamma_scales'][k]:.3f} | "
            f"{cal['real']['gamma_scales'][k]:.3f} | {cal['synthetic']['gamma_scales'][k]:.3f} |"
        )
    lines.append("")
    lines.append(
        "| identities | probe fingers | non-mated searches (real) | FPIR at the model threshold "
        "| FPIR, fitted on FVC | FPIR, fitted on synthetic | highest non-mated score (real) |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    for g in out["galleries"]:
        for r in g["nonmated"]:
            b = r["fpir_by_calibration"]
            lines.append(
                f"| {g['identities']:,} | {r['probe_fingers']} | {r['searches']:,} "
                f"({r['real_searches']}) | {r['model_false_positives']} "
                f"(≤ {100 * r['model_fpir_upper_95']:.2f} %) | "
                f"{b['fitted_real']['false_positives']} | "
                f"{b['fitted_synthetic']['false_positives']} | {r['top_score_max']:.2f} "
                f"({r['top_score_max_real']:.2f}); threshold "
                f"{r['model_threshold']:.2f} |"
            )
    lines.append("")
    lines.append(
        "| identities | probe fingers | mates | mated searches | FNIR @ FPIR 0.1 % | FNIR @ model "
        "threshold | rank-1 | mate's lead-scan rank, median / worst share of shard (before) "
        "| beyond the keep (before) | full-code rank > 64 (before) | p50 s | p95 s |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for g in out["galleries"]:
        for r in g["rows"]:
            lr, lb = r["lead_rank_share"], r["lead_rank_share_before"]
            lines.append(
                f"| {g['identities']:,} | {r['probe_fingers']} | {r['mates']} | "
                f"{r['mated_searches']} | {100 * r['fnir_at_fpir_0_001']:.1f} % "
                f"({r['misses_at_fpir_0_001']}) | {100 * r['fnir_at_model_threshold']:.1f} % "
                f"({r['misses_at_model_threshold']}) | {r['rank1_rate']:.3f} | "
                f"{100 * lr['median']:.3f} / {100 * lr['worst']:.1f} % "
                f"({100 * lb['median']:.3f} / {100 * lb['worst']:.1f} %) | "
                f"{lr['beyond_keep']} ({lb['beyond_keep']}) of keep "
                f"{100 * r['keep_share']:.1f} % | {r['full_rank_beyond_shortlist']} "
                f"({r['full_rank_beyond_shortlist_before']}) | {r['latency_p50_s']:.2f} | "
                f"{r['latency_p95_s']:.2f} |"
            )
    return "\n".join(lines)


def merge_results(runs: list[dict]) -> dict:
    """One result of several runs' galleries (the first run's header; a size measured twice
    keeps the later run). Each gallery records the commit and machine it was measured on."""
    by_size: dict[int, dict] = {}
    for run in runs:
        for g in run["galleries"]:
            by_size[g["identities"]] = {
                **g, "commit": g.get("commit", run["commit"]),
                "machine": g.get("machine", run["machine"]),
            }  # fmt: skip
    out = dict(runs[0])
    out["galleries"] = [by_size[n] for n in sorted(by_size)]
    out["commit"] = "+".join(dict.fromkeys(g["commit"] for g in out["galleries"]))
    out["wall_s"] = sum(r.get("wall_s", 0.0) for r in runs)
    return out


def plot(out: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {"real two-print": "o-", "synthetic two-print": "s--", "synthetic ten-print": "^:"}
    sizes = [g["identities"] for g in out["galleries"]]
    for ax, key, title in (
        (axes[0], "fnir_at_fpir_0_001", "FNIR at FPIR 0.1 %"),
        (axes[1], "fnir_at_model_threshold", "FNIR at the model threshold"),
    ):
        for mates, style in styles.items():
            for size, colour in zip(PROBE_SIZES, ("C0", "C1", "C2"), strict=True):
                ys = []
                for g in out["galleries"]:
                    r = next((r for r in g["rows"] if r["mates"] == mates
                              and r["probe_fingers"] == size), None)  # fmt: skip
                    ys.append(r[key] if r else np.nan)
                ax.plot(sizes, np.maximum(ys, 1e-3), style, color=colour,
                        label=f"{mates}, {size}-finger probe")  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("gallery identities")
        ax.set_ylabel("FNIR (0 drawn at 0.001)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[1].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"Real FVC mates vs synthetic mates ({out['commit']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--nonmated", type=int, default=1000, help="non-mated searches per probe size")
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--calibration-samples", type=int, default=20000)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache/securecomm/search")
    ap.add_argument("--work", type=Path, default=Path("/tmp/securecomm-search-real"))
    ap.add_argument("--json", type=Path, default=RESULTS / "search_real.json")
    ap.add_argument("--plot", type=Path, default=RESULTS / "search_real.png")
    ap.add_argument("--tables-from", type=Path, help="print the docs' tables of a result file")
    ap.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        help="combine the galleries of result files (each keeps its run's commit and machine) "
        "into --json, sorted by size, and redraw --plot",
    )
    args = ap.parse_args(argv)
    if args.tables_from:
        print(markdown(json.loads(args.tables_from.read_text())))
        return
    if args.merge:
        merged = merge_results([json.loads(f.read_text()) for f in args.merge])
        args.json.write_text(json.dumps(merged, indent=1))
        plot(merged, args.plot)
        log(f"wrote {args.json} and {args.plot}")
        return
    args.work.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    real = real_templates(args.cache)
    log(f"real templates: {len(real)} ({time.perf_counter() - t0:.0f} s)")
    fits, pools = calibrations(real, args.seed, args.calibration_samples)
    gen = TenPrintGenerator(args.seed)
    engine_cal = ThresholdPolicy(TARGET_FPIR).calibration
    out = {
        "benchmark": "search_real",
        "commit": git_commit(),
        "machine": machine(),
        "target_fpir": TARGET_FPIR,
        "shortlist_per_shard": PREFILTER_SHORTLIST,
        "lead_keep": PREFILTER_LEAD_KEEP,
        "protocol": {
            "sets": SETS,
            "enrolled_pairs": ENROLLED_PAIRS,
            "held_out_pairs": HELD_OUT_PAIRS,
            "positions": [int(POS_A), int(POS_B)],
            "probe_sizes": PROBE_SIZES,
            "synthetic_two_print_identities": SYN_TWO_PRINT,
            "synthetic_ten_print_mates": SYN_TEN_PRINT_MATES,
            "nonmated_per_probe_size": args.nonmated,
        },
        "calibration": {
            "model": MODEL_CALIBRATION.as_dict(),
            "engine": engine_cal.as_dict(),
            **{k: v.as_dict() for k, v in fits.items()},
            "finger_score_pools": pools,
            "samples_per_count": args.calibration_samples,
        },
        "galleries": [],
    }
    for n in [int(s) for s in args.sizes.split(",")]:
        out["galleries"].append(run_size(n, args, real, fits, gen))
        out["wall_s"] = time.perf_counter() - t0
        args.json.write_text(json.dumps(out, indent=1))
        print_table(out)
        print_losses(out)
    plot(out, args.plot)
    log(f"wrote {args.json} and {args.plot} ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
