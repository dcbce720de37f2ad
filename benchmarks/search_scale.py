"""Ten-print 1:N identification at scale (BENCHMARKS.md §2): synthetic galleries of N identities.

    python benchmarks/search_scale.py --identities N [--probes M] [--nonmated K]
                                      [--engine embedded|ray] --json FILE
    python benchmarks/search_scale.py --sweep 10000,100000,1000000 [--probes M]

Galleries are built from the seeded template-level generator (impression 0 of identities
0..N-1) and cached between runs under ``--cache-dir`` (default ``~/.cache/securecomm/search``),
keyed by seed, size, shards, code layout and a fingerprint of the generator's source (so a
generator change never reuses a stale gallery). Mated probes are impression 1 of M identities
drawn uniformly from the gallery; non-mated probes are impression 1 of K (default M) identities
never enrolled.

Accuracy (protocol of BENCHMARKS.md): the threshold is set on the non-mated searches' top
fused scores for FPIR = 0.1 % (with fewer than 1,000 non-mated searches that is the highest
non-mated score: zero false positives allowed); FNIR is the fraction of mated searches whose
mate is not on the candidate list with a score at or above that threshold. The engine's own
model threshold (thresholds.py) is reported separately with the FPIR/FNIR measured at it,
the number of false positives behind that FPIR and its 95 % upper confidence bound (exact
binomial), so what the number of searches can resolve is explicit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from securecomm.afis.search import EmbeddedSearchEngine
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.gallery import FINGERS, Gallery, append_packed
from securecomm.afis.search.parameters import (
    CODE_LAYOUT_VERSION,
    CODE_LEAD_WORDS,
    CODE_SEGMENTS,
    CODE_WORDS,
    PREFILTER_LEAD_KEEP,
    PREFILTER_SHORTLIST,
)
from securecomm.afis.search.shard_search import full_code_scores, prefilter
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
from securecomm.machine import machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BUILD_BATCH = 20_000
TARGET_FPIR = 1e-3


def generator_fingerprint() -> str:
    """Short hash of the template generator's source files: part of the gallery cache key."""
    import securecomm.afis.template_synthesis as tsynth

    h = hashlib.sha256()
    for f in sorted(Path(tsynth.__file__).parent.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


def gallery_path(cache: Path, seed: int, n: int, shards: int) -> Path:
    """Cache directory of a benchmark gallery: everything that shapes its files is in the key."""
    key = f"s{seed}-n{n}-sh{shards}-c{CODE_LAYOUT_VERSION}-g{generator_fingerprint()}"
    return cache / f"gallery-{key}"


def upper_95(events: int, trials: int) -> float:
    """Exact (Clopper-Pearson) one-sided 95 % upper bound of a binomial rate."""
    from scipy import stats

    if trials == 0:
        return 1.0
    if events >= trials:
        return 1.0
    return float(stats.beta.ppf(0.95, events + 1, trials - events))


def identity_name(i: int) -> str:
    return f"S{i:09d}"


def build_gallery(path: Path, n: int, seed: int, shards: int) -> float:
    """Build (or reuse) the cached gallery; returns the build time in seconds."""
    done = path / "BUILD_DONE.json"
    if done.exists():
        return float(json.loads(done.read_text())["build_s"])
    if path.exists():
        shutil.rmtree(path)
    gen = TenPrintGenerator(seed)
    t0 = time.perf_counter()
    with Gallery.open(path, shards=shards) as gallery:
        for start in range(0, n, BUILD_BATCH):
            ids = np.arange(start, min(n, start + BUILD_BATCH), dtype=np.int64)
            packed = gen.impressions(ids, 0)
            append_packed(gallery, [identity_name(int(i)) for i in ids], packed)
            print(
                f"  built {start + len(ids):,}/{n:,} ({time.perf_counter() - t0:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    build_s = time.perf_counter() - t0
    done.write_text(json.dumps({"build_s": build_s, "identities": n, "seed": seed}))
    return build_s


def open_engine(kind: str, path: Path):
    if kind == "ray":
        from securecomm.afis.search.ray_engine import RaySearchEngine

        return RaySearchEngine.open(path)
    return EmbeddedSearchEngine(Gallery.open(path, create=False))


def prefilter_speed(path: Path, probe_fingers: dict) -> dict[str, float]:
    """Finger comparisons per second of the pre-filter, median of ≥ 5 runs.

    Measured as searches run it (``shard_search.prefilter``: the lead scan of every identity,
    the full codes of its survivors, the shortlist) and, as the baseline in the same run, one
    full-code scan of every identity (the single scan of code layout 3, ``code_scores`` over
    every slot). On one thread the time is the process's CPU time (per core, and robust to
    other jobs on a shared machine); on all numba threads it is wall time.
    """
    import numba

    from securecomm.afis import matching

    probe = prepare_probe(probe_fingers, matching)
    out: dict[str, float] = {}
    threads = numba.get_num_threads()
    with Gallery.open(path, writable=False, create=False) as g:
        comparisons = sum(s.identities for s in g.shards) * len(probe.prepared)
        every = [np.flatnonzero(s.live).astype(np.int64) for s in g.shards]

        def two_stage() -> None:
            for s in g.shards:
                prefilter(s, probe, PREFILTER_SHORTLIST)

        def full_scan() -> None:
            for s, slots in zip(g.shards, every, strict=True):
                full_code_scores(s, probe, slots)

        for label, n_threads, clock in (
            ("one_thread", 1, time.process_time),
            ("all_threads", threads, time.perf_counter),
        ):
            numba.set_num_threads(n_threads)
            for kind, scan in (("prefilter", two_stage), ("prefilter_full_scan", full_scan)):
                scan()  # warm-up (JIT, page cache)
                times = []
                t_end = time.perf_counter() + 2.0
                while len(times) < 5 or time.perf_counter() < t_end:
                    t = clock()
                    scan()
                    times.append(clock() - t)
                    if len(times) >= 100:
                        break
                rate = comparisons / statistics.median(times)
                out[f"{kind}_scan_s_{label}"] = statistics.median(times)
                out[f"{kind}_comparisons_per_s_{label}"] = rate
                out[f"{kind}_comparisons_per_s_per_core_{label}"] = rate / n_threads
            out[f"prefilter_speedup_over_full_scan_{label}"] = (
                out[f"prefilter_full_scan_scan_s_{label}"] / out[f"prefilter_scan_s_{label}"]
            )
        numba.set_num_threads(threads)
    return out


def run(
    n: int,
    probes: int,
    engine_kind: str,
    seed: int,
    cache: Path,
    shards: int,
    nonmated: int | None = None,
) -> dict:
    gen_key = generator_fingerprint()
    path = gallery_path(cache, seed, n, shards)
    print(f"[{engine_kind}] gallery of {n:,} at {path}", file=sys.stderr, flush=True)
    build_s = build_gallery(path, n, seed, shards)
    gen = TenPrintGenerator(seed)
    rng = np.random.default_rng(seed + 1)
    mated_ids = np.sort(rng.choice(n, size=min(probes, n), replace=False))
    nonmated_ids = NONMATED_BASE + np.arange(probes if nonmated is None else nonmated)

    t = time.perf_counter()
    engine = open_engine(engine_kind, path)
    reopen_s = time.perf_counter() - t
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        engine.search(gen.ten_print(int(mated_ids[0]), 1))  # warm-up: JIT and page cache
        latencies: list[float] = []
        cpu: list[float] = []
        mated_rank: list[int] = []
        mated_score: list[float] = []
        model_hits_mated = 0
        for i in mated_ids.tolist():
            probe = gen.ten_print(i, 1)
            t, c = time.perf_counter(), time.process_time()
            result = engine.search(probe)
            latencies.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            name = identity_name(i)
            rank = next((c.rank for c in result.candidates if c.identity_id == name), 0)
            score = next((c.score for c in result.candidates if c.identity_id == name), -1.0)
            mated_rank.append(rank)
            mated_score.append(score)
            model_hits_mated += int(result.hit is not None and result.hit.identity_id == name)
            if len(mated_rank) % 25 == 0:
                print(
                    f"  {len(mated_rank)} mated searches, on the list "
                    f"{np.mean(np.array(mated_rank) > 0):.2f}, p50 {np.median(latencies):.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
        nonmated_top: list[float] = []
        model_false = 0
        for i in nonmated_ids.tolist():
            probe = gen.ten_print(int(i), 1)
            t, c = time.perf_counter(), time.process_time()
            result = engine.search(probe)
            latencies.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            nonmated_top.append(result.candidates[0].score if result.candidates else 0.0)
            model_false += int(result.hit is not None)
            if len(nonmated_top) % 100 == 0:
                print(
                    f"  {len(nonmated_top):,} non-mated searches, p50 {np.median(latencies):.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        engine.close()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    top = np.sort(np.array(nonmated_top))[::-1]
    allowed = int(np.floor(TARGET_FPIR * len(top)))  # false positives allowed
    threshold = float(np.nextafter(top[allowed], np.inf)) if len(top) else 0.0
    ms = np.array(mated_score)
    fnir = float(np.mean(ms < threshold))
    pf_speed = prefilter_speed(path, gen.ten_print(int(mated_ids[0]), 1))
    disk = sum(f.stat().st_size for f in path.rglob("*.bin"))
    lat = np.array(latencies)
    return {
        "identities": n,
        "engine": engine_kind,
        "mated_searches": len(mated_ids),
        "nonmated_searches": len(nonmated_ids),
        "fnir_at_fpir_0_001": fnir,
        "threshold_at_fpir_0_001": threshold,
        "rank1_rate": float(np.mean(np.array(mated_rank) == 1)),
        "mate_on_candidate_list_rate": float(np.mean(np.array(mated_rank) > 0)),
        "model_threshold_fnir": 1.0 - model_hits_mated / len(mated_ids),
        "model_threshold_fpir": model_false / len(nonmated_ids),
        "model_threshold_false_positives": model_false,
        "model_threshold_fpir_upper_95": upper_95(model_false, len(nonmated_ids)),
        "nonmated_top_score_max": float(top[0]) if len(top) else 0.0,
        "model_threshold_10_fingers": engine_threshold(n),
        "latency_p50_s": float(np.percentile(lat, 50)),
        "latency_p95_s": float(np.percentile(lat, 95)),
        "searches_per_s": float(1.0 / lat.mean()),
        "cpu_s_per_search_p50": float(np.percentile(cpu, 50))
        if engine_kind == "embedded"
        else None,
        "prefilter_comparisons_per_s_per_core": pf_speed[
            "prefilter_comparisons_per_s_per_core_one_thread"
        ],
        **pf_speed,
        "bytes_per_identity": (FINGERS * CODE_WORDS * 8 + FINGERS * CODE_SEGMENTS * 2 + 1),
        "lead_scan_bytes_per_identity": FINGERS * CODE_SEGMENTS * CODE_LEAD_WORDS * 8 + 1,
        "lead_scan_keep": PREFILTER_LEAD_KEEP,
        "disk_bytes_per_identity": disk / n,
        "resident_growth_bytes_per_identity": max(0, rss1 - rss0) * 1024 / n,
        "build_s": build_s,
        "reopen_s": reopen_s,
        "shortlist_per_shard": PREFILTER_SHORTLIST,
        "shards": shards,
        "seed": seed,
        "generator_fingerprint": gen_key,
        "code_layout": CODE_LAYOUT_VERSION,
        "load_average_1min": os.getloadavg()[0],
        "machine": machine(),
    }


def compare_engines(n: int, k: int, seed: int, cache: Path, shards: int) -> bool:
    """Search the same probes with the embedded and the Ray engine (one after the other: each
    takes the gallery's writer lock) and compare candidate lists, scores and decisions."""
    path = gallery_path(cache, seed, n, shards)
    build_gallery(path, n, seed, shards)
    gen = TenPrintGenerator(seed)
    rng = np.random.default_rng(seed + 1)
    ids = np.sort(rng.choice(n, size=min(k, n), replace=False)).tolist()
    ids += (NONMATED_BASE + np.arange(k)).tolist()
    answers: dict[str, list] = {}
    for kind in ("embedded", "ray"):
        engine = open_engine(kind, path)
        try:
            answers[kind] = [
                (
                    r.decision,
                    [
                        (c.identity_id, c.score, c.prefilter_score, dict(c.finger_scores))
                        for c in r.candidates
                    ],
                )
                for r in (engine.search(gen.ten_print(int(i), 1)) for i in ids)
            ]
        finally:
            engine.close()
    differ = [i for i, a, b in zip(ids, answers["embedded"], answers["ray"], strict=True) if a != b]
    print(
        f"{len(ids)} searches ({k} mated, {k} non-mated) on {n:,} identities: "
        + ("identical candidates, scores and decisions" if not differ else f"differ for {differ}")
    )
    return not differ


def engine_threshold(n: int) -> float:
    from securecomm.afis.search.thresholds import fused_threshold

    return fused_threshold(TARGET_FPIR, n, 10)


def table(rows: list[dict]) -> str:
    cols = [
        ("identities", "{:>9,}"),
        ("engine", "{:>8}"),
        ("rank1_rate", "{:>6.3f}"),
        ("fnir_at_fpir_0_001", "{:>6.3f}"),
        ("latency_p50_s", "{:>6.3f}"),
        ("latency_p95_s", "{:>6.3f}"),
        ("searches_per_s", "{:>6.2f}"),
        ("prefilter_comparisons_per_s_per_core", "{:>10.3g}"),
        ("build_s", "{:>7.1f}"),
        ("reopen_s", "{:>6.3f}"),
    ]
    head = " ".join(f"{c:>{len(f.format(r[c]))}}"[:24] for c, f in cols for r in rows[:1])
    lines = [head]
    for r in rows:
        lines.append(" ".join(f.format(r[c]) for c, f in cols))
    return "\n".join(lines)


def plot(rows: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.2))
    for kind, marker in (("embedded", "o"), ("ray", "s")):
        pts = sorted(
            (r["identities"], r["latency_p50_s"], r["latency_p95_s"])
            for r in rows
            if r["engine"] == kind
        )
        if not pts:
            continue
        x, p50, p95 = zip(*pts, strict=True)
        ax.plot(x, p50, marker=marker, label=f"{kind} p50")
        ax.plot(x, p95, marker=marker, linestyle="--", alpha=0.6, label=f"{kind} p95")
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle=":", label="target p50 (1 s at 1M)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("gallery size (identities, 10 fingers each)")
    ax.set_ylabel("ten-print search latency (s)")
    ax.set_title(f"1:N search latency, {machine()['cores']} cores")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--identities", type=int)
    ap.add_argument("--probes", type=int, default=100, help="mated searches")
    ap.add_argument("--nonmated", type=int, help="non-mated searches (default: --probes)")
    ap.add_argument("--engine", choices=("embedded", "ray"), default="embedded")
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--build-only", action="store_true", help="build (or find) the cached gallery and stop"
    )
    ap.add_argument("--sweep", type=str, help="comma-separated sizes: both engines, plot")
    ap.add_argument(
        "--compare-engines",
        type=int,
        metavar="K",
        help="search K mated and K non-mated probes with both engines; report any difference",
    )
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument(
        "--cache-dir", type=Path, default=Path.home() / ".cache" / "securecomm" / "search"
    )
    ap.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        help="combine result JSON files (single runs or sweeps) into --json and redraw the plot",
    )
    args = ap.parse_args(argv)
    if args.merge:
        rows = []
        for f in args.merge:
            data = json.loads(f.read_text())
            rows.extend(data if isinstance(data, list) else [data])
        rows.sort(key=lambda r: (r["identities"], r["engine"]))
        out = args.json or RESULTS / "search_scale.json"
        out.write_text(json.dumps(rows, indent=2))
        plot(rows, out.with_name(out.stem + "_latency.png"))
        print(table(rows))
        return 0
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    if args.sweep:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = args.json or RESULTS / "search_scale.json"
        rows = []
        for n in [int(v) for v in args.sweep.split(",")]:
            for kind in ("embedded", "ray"):
                rows.append(
                    run(n, args.probes, kind, args.seed, args.cache_dir, args.shards, args.nonmated)
                )
                print(table(rows[-1:]), flush=True)
                # Written after every run, so a long sweep keeps what it has measured.
                out.write_text(json.dumps(rows, indent=2))
                plot(rows, RESULTS / "search_scale_latency.png")
        print(table(rows))
        return 0
    if not args.identities:
        ap.error("--identities is required (or --sweep)")
    if args.compare_engines:
        same = compare_engines(
            args.identities, args.compare_engines, args.seed, args.cache_dir, args.shards
        )
        return 0 if same else 1
    if args.build_only:
        path = gallery_path(args.cache_dir, args.seed, args.identities, args.shards)
        print(
            f"built {path} in {build_gallery(path, args.identities, args.seed, args.shards):.0f} s"
        )
        return 0
    row = run(
        args.identities,
        args.probes,
        args.engine,
        args.seed,
        args.cache_dir,
        args.shards,
        args.nonmated,
    )
    print(table([row]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(row, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
