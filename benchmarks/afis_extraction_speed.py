"""Feature extraction and template preparation speed, per stage, on FVC and rolled prints,
before and after in the same run; and whether print quality predicts scores.

Cases (``--cases``):

- the five shared FVC sets (80 plain impressions each, 300 × 300 to 640 × 480);
- ``rolled/ansinist``: the rolled 804 × 752 prints of the shared ANSI/NIST WSQ samples (fp-1,
  fp-2), the size of a ten-print card's rolled impressions;
- ``rolled/booking``: the ten rolled prints of two synthetic bookings, made as the pipeline
  makes them (``afis.synthesis`` ten-print card → WSQ → decoded), 592 × 548.

For each case: extraction time per image (median over the images of the best of ``--repeat``
runs), the median time of each stage, minutiae per image, failures to enrol, ``prepare`` time
per template and ``compare_prepared`` time per comparison. With ``--baseline REV`` (default
825168f, the engine before the numba kernels) every case is measured in the same run for the
engine at that commit too (its sources unpacked with ``git archive`` into a temporary folder
and run in a subprocess, alternating with the current engine case by case, so that both see
the same machine load). For the FVC sets it also checks the print-quality score against
comparison performance (current engine): the 280 genuine pairs of a set are split by the
lower quality of the pair into thirds, and the mean genuine score of the bottom and top third
is reported (quality that predicts performance: bottom < top).

Times are the CPU time of a single-threaded process (``time.process_time``), so that they mean
"one core" even on a shared, loaded machine; ``--wall`` measures wall-clock time instead.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/afis_extraction_speed.py [--repeat 3]``
Writes ``benchmarks/results/afis_extraction_speed.json`` (``--cases … --merge`` re-measures
some cases and keeps the others; each case records when and under what load it was measured).
"""

from __future__ import annotations

import os

if __name__ == "__main__":  # one thread for the measurement; an importer's threads are its own
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import argparse
import io
import itertools
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SECURECOMM_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULT = ROOT / "benchmarks" / "results" / "afis_extraction_speed.json"
#: The engine before the numba extraction and preparation kernels.
DEFAULT_BASELINE = "825168f"
#: Resolution of each FVC set (FVC2002 DB2 is 569 ppi; the others 500).
FVC_SETS = {
    "fvc2002/DB1_B": 500.0,
    "fvc2002/DB2_B": 569.0,
    "fvc2002/DB3_B": 500.0,
    "fvc2002/DB4_B": 500.0,
    "fvc2004/DB1_B": 500.0,
}
ROLLED_CASES = ("rolled/ansinist", "rolled/booking")
#: Synthetic bookings: people and the seed of their fingers and impressions.
BOOKING_PEOPLE = 2
BOOKING_SEED = 20261129
STAGES = (
    "normalise",
    "orientation",
    "segmentation",
    "frequency",
    "enhancement",
    "binarise",
    "thin",
    "clarity",
    "minutiae",
)


def best_of(repeat: int, fn: Callable[[], Any], wall: bool = False) -> tuple[float, Any]:
    """Best of ``repeat`` runs, in milliseconds of this process's CPU time (or wall time)."""
    clock = time.perf_counter if wall else time.process_time
    best, out = float("inf"), None
    for _ in range(repeat):
        t = clock()
        out = fn()
        best = min(best, clock() - t)
    return best * 1000.0, out


# --- the measuring worker (runs against whichever securecomm is importable) ------------------


def load_case(case: str, booking_file: Path | None) -> dict[str, Any]:
    """name → FingerImage for one case (500 ppi)."""
    from securecomm.afis.image import load_image
    from securecomm.afis.types import FingerImage

    if case in FVC_SETS:
        folder = DATA / "fvc" / case
        return {
            f"{f}_{k}": load_image(folder / f"{f}_{k}.png", ppi=FVC_SETS[case])
            for f in range(101, 111)
            for k in range(1, 9)
        }
    if case == "rolled/ansinist":
        folder = DATA / "ansinist" / "wsq"
        return {name: load_image(folder / f"{name}.wsq") for name in ("fp-1", "fp-2")}
    if case == "rolled/booking":
        if booking_file is None:
            raise SystemExit("rolled/booking needs --booking-file")
        arrays = np.load(booking_file)
        return {name: FingerImage(pixels=arrays[name], ppi=500.0) for name in arrays.files}
    raise SystemExit(f"unknown case {case}")


