"""FVC 1:1 benchmark (BENCHMARKS.md §1): accuracy and speed of the fingerprint engine.

For every set under ``../shared/data/fvc`` and two modes —

- ``iso``: comparator only, on the third-party ISO/IEC 19794-2 templates (``*.iso``);
- ``e2e``: end to end, our extraction on the images (``*.png``) and our comparator —

it runs the full protocol (280 genuine + 2,880 impostor pairs per set, each unordered pair
once; the comparator is symmetric by construction) and reports EER, FMR100, FMR1000, ZeroFMR,
failures to enrol (their comparisons count as score 0), mean minutiae per image, extraction
milliseconds per image (median, one core, after warm-up) and comparisons per second on one
core (median of ≥ 5 runs of ≥ 1 s, all templates prepared in memory, batch kernel).

    python benchmarks/afis_fvc.py [--sets fvc2002/DB1_B,...] [--mode iso|e2e|both]
    securecomm afis bench ...      (the same)

Writes ``benchmarks/results/afis_fvc.json`` and ``benchmarks/results/afis_fvc_det.png``.
``--fit`` also refits the score calibration on the impostor pairs of every set and mode run
and prints the constants for ``securecomm/afis/matching/calibration.py``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from securecomm.afis.errors import AfisError  # noqa: E402
from securecomm.afis.evaluation import det_curve, error_rates  # noqa: E402
from securecomm.afis.matching import pack, prepare  # noqa: E402
from securecomm.afis.matching.batch import raw_scores  # noqa: E402
from securecomm.afis.matching.calibration import calibrate_many, fit_calibration  # noqa: E402
from securecomm.afis.templates import read_template  # noqa: E402
from securecomm.afis.types import Template  # noqa: E402
from securecomm.machine import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("SECURECOMM_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results"
ALL_SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")
#: Sensor resolutions from the data README (DB2 is 569 ppi; the others about 500).
SET_PPI = {"fvc2002/DB2_B": 569.0}
MODES = ("iso", "e2e")


@dataclass
class SetResult:
    set: str
    mode: str
    eer: float
    fmr100: float
    fmr1000: float
    zero_fmr: float
    failures_to_enrol: int
    images: int
    minutiae_per_image: float
    extraction_ms: float | None
    comparisons_per_second: float
    genuine: int
    impostor: int
    det: dict[str, list[float]] = field(default_factory=dict)


def git_state() -> str:
    """The commit the engine ran from, marked dirty if src/securecomm/afis has local edits."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src/securecomm/afis"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    except OSError:
        return "unknown"
    return f"{head}{' (afis sources modified)' if dirty else ''}" if head else "unknown"


def load_templates(
    files: Sequence[Path], mode: str, ppi: float | None, log: Callable[[str], None]
) -> tuple[list[Template | None], float | None]:
    """Templates of a set (None for a failure to enrol) and the median extraction time."""
    if mode == "iso":
        out: list[Template | None] = []
        for f in files:
            try:
                out.append(read_template(f))
            except AfisError as exc:
                log(f"failure to enrol {f.name}: {exc}")
                out.append(None)
        return out, None
    from securecomm.afis.extraction import extract
    from securecomm.afis.image import load_image

    images = [load_image(f, ppi=ppi) for f in files]
    with contextlib.suppress(AfisError):  # warm-up: JIT compilation and caches
        extract(images[0])
    out, times = [], []
    for f, image in zip(files, images, strict=True):
        t0 = time.process_time()
        try:
            template: Template | None = extract(image)
        except AfisError as exc:
            log(f"failure to enrol {f.name}: {exc}")
            template = None
        times.append(time.process_time() - t0)
        out.append(template)
    return out, 1000.0 * statistics.median(times)


