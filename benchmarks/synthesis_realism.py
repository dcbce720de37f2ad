"""Realism and cost of the synthetic fingerprints (issue 4, items 3 and 6).

Four synthetic sets built like an FVC set (10 fingers × 8 flat impressions, seeds 1–4) and the
real FVC sets under ``../shared/data/fvc`` go through the same engine — our extractor and our
comparator — with the FVC full protocol (every unordered genuine pair, 280; every unordered
impostor pair, 2,880; failures to enrol count as score 0). Side by side: EER, FMR100, mean
minutiae per image, mean print quality (0–100), failures to enrol.

Also measured: how often the ground-truth minutiae of clean impressions have an extracted
minutia within 10 px; the median time per master, per flat and per rolled impression on one
core (the generator is single-threaded), and the projected time to make the prints of a
population of 10,000 people × 10 fingers (one master, one rolled and one flat impression per
finger). A picture sheet puts synthetic prints next to real FVC prints.

    python benchmarks/synthesis_realism.py [--fingers 10] [--impressions 8] [--sets 4]

Writes ``benchmarks/results/synthesis_realism.json`` and ``synthesis_realism_sheet.png``.
"""

from __future__ import annotations

import os

if __name__ == "__main__":  # one thread for the measurement; an importer's threads are its own
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import argparse
import itertools
import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from securecomm.afis.errors import AfisError
from securecomm.afis.evaluation import error_rates
from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.matching import compare_prepared, prepare
from securecomm.afis.synthesis import (
    ImpressionKind,
    finger_rng,
    generate_master,
    make_impression,
)
from securecomm.afis.types import FingerImage, Template
from securecomm.machine import machine

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SECURECOMM_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results"
REAL_SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")
SET_PPI = {"fvc2002/DB2_B": 569.0}
POPULATION_FINGERS = 10_000 * 10


@dataclass
class SetResult:
    name: str
    synthetic: bool
    eer: float
    fmr100: float
    minutiae_mean: float
    quality_mean: float
    failures_to_enrol: int
    images: int


def evaluate(name: str, synthetic: bool, images: dict[tuple[int, int], FingerImage]) -> SetResult:
    """Full FVC protocol on ``images`` keyed by (finger, impression)."""
    templates: dict[tuple[int, int], Template | None] = {}
    for key, image in images.items():
        try:
            templates[key] = extract(image)
        except AfisError:
            templates[key] = None
    prepared = {
        k: (prepare(t) if t is not None and t.count else None) for k, t in templates.items()
    }

    def score(a: tuple[int, int], b: tuple[int, int]) -> float:
        pa, pb = prepared[a], prepared[b]
        if pa is None or pb is None:
            return 0.0
        result = compare_prepared(pa, pb)
        # The comparator returns the calibrated score (older versions: a Comparison).
        return float(getattr(result, "score", result))

    keys = sorted(images)
    genuine = [score(a, b) for a, b in itertools.combinations(keys, 2) if a[0] == b[0]]
    impostor = [score(a, b) for a, b in itertools.combinations(keys, 2) if a[0] != b[0]]
    rates = error_rates(genuine, impostor)
    ok = [t for t in templates.values() if t is not None]
    return SetResult(
        name=name,
        synthetic=synthetic,
        eer=rates.eer,
        fmr100=rates.fmr100,
        minutiae_mean=float(np.mean([t.count for t in ok])) if ok else 0.0,
        quality_mean=float(np.mean([t.quality for t in ok])) if ok else 0.0,
        failures_to_enrol=sum(t is None for t in templates.values()),
        images=len(images),
    )