def stage_times(pixels: np.ndarray, repeat: int, wall: bool) -> dict[str, float]:
    """Milliseconds of each stage on one image (best of ``repeat``)."""
    from securecomm.afis.extraction import DEFAULT_PARAMETERS as P
    from securecomm.afis.extraction.clarity import local_clarity
    from securecomm.afis.extraction.enhancement import enhance
    from securecomm.afis.extraction.frequency import estimate_ridge_period
    from securecomm.afis.extraction.minutiae import detect_minutiae
    from securecomm.afis.extraction.normalization import normalise_contrast
    from securecomm.afis.extraction.orientation import estimate_orientation
    from securecomm.afis.extraction.segmentation import segment
    from securecomm.afis.extraction.skeleton import binarise, thin

    def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
        return best_of(repeat, fn, wall)

    times: dict[str, float] = {}
    times["normalise"], norm = timed(lambda: normalise_contrast(pixels, P))
    times["orientation"], field = timed(lambda: estimate_orientation(norm.values, P))
    times["segmentation"], mask = timed(
        lambda: segment(norm.coarse_deviation, field.coarse_coherence, pixels.shape, P)
    )
    times["frequency"], (period, _) = timed(
        lambda: estimate_ridge_period(norm.values, field, mask, P)
    )
    times["enhancement"], enhanced = timed(lambda: enhance(norm.values, field, period, mask, P))
    times["binarise"], ridges = timed(lambda: binarise(enhanced, mask))
    times["thin"], skeleton = timed(lambda: thin(ridges))
    times["clarity"], clarity = timed(lambda: local_clarity(norm.values, enhanced, P))
    times["minutiae"], _ = timed(lambda: detect_minutiae(skeleton, mask, field, clarity, P))
    return times


def quality_vs_scores(templates: dict[str, Any]) -> dict[str, Any]:
    """Mean genuine score of the bottom and top third of an FVC set's pairs by quality."""
    from securecomm.afis.matching import compare_prepared, prepare

    prepared = {k: (prepare(t) if t is not None else None) for k, t in templates.items()}
    rows = []
    for finger in range(101, 111):
        for i, j in itertools.combinations(range(1, 9), 2):
            a, b = f"{finger}_{i}", f"{finger}_{j}"
            ta, tb, pa, pb = templates[a], templates[b], prepared[a], prepared[b]
            score = compare_prepared(pa, pb) if pa is not None and pb is not None else 0.0
            quality = min(ta.quality if ta else 0, tb.quality if tb else 0)
            rows.append((quality, float(score)))
    rows.sort()
    third = len(rows) // 3
    low, high = rows[:third], rows[-third:]
    rank_q = np.argsort(np.argsort([q for q, _ in rows]))
    rank_s = np.argsort(np.argsort([s for _, s in rows]))
    return {
        "genuine_pairs": len(rows),
        "bottom_third_quality_max": low[-1][0],
        "top_third_quality_min": high[0][0],
        "bottom_third_mean_genuine_score": statistics.fmean(s for _, s in low),
        "top_third_mean_genuine_score": statistics.fmean(s for _, s in high),
        "spearman_quality_vs_genuine_score": float(np.corrcoef(rank_q, rank_s)[0, 1]),
    }