def comparisons_per_second(packed, ia: np.ndarray, ib: np.ndarray, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median over ``runs`` runs, each repeating the pair list until ≥ 1 s has passed.

    Measured in this process's CPU time (one thread), i.e. comparisons per second of one
    core: on a shared machine wall time would count other people's processes too.
    """
    raw_scores(packed, ia[:10], ib[:10])  # compile / load the cache
    rates = []
    for _ in range(runs):
        done, t0 = 0, time.process_time()
        while True:
            raw_scores(packed, ia, ib)
            done += len(ia)
            elapsed = time.process_time() - t0
            if elapsed >= 1.0:
                break
        rates.append(done / elapsed)
    return statistics.median(rates)


def run_set(
    data: Path, name: str, mode: str, runs: int, log: Callable[[str], None]
) -> tuple[SetResult, np.ndarray]:
    ext = "iso" if mode == "iso" else "png"
    files = sorted((data / "fvc" / name).glob(f"*.{ext}"))
    if not files:
        raise SystemExit(f"no *.{ext} files in {data / 'fvc' / name}")
    templates, extraction_ms = load_templates(files, mode, SET_PPI.get(name), log)
    enrolled = [i for i, t in enumerate(templates) if t is not None]
    prepared = [prepare(templates[i]) for i in enrolled]  # type: ignore[arg-type]
    packed = pack(prepared)
    position = {i: k for k, i in enumerate(enrolled)}
    fingers = [f.stem.split("_")[0] for f in files]
    pairs = list(itertools.combinations(range(len(files)), 2))
    genuine_mask = np.array([fingers[i] == fingers[j] for i, j in pairs])
    ok = np.array([i in position and j in position for i, j in pairs])
    ia = np.array([position.get(i, 0) for i, _ in pairs], dtype=np.int64)
    ib = np.array([position.get(j, 0) for _, j in pairs], dtype=np.int64)
    raw = np.zeros(len(pairs))
    raw[ok] = raw_scores(packed, ia[ok], ib[ok])
    scores = calibrate_many(raw)
    scores[~ok] = 0.0  # failures to enrol: failed comparisons, never dropped
    rates = error_rates(scores[genuine_mask], scores[~genuine_mask])
    det = det_curve(scores[genuine_mask], scores[~genuine_mask])
    cps = comparisons_per_second(packed, ia[ok & ~genuine_mask], ib[ok & ~genuine_mask], runs)
    minutiae = [t.count for t in templates if t is not None]
    result = SetResult(
        set=name,
        mode=mode,
        eer=rates.eer,
        fmr100=rates.fmr100,
        fmr1000=rates.fmr1000,
        zero_fmr=rates.zero_fmr,
        failures_to_enrol=len(files) - len(enrolled),
        images=len(files),
        minutiae_per_image=float(np.mean(minutiae)) if minutiae else 0.0,
        extraction_ms=extraction_ms,
        comparisons_per_second=cps,
        genuine=rates.genuine,
        impostor=rates.impostor,
        det={"fmr": det.fmr.tolist(), "fnmr": det.fnmr.tolist()},
    )
    return result, raw[ok & ~genuine_mask]


def averages(results: Sequence[SetResult]) -> list[dict[str, object]]:
    rows = []
    for mode in MODES:
        for label, prefix in (("FVC2002 avg", "fvc2002/"), ("FVC2004 avg", "fvc2004/")):
            group = [r for r in results if r.mode == mode and r.set.startswith(prefix)]
            if not group:
                continue
            rows.append(
                {
                    "set": label,
                    "mode": mode,
                    "sets": len(group),
                    **{
                        k: float(np.mean([getattr(r, k) for r in group]))
                        for k in ("eer", "fmr100", "fmr1000", "zero_fmr", "minutiae_per_image")
                    },
                    "failures_to_enrol": sum(r.failures_to_enrol for r in group),
                    "extraction_ms": (
                        float(np.median([r.extraction_ms for r in group]))
                        if group[0].extraction_ms is not None
                        else None
                    ),
                    "comparisons_per_second": float(
                        np.median([r.comparisons_per_second for r in group])
                    ),
                }
            )
    return rows


def print_table(results: Sequence[SetResult], avg: Sequence[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="FVC 1:1 benchmark (full protocol; rates in %)")
    for col in ("set", "mode", "EER", "FMR100", "FMR1000", "ZeroFMR", "FTE", "minutiae",
                "extract ms", "cmp/s"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("set", "mode") else "right")

    def row(d: dict[str, object], bold: bool = False) -> None:
        ms = d.get("extraction_ms")
        cells = [
            str(d["set"]), str(d["mode"]), f"{100 * d['eer']:.2f}", f"{100 * d['fmr100']:.2f}",  # type: ignore[operator]
            f"{100 * d['fmr1000']:.2f}", f"{100 * d['zero_fmr']:.2f}",  # type: ignore[operator]
            str(d["failures_to_enrol"]), f"{d['minutiae_per_image']:.1f}",
            "-" if ms is None else f"{ms:.1f}", f"{d['comparisons_per_second']:,.0f}",
        ]  # fmt: skip
        table.add_row(*cells, style="bold" if bold else None)

    for r in results:
        row(r.__dict__)
    for d in avg:
        row(d, bold=True)
    Console(width=150).print(table)


def plot_det(results: Sequence[SetResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 6))
    for r in results:
        fmr = np.maximum(np.asarray(r.det["fmr"]), 1e-5)
        fnmr = np.maximum(np.asarray(r.det["fnmr"]), 1e-5)
        style = "-" if r.mode == "e2e" else "--"
        ax.plot(fmr, fnmr, style, label=f"{r.set} {r.mode} (EER {100 * r.eer:.2f} %)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1e-4, 1)
    ax.set_ylim(1e-3, 1)
    ax.set_xlabel("FMR")
    ax.set_ylabel("FNMR")
    ax.set_title("DET: FVC B sets, securecomm MCC + LSS-R")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(
    sets: Sequence[str] = ALL_SETS,
    modes: Sequence[str] = MODES,
    data: Path = DEFAULT_DATA,
    runs: int = 5,
    out: Path | None = RESULTS / "afis_fvc.json",
    det_png: Path | None = RESULTS / "afis_fvc_det.png",
    fit: bool = False,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> dict[str, object]:
    """Run the benchmark and return (and write) its JSON document."""
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"unknown mode {m!r}, expected one of {MODES}")
    info = {**machine(), "git": git_state()}
    results: list[SetResult] = []
    impostor_raw: list[np.ndarray] = []
    for mode in modes:
        for name in sets:
            log(f"{name} [{mode}] ...")
            result, imp = run_set(data, name, mode, runs, log)
            results.append(result)
            impostor_raw.append(imp)
    avg = averages(results)
    print_table(results, avg)
    print(f"machine: {info['cpu']}, {info['cores']} cores, load {info['load_average_at_start']}")
    doc: dict[str, object] = {
        "benchmark": "afis_fvc",
        "protocol": "BENCHMARKS.md §1 full (280 genuine + 2880 impostor pairs per set)",
        "comparator": "MCC bit-wise (Ns=8, Nd=6) + LSS-R, symmetric by construction",
        "command": "python benchmarks/afis_fvc.py " + " ".join(sys.argv[1:]),
        "machine": info,
        "sets": [{k: v for k, v in r.__dict__.items() if k != "det"} for r in results],
        "averages": avg,
    }
    if fit and impostor_raw:
        pooled = np.concatenate(impostor_raw)
        raws, logs, slope = fit_calibration(pooled)
        print("# paste into src/securecomm/afis/matching/calibration.py")
        print(f"RAW_KNOTS: tuple[float, ...] = ({', '.join(f'{v:.6g}' for v in raws)})")
        print(f"LOG_FMR_KNOTS: tuple[float, ...] = ({', '.join(f'{v:.4f}' for v in logs)})")
        print(f"TAIL_SLOPE = {slope:.4f}")
        print(
            f'FIT_SOURCE = "{", ".join(modes)} impostors of {", ".join(sets)}: {len(pooled)} pairs"'
        )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {out}")
    if det_png is not None:
        det_png.parent.mkdir(parents=True, exist_ok=True)
        plot_det(results, det_png)
        print(f"wrote {det_png}")
    return doc


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated set names")
    parser.add_argument("--mode", default="both", choices=("iso", "e2e", "both"))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5, help="speed runs of ≥ 1 s (median)")
    parser.add_argument("--out", type=Path, default=RESULTS / "afis_fvc.json")
    parser.add_argument("--det", type=Path, default=RESULTS / "afis_fvc_det.png")
    parser.add_argument("--fit", action="store_true", help="refit the score calibration")
    args = parser.parse_args(argv)
    run(
        sets=[s.strip() for s in args.sets.split(",") if s.strip()],
        modes=MODES if args.mode == "both" else (args.mode,),
        data=args.data,
        runs=args.runs,
        out=args.out,
        det_png=args.det,
        fit=args.fit,
    )


if __name__ == "__main__":
    main()