def synthetic_set(
    seed: int, fingers: int, impressions: int, timings: dict[str, list[float]]
) -> tuple[dict[tuple[int, int], FingerImage], list[str], list[tuple[int, int]]]:
    """Flat impressions of ``fingers`` masters; also clean-impression ground truth hits."""
    images: dict[tuple[int, int], FingerImage] = {}
    classes: list[str] = []
    gt_hits: list[tuple[int, int]] = []
    for index in range(fingers):
        rng = finger_rng(seed, index)
        t0 = time.process_time()
        master = generate_master(rng)
        timings["master"].append(time.process_time() - t0)
        classes.append(master.finger_class.value)
        for k in range(1, impressions + 1):
            t0 = time.process_time()
            imp = make_impression(master, rng)
            timings["flat"].append(time.process_time() - t0)
            images[(101 + index, k)] = imp.image
        t0 = time.process_time()
        make_impression(master, rng, kind=ImpressionKind.ROLLED)
        timings["rolled"].append(time.process_time() - t0)
        clean = make_impression(master, rng, clean=True)
        extracted = extract(clean.image)
        gt = clean.minutiae
        if gt.count and extracted.count:
            d = np.hypot(gt.x[:, None] - extracted.x[None, :], gt.y[:, None] - extracted.y[None, :])
            gt_hits.append((int(np.sum(d.min(axis=1) <= 10)), gt.count))
        else:
            gt_hits.append((0, gt.count))
    return images, classes, gt_hits


def real_set(name: str) -> dict[tuple[int, int], FingerImage]:
    folder = DATA / "fvc" / name
    images = {}
    for path in sorted(folder.glob("*.png")):
        finger, impression = (int(x) for x in path.stem.split("_"))
        images[(finger, impression)] = load_image(path, ppi=SET_PPI.get(name))
    if not images:
        raise SystemExit(f"no FVC images in {folder}")
    return images


def picture_sheet(
    synthetic: Sequence[tuple[str, np.ndarray]], real: Sequence[tuple[str, np.ndarray]], path: Path
) -> None:
    """Two rows at a common height: synthetic prints above, real FVC prints below."""
    height = 360
    label = 18

    def row(tiles: Sequence[tuple[str, np.ndarray]]) -> Image.Image:
        ims = []
        for caption, pixels in tiles:
            im = Image.fromarray(pixels)
            width = round(im.width * height / im.height)
            tile = Image.new("L", (width + 8, height + label), 255)
            tile.paste(im.resize((width, height), Image.Resampling.LANCZOS), (4, label))
            ImageDraw.Draw(tile).text((4, 2), caption, fill=0)
            ims.append(tile)
        out = Image.new("L", (sum(i.width for i in ims), height + label), 255)
        x = 0
        for i in ims:
            out.paste(i, (x, 0))
            x += i.width
        return out

    top, bottom = row(synthetic), row(real)
    sheet = Image.new("L", (max(top.width, bottom.width), top.height + bottom.height + 6), 255)
    sheet.paste(top, (0, 0))
    sheet.paste(bottom, (0, top.height + 6))
    sheet.save(path, optimize=True)