def measure(case: str, repeat: int, wall: bool, booking_file: Path | None) -> dict[str, Any]:
    """Everything measured for one case with the importable engine."""
    from securecomm.afis.errors import ExtractionError
    from securecomm.afis.extraction import extract
    from securecomm.afis.matching import compare_prepared, prepare

    images = load_case(case, booking_file)
    first = next(iter(images.values()))
    extract(first)  # JIT compile / load the numba caches, build the filter bank
    per_image: list[float] = []
    templates: dict[str, Any] = {}
    for name, image in images.items():
        try:
            ms, templates[name] = best_of(repeat, lambda image=image: extract(image), wall)
        except ExtractionError:
            ms, templates[name] = float("nan"), None
        per_image.append(ms)
    sample = list(images.values())[:: max(1, len(images) // 10)]
    stages = [stage_times(image.pixels, repeat, wall) for image in sample]
    enrolled = [t for t in templates.values() if t is not None]
    prepare(enrolled[0])
    prepare_ms = [best_of(repeat, lambda t=t: prepare(t), wall)[0] for t in enrolled]
    prepared = [prepare(t) for t in enrolled]
    compare_prepared(prepared[0], prepared[-1])
    compare_us = [
        1000.0 * best_of(repeat, lambda a=a, b=b: compare_prepared(a, b), wall)[0]
        for a, b in itertools.islice(itertools.combinations(prepared, 2), 200)
    ]
    timed = [ms for ms in per_image if ms == ms]
    return {
        "images": len(images),
        "image_size": f"{first.width}x{first.height}",
        "median_ms_per_image": statistics.median(timed),
        "p90_ms_per_image": float(np.percentile(timed, 90)),
        "stage_median_ms": {k: statistics.median(s[k] for s in stages) for k in STAGES},
        "failures_to_enrol": len(images) - len(enrolled),
        "mean_minutiae": statistics.fmean(t.count for t in enrolled),
        "mean_quality": statistics.fmean(t.quality for t in enrolled),
        "prepare_median_ms": statistics.median(prepare_ms),
        "compare_prepared_median_us": statistics.median(compare_us),
        "quality_vs_genuine_score": quality_vs_scores(templates) if case in FVC_SETS else None,
    }


# --- the orchestrating run -----------------------------------------------------------------


def make_bookings(path: Path) -> None:
    """The rolled prints of ``BOOKING_PEOPLE`` synthetic bookings, through WSQ, to ``path``."""
    from PIL import Image

    from securecomm.afis.image import load_image
    from securecomm.afis.synthesis.ten_print import ten_fingers, ten_print_card

    rng = np.random.default_rng(BOOKING_SEED)
    arrays = {}
    for person in range(BOOKING_PEOPLE):
        card = ten_print_card(ten_fingers(rng), rng)
        for position, image in card.fingers.items():
            buffer = io.BytesIO()
            Image.fromarray(image.pixels).save(buffer, "WSQ")
            decoded = load_image(buffer.getvalue(), ppi=500.0)
            arrays[f"person{person}_finger{position:02d}"] = decoded.pixels
    np.savez_compressed(path, **arrays)


def unpack_baseline(revision: str, folder: Path) -> Path:
    """``src/securecomm`` at ``revision`` unpacked into ``folder``; returns its ``src``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src/securecomm"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def run_worker(src: Path, case: str, repeat: int, wall: bool, booking_file: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", case, "--repeat", str(repeat)]
    command += ["--booking-file", str(booking_file)] + (["--wall"] if wall else [])
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.splitlines()[-1])


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def print_row(case: str, engine: str, r: dict[str, Any]) -> None:
    q = r.get("quality_vs_genuine_score")
    qv = (
        f"{q['bottom_third_mean_genuine_score']:.2f} / {q['top_third_mean_genuine_score']:.2f}"
        if q
        else "-"
    )
    print(
        f"{case:16s} {engine:8s} {r['image_size']:>8s} {r['median_ms_per_image']:7.1f} "
        f"{r['p90_ms_per_image']:6.1f} {r['failures_to_enrol']:4d} {r['mean_minutiae']:6.1f} "
        f"{r['prepare_median_ms']:8.3f} {r['compare_prepared_median_us']:8.1f} {qv:>13s}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", nargs="*", default=[*FVC_SETS, *ROLLED_CASES])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision, or 'none'")
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    parser.add_argument("--out", type=Path, default=RESULT)
    parser.add_argument(
        "--merge", action="store_true", help="keep the other cases already in --out"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--booking-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.repeat, args.wall, args.booking_file)))
        return

    from securecomm.machine import machine

    results: dict[str, Any] = {
        "machine": machine(),
        "commit": git_commit(),
        "baseline": None if args.baseline == "none" else args.baseline,
        "repeat": args.repeat,
        "clock": "wall" if args.wall else "process CPU time (one thread)",
        "cases": {},
    }
    print(f"machine: {results['machine']}")
    print(
        f"{'case':16s} {'engine':8s} {'size':>8s} {'ms/img':>7s} {'p90':>6s} {'FTE':>4s} "
        f"{'minut.':>6s} {'prep ms':>8s} {'cmp µs':>8s} {'gen. low/high q':>13s}"
    )
    with tempfile.TemporaryDirectory(prefix="afis-speed-") as tmp:
        booking_file = Path(tmp) / "bookings.npz"
        make_bookings(booking_file)
        engines = {"current": ROOT / "src"}
        if results["baseline"]:
            engines = {"baseline": unpack_baseline(args.baseline, Path(tmp)), **engines}
        for case in args.cases:
            row = {}
            for engine, src in engines.items():
                row[engine] = run_worker(src, case, args.repeat, args.wall, booking_file)
                print_row(case, engine, row[engine])
            row["measured"] = {
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "load_average": round(os.getloadavg()[0], 2),
                "repeat": args.repeat,
            }
            results["cases"][case] = row

    if args.merge and args.out.exists():
        # keep the other cases of an earlier run; these cases replace theirs
        earlier = json.loads(args.out.read_text())
        results["cases"] = {**earlier.get("cases", {}), **results["cases"]}
    fvc = [
        r["current"]["median_ms_per_image"] for c, r in results["cases"].items() if c in FVC_SETS
    ]
    results["median_of_fvc_set_medians_ms"] = statistics.median(fvc) if fvc else None
    results["stage_median_ms"] = {
        engine: {
            k: statistics.median(r[engine]["stage_median_ms"][k] for r in results["cases"].values())
            for k in STAGES
        }
        for engine in engines
    }
    for engine, stages in results["stage_median_ms"].items():
        print(
            f"stages, {engine} (median ms): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