def print_table(results: Sequence[SetResult]) -> None:
    print(f"{'set':<22}{'EER %':>8}{'FMR100 %':>10}{'minutiae':>10}{'quality':>9}{'FTE':>5}")
    for r in results:
        print(
            f"{r.name:<22}{100 * r.eer:>8.2f}{100 * r.fmr100:>10.2f}{r.minutiae_mean:>10.1f}"
            f"{r.quality_mean:>9.1f}{r.failures_to_enrol:>5}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fingers", type=int, default=10)
    parser.add_argument("--impressions", type=int, default=8)
    parser.add_argument("--sets", type=int, default=4)
    parser.add_argument("--real", default=",".join(REAL_SETS), help="comma-separated FVC sets")
    parser.add_argument("--out", type=Path, default=RESULTS / "synthesis_realism.json")
    args = parser.parse_args(argv)

    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, load {info['load_average_at_start']}")
    # Warm-up: compile (or load from cache) the numba kernels before timing anything.
    warm = generate_master(np.random.default_rng(0))
    extract(make_impression(warm, np.random.default_rng(0)).image)

    timings: dict[str, list[float]] = {"master": [], "flat": [], "rolled": []}
    results: list[SetResult] = []
    classes: Counter[str] = Counter()
    hits: list[tuple[int, int]] = []
    sheet_synthetic: list[tuple[str, np.ndarray]] = []
    for s in range(1, args.sets + 1):
        images, cls, gt = synthetic_set(s, args.fingers, args.impressions, timings)
        classes.update(cls)
        hits.extend(gt)
        results.append(evaluate(f"synthetic seed {s}", True, images))
        sheet_synthetic.append((f"synthetic s{s} 101_1", images[(101, 1)].pixels))
        if s == 1:
            sheet_synthetic.append((f"synthetic s{s} 102_2", images[(102, 2)].pixels))
        print_table(results[-1:])

    sheet_real: list[tuple[str, np.ndarray]] = []
    for name in [n for n in args.real.split(",") if n]:
        images = real_set(name)
        results.append(evaluate(name, False, images))
        sheet_real.append((f"{name} 101_1", images[(101, 1)].pixels))
        print_table(results[-1:])

    synth = [r for r in results if r.synthetic]
    real = [r for r in results if not r.synthetic]

    def avg(rs: Sequence[SetResult], attr: str) -> float:
        return float(np.mean([getattr(r, attr) for r in rs])) if rs else float("nan")

    median = {k: statistics.median(v) for k, v in timings.items()}
    per_finger = median["master"] + median["rolled"] + median["flat"]
    hit_rate = sum(h for h, _ in hits) / max(1, sum(n for _, n in hits))
    print()
    print_table(results)
    eer_synth, eer_real = 100 * avg(synth, "eer"), 100 * avg(real, "eer")
    print(f"\naverage EER: synthetic {eer_synth:.2f} %, real {eer_real:.2f} %")
    print(f"ground truth within 10 px of an extracted minutia (clean impressions): {hit_rate:.1%}")
    print(
        f"median CPU seconds: master {median['master']:.3f}, flat impression "
        f"{median['flat']:.3f}, rolled impression {median['rolled']:.3f}"
    )
    print(
        f"projected for 10,000 people × 10 fingers (master + rolled + flat): "
        f"{POPULATION_FINGERS * per_finger / 3600:.1f} h on one core, "
        f"{POPULATION_FINGERS * per_finger / 7200:.1f} h on two"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    sheet_path = args.out.with_name("synthesis_realism_sheet.png")
    picture_sheet(sheet_synthetic, sheet_real, sheet_path)
    report = {
        "benchmark": "synthesis_realism",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "protocol": {
            "fingers": args.fingers,
            "impressions": args.impressions,
            "synthetic_sets": args.sets,
            "synthetic_seeds": list(range(1, args.sets + 1)),
            "pairs": "FVC full: all unordered genuine and impostor pairs; FTE scored 0",
            "engine": "securecomm.afis.extraction.extract + securecomm.afis.matching",
        },
        "sets": [r.__dict__ for r in results],
        "averages": {
            kind: {
                "eer": avg(rs, "eer"),
                "fmr100": avg(rs, "fmr100"),
                "minutiae_mean": avg(rs, "minutiae_mean"),
                "quality_mean": avg(rs, "quality_mean"),
            }
            for kind, rs in (("synthetic", synth), ("real", real))
        },
        "ground_truth_hit_rate_10px_clean": hit_rate,
        "class_counts": dict(sorted(classes.items())),
        "seconds_median_one_core": median,
        "timing_samples": {k: len(v) for k, v in timings.items()},
        "projection_10k_people_10_fingers": {
            "fingers": POPULATION_FINGERS,
            "per_finger_seconds": per_finger,
            "hours_one_core": POPULATION_FINGERS * per_finger / 3600,
            "hours_two_cores": POPULATION_FINGERS * per_finger / 7200,
        },
        "picture_sheet": sheet_path.name,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.out} and {sheet_path}")


if __name__ == "__main__":
    main()
