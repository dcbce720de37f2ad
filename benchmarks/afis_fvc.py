"""FVC 1:1 benchmark (BENCHMARKS.md §1): accuracy and speed of the fingerprint engine.

For every set under ``../shared/data/fvc`` and two modes —

- ``iso``: comparator only, on the third-party ISO/IEC 19794-2 templates (``*.iso``);
- ``e2e``: end to end, our extraction on the images (``*.png``) and our comparator —

it runs the full protocol (280 genuine + 2,880 impostor pairs per set, each unordered pair
once; the comparator is symmetric by construction) and reports EER, FMR100, FMR1000, ZeroFMR,
failures to enrol (their comparisons count as score 0), mean minutiae per image, extraction
milliseconds per image (median, one core, after warm-up) and comparisons per second on one
core (median of ≥ 5 runs of ≥ 1 s, all templates prepared in memory, batch kernel).

Guards against over-fitting (issue 14):

- ``--loso``: leave one set out. For each of the five shared sets, the candidate settings
  (:data:`CANDIDATES`: the engine's defaults and a grid around them) are ranked by their mean
  end-to-end EER on the *other four*; the chosen one is reported on the held-out set, beside
  the defaults' figure there. The score calibration is refitted the same way (on the other
  four sets' impostors, both modes, as ``--fit`` does) and its false match rate at the
  calibrated thresholds 3 and 4 measured on the held-out set's impostors.
- ``--emulated``: end to end on sets the engine has not seen — the shared images cropped to a
  small frame with reduced contrast, dry and wet variants, and ``synth fvc-like`` sets at
  other frame sizes (``afis_fvc_sensors.py``).
- ``--baseline-src DIR``: the same command is first run on another engine (``DIR/src``, e.g.
  ``git archive <commit> src | tar -x -C DIR``) in a child process, in the same session;
  the table then shows both, and the JSON keeps the baseline under ``"baseline"``.

    python benchmarks/afis_fvc.py [--sets fvc2002/DB1_B,...] [--mode iso|e2e|both]
        [--loso] [--emulated] [--baseline-src DIR]
    securecomm afis bench ...      (the shared sets; the same)

Writes ``benchmarks/results/afis_fvc.json`` and ``benchmarks/results/afis_fvc_det.png``.
``--fit`` also refits the score calibration on the impostor pairs of every set and mode run
and prints the constants for ``securecomm/afis/matching/calibration.py``.
"""

from __future__ import annotations

import os

if __name__ == "__main__":  # one thread for the measurement; an importer's threads are its own
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import argparse
import contextlib
import dataclasses
import importlib
import itertools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from securecomm.afis.errors import AfisError
from securecomm.afis.evaluation import det_curve, error_rates
from securecomm.afis.matching import pack, prepare
from securecomm.afis.matching.calibration import calibrate_many, fit_calibration
from securecomm.afis.templates import read_template
from securecomm.afis.types import FingerImage, Template
from securecomm.machine import machine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("SECURECOMM_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results"
ALL_SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")
#: Sensor resolutions from the data README (DB2 is 569 ppi; the others about 500).
SET_PPI = {"fvc2002/DB2_B": 569.0}
MODES = ("iso", "e2e")

#: Leave-one-set-out candidates: overrides of ``securecomm.afis.matching.parameters`` (upper
#: case) and of ``ExtractionParameters`` fields (lower case). The first is the engine as it
#: is. A candidate naming a constant the engine does not have is skipped (older engines).
CANDIDATES: tuple[dict[str, float], ...] = (
    {},
    *(
        {"MIN_OVERLAP_MINUTIAE": k, "OVERLAP_DISTANCE": d, "GLOBAL_DISTANCE_TOLERANCE": t}
        for k in (4, 6, 8)
        for d in (30.0, 40.0, 50.0)
        for t in (8.0, 10.0, 12.0)
    ),
    {"border_distance": 4.0},
    {"border_distance": 6.0},
    {"border_distance": 10.0},
    {"min_minutia_clarity": 0.25},
    {"min_minutia_clarity": 0.45},
    {"MIN_VALID_CELL_FRACTION": 0.6},
    {"MIN_VALID_CELL_FRACTION": 0.9},
    # thresholds relative to what the print measures (its median coherence)
    {"segmentation_relative_coherence": 0.6},
    {"relative_minutia_coherence": 0.6},
    *(
        {"segmentation_relative_coherence": r, "relative_minutia_coherence": r}
        for r in (0.5, 0.6, 0.7)
    ),
)


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
    import securecomm

    src = Path(securecomm.__file__).resolve().parents[1]
    if src != ROOT / "src":
        return f"sources at {src}"
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


# --- inputs ------------------------------------------------------------------------------


def set_images(data: Path, name: str) -> tuple[list[str], list[FingerImage]]:
    """File stems and 500 ppi images of a shared set (``fvc2002/DB1_B``), an emulated variant
    of one (``fvc2002/DB1_B:dry``) or a synthetic sensor (``synth:288x384``)."""
    from securecomm.afis.image import load_image

    if name.startswith("synth:"):
        sensors = _sensors()
        (sensor,) = [s for s in sensors.SYNTHETIC if s.name == name]
        files = sorted(sensors.synthetic_folder(sensor).glob("*.png"))
        return [f.stem for f in files], [load_image(f) for f in files]
    base, _, variant = name.partition(":")
    files = sorted((data / "fvc" / base).glob("*.png"))
    if not files:
        raise SystemExit(f"no *.png files in {data / 'fvc' / base}")
    images = [load_image(f, ppi=SET_PPI.get(base)) for f in files]
    if variant:
        sensors = _sensors()
        images = [
            FingerImage(pixels=sensors.degrade(im.pixels, variant, f"{base}/{f.stem}"), ppi=im.ppi)
            for f, im in zip(files, images, strict=True)
        ]
    return [f.stem for f in files], images


def _sensors():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import afis_fvc_sensors

    return afis_fvc_sensors


def extract_all(
    images: Sequence[FingerImage],
    stems: Sequence[str],
    log: Callable[[str], None],
    overrides: dict[str, float] | None = None,
) -> tuple[list[Template | None], float]:
    """Templates (None for a failure to enrol) and the median extraction CPU milliseconds."""
    from securecomm.afis.extraction import extract
    from securecomm.afis.extraction.parameters import DEFAULT_PARAMETERS

    params = dataclasses.replace(DEFAULT_PARAMETERS, **(overrides or {}))
    with contextlib.suppress(AfisError):  # warm-up: JIT compilation and caches
        extract(images[0], params)
    out: list[Template | None] = []
    times = []
    for stem, image in zip(stems, images, strict=True):
        t0 = time.process_time()
        try:
            template: Template | None = extract(image, params)
        except AfisError as exc:
            log(f"failure to enrol {stem}: {exc}")
            template = None
        times.append(time.process_time() - t0)
        out.append(template)
    return out, 1000.0 * statistics.median(times)


def iso_templates(
    data: Path, name: str, log: Callable[[str], None]
) -> tuple[list[str], list[Template | None]]:
    files = sorted((data / "fvc" / name).glob("*.iso"))
    if not files:
        raise SystemExit(f"no *.iso files in {data / 'fvc' / name}")
    out: list[Template | None] = []
    for f in files:
        try:
            out.append(read_template(f))
        except AfisError as exc:
            log(f"failure to enrol {f.name}: {exc}")
            out.append(None)
    return [f.stem for f in files], out


# --- scoring -----------------------------------------------------------------------------


@contextlib.contextmanager
def comparator_constants(overrides: dict[str, float]) -> Iterator[Callable[..., np.ndarray]]:
    """``raw_scores`` of the batch kernel with some constants of ``matching.parameters``
    changed (the modules that read them at import are reloaded, and restored after)."""
    from securecomm.afis.matching import batch, comparator
    from securecomm.afis.matching import parameters as P

    if not overrides:
        yield batch.raw_scores
        return
    old = {k: getattr(P, k) for k in overrides}
    try:
        for k, v in overrides.items():
            setattr(P, k, type(old[k])(v))
        importlib.reload(comparator)
        importlib.reload(batch)
        yield batch.raw_scores
    finally:
        for k, v in old.items():
            setattr(P, k, v)
        importlib.reload(comparator)
        importlib.reload(batch)


@dataclass
class Scored:
    """Raw scores of every unordered pair of a set (0 where a side failed to enrol)."""

    raw: np.ndarray
    genuine: np.ndarray
    ok: np.ndarray
    packed: object
    ia: np.ndarray
    ib: np.ndarray
    templates: list[Template | None]


def score_set(
    templates: Sequence[Template | None],
    stems: Sequence[str],
    raw_scores: Callable[..., np.ndarray] | None = None,
) -> Scored:
    if raw_scores is None:
        from securecomm.afis.matching.batch import raw_scores
    enrolled = [i for i, t in enumerate(templates) if t is not None]
    packed = pack([prepare(templates[i]) for i in enrolled])  # type: ignore[arg-type]
    position = {i: k for k, i in enumerate(enrolled)}
    fingers = [s.split("_")[0] for s in stems]
    pairs = list(itertools.combinations(range(len(stems)), 2))
    genuine = np.array([fingers[i] == fingers[j] for i, j in pairs])
    ok = np.array([i in position and j in position for i, j in pairs])
    ia = np.array([position.get(i, 0) for i, _ in pairs], dtype=np.int64)
    ib = np.array([position.get(j, 0) for _, j in pairs], dtype=np.int64)
    raw = np.zeros(len(pairs))
    if ok.any():
        raw[ok] = raw_scores(packed, ia[ok], ib[ok])
    return Scored(
        raw=raw, genuine=genuine, ok=ok, packed=packed, ia=ia, ib=ib, templates=list(templates)
    )


def set_eer(s: Scored) -> float:
    """EER of raw scores (the calibration is monotone, so it does not change the EER)."""
    raw = np.where(s.ok, s.raw, -1.0)  # a failure to enrol is below every score
    return error_rates(raw[s.genuine], raw[~s.genuine]).eer


def comparisons_per_second(packed, ia: np.ndarray, ib: np.ndarray, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median over ``runs`` runs, each repeating the pair list until ≥ 1 s has passed.

    Measured in this process's CPU time (one thread), i.e. comparisons per second of one
    core: on a shared machine wall time would count other people's processes too.
    """
    from securecomm.afis.matching.batch import raw_scores

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


def summarise(
    name: str,
    mode: str,
    stems: Sequence[str],
    templates: Sequence[Template | None],
    extraction_ms: float | None,
    runs: int,
) -> tuple[SetResult, Scored]:
    s = score_set(templates, stems)
    scores = calibrate_many(s.raw)
    scores[~s.ok] = 0.0  # failures to enrol: failed comparisons, never dropped
    rates = error_rates(scores[s.genuine], scores[~s.genuine])
    det = det_curve(scores[s.genuine], scores[~s.genuine])
    imp = s.ok & ~s.genuine
    cps = comparisons_per_second(s.packed, s.ia[imp], s.ib[imp], runs) if runs > 0 else 0.0
    minutiae = [t.count for t in templates if t is not None]
    result = SetResult(
        set=name,
        mode=mode,
        eer=rates.eer,
        fmr100=rates.fmr100,
        fmr1000=rates.fmr1000,
        zero_fmr=rates.zero_fmr,
        failures_to_enrol=sum(t is None for t in templates),
        images=len(stems),
        minutiae_per_image=float(np.mean(minutiae)) if minutiae else 0.0,
        extraction_ms=extraction_ms,
        comparisons_per_second=cps,
        genuine=rates.genuine,
        impostor=rates.impostor,
        det={"fmr": det.fmr.tolist(), "fnmr": det.fnmr.tolist()},
    )
    return result, s


def run_set(
    data: Path, name: str, mode: str, runs: int, log: Callable[[str], None]
) -> tuple[SetResult, np.ndarray]:
    """One set in one mode: its result and the raw scores of its impostor pairs."""
    result, s, _ = _run_set(data, name, mode, runs, log)
    return result, s.raw[s.ok & ~s.genuine]


def _run_set(
    data: Path, name: str, mode: str, runs: int, log: Callable[[str], None]
) -> tuple[SetResult, Scored, tuple[list[str], list[FingerImage] | None]]:
    if mode == "iso":
        stems, templates = iso_templates(data, name, log)
        result, s = summarise(name, mode, stems, templates, None, runs)
        return result, s, (stems, None)
    stems, images = set_images(data, name)
    templates, ms = extract_all(images, stems, log)
    result, s = summarise(name, mode, stems, templates, ms, runs)
    return result, s, (stems, images)


# --- leave one set out -------------------------------------------------------------------


def usable_candidates() -> list[dict[str, float]]:
    from securecomm.afis.extraction.parameters import ExtractionParameters
    from securecomm.afis.matching import parameters as P

    fields = {f.name for f in dataclasses.fields(ExtractionParameters)}
    return [
        c for c in CANDIDATES if all((hasattr(P, k) if k.isupper() else k in fields) for k in c)
    ]


def candidate_label(c: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in c.items()) or "engine defaults"


def leave_one_set_out(
    inputs: dict[str, tuple[list[str], list[FingerImage]]],
    default_scores: dict[str, Scored],
    impostors: dict[tuple[str, str], np.ndarray],
    log: Callable[[str], None],
    emulated_inputs: dict[str, tuple[list[str], list[FingerImage]]] | None = None,
    emulated_scores: dict[str, Scored] | None = None,
) -> dict[str, object]:
    """EER of every candidate on every shared set (e2e), then the five rotations.

    With emulated sets, every candidate is also scored on them (never used to choose): each
    rotation reports the emulated mean EER of the candidate it chose beside the defaults'.
    """
    sets = list(inputs)
    emulated_inputs = emulated_inputs or {}
    emulated_scores = emulated_scores or {}
    emulated = list(emulated_inputs)
    everything = {**inputs, **emulated_inputs}
    default_all = {**default_scores, **emulated_scores}
    names = sets + emulated
    candidates = usable_candidates()
    eer_all = np.zeros((len(candidates), len(names)))
    by_extraction: dict[str, dict[str, list[Template | None]]] = {}
    for c_index, c in enumerate(candidates):
        matching = {k: v for k, v in c.items() if k.isupper()}
        extraction = {k: v for k, v in c.items() if not k.isupper()}
        key = json.dumps(extraction, sort_keys=True)
        if extraction and key not in by_extraction:
            log(f"loso: extracting with {candidate_label(extraction)} ...")
            by_extraction[key] = {
                n: extract_all(everything[n][1], everything[n][0], lambda m: None, extraction)[0]
                for n in names
            }
        with comparator_constants(matching) as raw_scores:
            for s_index, n in enumerate(names):
                if not c:
                    s = default_all[n]
                else:
                    templates = by_extraction[key][n] if extraction else default_all[n].templates
                    s = score_set(templates, everything[n][0], raw_scores)
                eer_all[c_index, s_index] = set_eer(s)
    eer = eer_all[:, : len(sets)]
    eer_emulated = eer_all[:, len(sets) :]
    rotations = []
    for h, held in enumerate(sets):
        others = [k for k in range(len(sets)) if k != h]
        mean_others = eer[:, others].mean(axis=1)
        chosen = int(np.argmin(mean_others))  # ties: the earlier candidate (defaults first)
        fit_on = np.concatenate([v for (n, _), v in impostors.items() if n != held])
        held_imp = [v for (n, _), v in impostors.items() if n == held]
        rotation: dict[str, object] = {
            "held_out": held,
            "chosen": candidate_label(candidates[chosen]),
            "chosen_mean_eer_other_four": float(mean_others[chosen]),
            "defaults_mean_eer_other_four": float(mean_others[0]),
            "held_out_eer_chosen": float(eer[chosen, h]),
            "held_out_eer_defaults": float(eer[0, h]),
            "held_out_eer_best_possible": float(eer[:, h].min()),
        }
        if emulated:
            rotation["emulated_eer_chosen_mean"] = float(eer_emulated[chosen].mean())
            rotation["emulated_eer_defaults_mean"] = float(eer_emulated[0].mean())
        rotation.update(_held_out_calibration(fit_on, held_imp, default_scores[held]))
        rotations.append(rotation)
    return {
        "criterion": "mean end-to-end EER on the other four shared sets",
        "candidates": [candidate_label(c) for c in candidates],
        "eer": {n: eer_all[:, k].tolist() for k, n in enumerate(names)},
        "shared_mean_eer": eer.mean(axis=1).tolist(),
        "emulated_mean_eer": eer_emulated.mean(axis=1).tolist() if emulated else None,
        "rotations": rotations,
        "held_out_eer_chosen_mean": float(np.mean([r["held_out_eer_chosen"] for r in rotations])),
        "held_out_eer_defaults_mean": float(
            np.mean([r["held_out_eer_defaults"] for r in rotations])
        ),
    }


def _held_out_calibration(
    fit_on: np.ndarray, held_impostors: Sequence[np.ndarray], held: Scored
) -> dict[str, float]:
    """Refit the calibration on the other sets' impostors; its FMR on the held-out ones."""
    raws, logs, slope = fit_calibration(fit_on)

    def calibrated(raw: np.ndarray) -> np.ndarray:
        out = np.interp(raw, raws, logs)
        beyond = raw > raws[-1]
        out[beyond] = logs[-1] + slope * (raw[beyond] - raws[-1])
        return out

    imp = np.concatenate(held_impostors)
    s3 = calibrated(imp)
    genuine = calibrated(np.where(held.ok, held.raw, 0.0)[held.genuine])
    return {
        "held_out_fmr_at_3": float(np.mean(s3 >= 3.0)),
        "held_out_fmr_at_4": float(np.mean(s3 >= 4.0)),
        "held_out_fnmr_at_3_e2e": float(np.mean(genuine < 3.0)),
    }


# --- tables, plot, JSON ------------------------------------------------------------------


def averages(results: Sequence[SetResult]) -> list[dict[str, object]]:
    rows = []
    for mode in MODES:
        for label, prefix in (("FVC2002 avg", "fvc2002/"), ("FVC2004 avg", "fvc2004/")):
            group = [
                r
                for r in results
                if r.mode == mode and r.set.startswith(prefix) and ":" not in r.set
            ]
            if not group:
                continue
            rows.append(_average_row(label, mode, group))
    emulated = [r for r in results if ":" in r.set]
    if emulated:
        rows.append(_average_row("emulated avg", "e2e", emulated))
    return rows


def _average_row(label: str, mode: str, group: Sequence[SetResult]) -> dict[str, object]:
    return {
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
        "comparisons_per_second": float(np.median([r.comparisons_per_second for r in group])),
    }


def print_table(
    results: Sequence[dict[str, object]],
    avg: Sequence[dict[str, object]],
    baseline: dict[str, object] | None = None,
) -> None:
    from rich.console import Console
    from rich.table import Table

    base = {}
    if baseline is not None:
        for d in [*baseline["sets"], *baseline["averages"]]:  # type: ignore[misc]
            base[(d["set"], d["mode"])] = d
    title = "FVC 1:1 benchmark (full protocol; rates in %" + (
        "; baseline → this engine)" if base else ")"
    )
    table = Table(title=title)
    for col in ("set", "mode", "EER", "FMR100", "FMR1000", "ZeroFMR", "FTE", "minutiae",
                "extract ms", "cmp/s"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("set", "mode") else "right")

    def cell(d: dict[str, object], k: str, fmt: Callable[[object], str]) -> str:
        b = base.get((d["set"], d["mode"]))
        v = fmt(d.get(k))
        return v if b is None else f"{fmt(b.get(k))} → {v}"

    pct = lambda v: "-" if v is None else f"{100 * v:.2f}"  # type: ignore[operator]  # noqa: E731
    ms = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731

    def row(d: dict[str, object], bold: bool = False) -> None:
        cells = [
            str(d["set"]), str(d["mode"]), cell(d, "eer", pct), cell(d, "fmr100", pct),
            cell(d, "fmr1000", pct), cell(d, "zero_fmr", pct),
            cell(d, "failures_to_enrol", str), cell(d, "minutiae_per_image", lambda v: f"{v:.1f}"),
            cell(d, "extraction_ms", ms),
            cell(d, "comparisons_per_second", lambda v: f"{v:,.0f}"),
        ]  # fmt: skip
        table.add_row(*cells, style="bold" if bold else None)

    for r in results:
        row(r)
    for d in avg:
        row(d, bold=True)
    Console(width=200).print(table)


def print_loso(loso: dict[str, object], baseline: dict[str, object] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    pct = lambda v: "-" if v is None else f"{100 * v:.2f}"  # type: ignore[operator]  # noqa: E731
    table = Table(title="Leave one set out (e2e EER %, chosen on the other four)")
    for col in ("held out", "engine", "chosen", "EER other 4", "held-out EER chosen",
                "held-out EER defaults", "best possible", "emulated chosen",
                "emulated defaults", "FMR@3", "FMR@4"):  # fmt: skip
        table.add_column(col)
    for label, doc in (("baseline", baseline), ("this", loso)):
        if doc is None:
            continue
        for r in doc["rotations"]:  # type: ignore[attr-defined]
            table.add_row(
                r["held_out"], label, r["chosen"], pct(r["chosen_mean_eer_other_four"]),
                pct(r["held_out_eer_chosen"]), pct(r["held_out_eer_defaults"]),
                pct(r["held_out_eer_best_possible"]), pct(r.get("emulated_eer_chosen_mean")),
                pct(r.get("emulated_eer_defaults_mean")),
                f"{r['held_out_fmr_at_3']:.2e}", f"{r['held_out_fmr_at_4']:.2e}",
            )  # fmt: skip
    Console(width=220).print(table)
    shared = [n for n in loso["eer"] if ":" not in n]  # type: ignore[attr-defined]
    grid = Table(title="Candidates (e2e EER %; shared sets, their mean, emulated mean)")
    for col in ("candidate", *(n.replace("fvc20", "") for n in shared), "shared", "emulated"):
        grid.add_column(col)
    emulated_mean = loso.get("emulated_mean_eer") or [None] * len(loso["candidates"])  # type: ignore[arg-type]
    for k, c in enumerate(loso["candidates"]):  # type: ignore[arg-type]
        grid.add_row(
            c, *(pct(loso["eer"][n][k]) for n in shared),  # type: ignore[index]
            pct(loso["shared_mean_eer"][k]), pct(emulated_mean[k]),  # type: ignore[index]
        )  # fmt: skip
    Console(width=220).print(grid)


def plot_det(results: Sequence[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    emulated = [r for r in results if ":" in str(r["set"])]
    panels = 2 if emulated else 1
    fig, axes = plt.subplots(1, panels, figsize=(7 * panels, 6), squeeze=False)
    for ax, group, title in (
        (axes[0, 0], [r for r in results if ":" not in str(r["set"])], "shared FVC B sets"),
        *(((axes[0, 1], emulated, "emulated unseen sensors (e2e)"),) if emulated else ()),
    ):
        for r in group:
            det = r["det"]
            fmr = np.maximum(np.asarray(det["fmr"]), 1e-5)  # type: ignore[index]
            fnmr = np.maximum(np.asarray(det["fnmr"]), 1e-5)  # type: ignore[index]
            style = "-" if r["mode"] == "e2e" else "--"
            ax.plot(fmr, fnmr, style, label=f"{r['set']} {r['mode']} (EER {100 * r['eer']:.2f} %)")  # type: ignore[operator]
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(1e-4, 1)
        ax.set_ylim(1e-3, 1)
        ax.set_xlabel("FMR")
        ax.set_ylabel("FNMR")
        ax.set_title(f"DET: {title}, securecomm MCC + LSS-R")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run_baseline(src: Path, argv: Sequence[str], log: Callable[[str], None]) -> dict[str, object]:
    """Run this script on the engine in ``src`` (a source tree's ``src``) in a child process."""
    out = RESULTS / "afis_fvc_baseline.json"
    args = [a for a in argv]
    skip = {"--baseline-src", "--out", "--det"}
    cleaned, k = [], 0
    while k < len(args):
        if args[k] in skip:
            k += 2
            continue
        if args[k].split("=", 1)[0] in skip:
            k += 1
            continue
        cleaned.append(args[k])
        k += 1
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, str(Path(__file__).resolve()), *cleaned, "--out", str(out),
           "--det", str(RESULTS / "afis_fvc_baseline_det.png")]  # fmt: skip
    log(f"baseline: {' '.join(cmd)} (PYTHONPATH={src})")
    subprocess.run(cmd, env=env, check=True)
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def run(
    sets: Sequence[str] = ALL_SETS,
    modes: Sequence[str] = MODES,
    data: Path = DEFAULT_DATA,
    runs: int = 5,
    out: Path | None = RESULTS / "afis_fvc.json",
    det_png: Path | None = RESULTS / "afis_fvc_det.png",
    fit: bool = False,
    loso: bool = False,
    emulated: bool = False,
    baseline: dict[str, object] | None = None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> dict[str, object]:
    """Run the benchmark and return (and write) its JSON document."""
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"unknown mode {m!r}, expected one of {MODES}")
    if loso and ("e2e" not in modes or len(sets) < 3):
        raise SystemExit("--loso needs the e2e mode and at least three shared sets")
    info = {**machine(), "git": git_state()}
    results: list[SetResult] = []
    impostor_raw: dict[tuple[str, str], np.ndarray] = {}
    inputs: dict[str, tuple[list[str], list[FingerImage]]] = {}
    scored: dict[str, Scored] = {}
    for mode in modes:
        for name in sets:
            log(f"{name} [{mode}] ...")
            result, s, (stems, images) = _run_set(data, name, mode, runs, log)
            results.append(result)
            impostor_raw[(name, mode)] = s.raw[s.ok & ~s.genuine]
            if mode == "e2e" and images is not None:
                inputs[name] = (stems, images)
                scored[name] = s
    emulated_results: list[SetResult] = []
    emulated_inputs: dict[str, tuple[list[str], list[FingerImage]]] = {}
    emulated_scored: dict[str, Scored] = {}
    if emulated:
        for name in _sensors().emulated_set_names(sets):
            log(f"{name} [e2e, emulated] ...")
            result, s_emulated, (stems, images) = _run_set(data, name, "e2e", min(runs, 1), log)
            emulated_results.append(result)
            if images is not None:
                emulated_inputs[name] = (stems, images)
                emulated_scored[name] = s_emulated
    loso_doc = None
    if loso:
        loso_doc = leave_one_set_out(
            inputs, scored, impostor_raw, log, emulated_inputs, emulated_scored
        )
    all_results = results + emulated_results
    avg = averages(all_results)
    rows = [{k: v for k, v in r.__dict__.items()} for r in all_results]
    print_table(rows, avg, baseline)
    if loso_doc is not None:
        print_loso(loso_doc, baseline.get("leave_one_set_out") if baseline else None)  # type: ignore[arg-type]
    print(f"machine: {info['cpu']}, {info['cores']} cores, load {info['load_average_at_start']}")
    doc: dict[str, object] = {
        "benchmark": "afis_fvc",
        "protocol": "BENCHMARKS.md §1 full (280 genuine + 2880 impostor pairs per set)",
        "comparator": "MCC bit-wise (Ns=8, Nd=6) + LSS-R + global pairing, symmetric",
        "command": "python benchmarks/afis_fvc.py " + " ".join(sys.argv[1:]),
        "machine": info,
        "sets": [{k: v for k, v in r.__dict__.items() if k != "det"} for r in results],
        "averages": avg,
    }
    if emulated_results:
        doc["emulated"] = [
            {k: v for k, v in r.__dict__.items() if k != "det"} for r in emulated_results
        ]
    if loso_doc is not None:
        doc["leave_one_set_out"] = loso_doc
    if baseline is not None:
        doc["baseline"] = {k: baseline.get(k) for k in (
            "machine", "sets", "averages", "emulated", "leave_one_set_out", "calibration_fit",
        )}  # fmt: skip
    if fit and impostor_raw:
        pooled = np.concatenate(list(impostor_raw.values()))
        raws, logs, slope = fit_calibration(pooled)
        print("# paste into src/securecomm/afis/matching/calibration.py")
        print(f"RAW_KNOTS: tuple[float, ...] = ({', '.join(f'{v:.6g}' for v in raws)})")
        print(f"LOG_FMR_KNOTS: tuple[float, ...] = ({', '.join(f'{v:.4f}' for v in logs)})")
        print(f"TAIL_SLOPE = {slope:.4f}")
        print(
            f'FIT_SOURCE = "{", ".join(modes)} impostors of {", ".join(sets)}: {len(pooled)} pairs"'
        )
        doc["calibration_fit"] = {"raw_knots": raws, "log_fmr_knots": logs, "tail_slope": slope}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {out}")
    if det_png is not None:
        det_png.parent.mkdir(parents=True, exist_ok=True)
        plot_det(rows, det_png)
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
    parser.add_argument("--loso", action="store_true", help="leave-one-set-out table")
    parser.add_argument("--emulated", action="store_true", help="emulated unseen sensors")
    parser.add_argument(
        "--baseline-src", type=Path, default=None,
        help="first run the same command on the engine in this folder (its src/)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    baseline = None
    if args.baseline_src is not None:
        raw_argv = list(sys.argv[1:] if argv is None else argv)
        baseline = run_baseline(args.baseline_src.resolve() / "src", raw_argv, print)
    run(
        sets=[s.strip() for s in args.sets.split(",") if s.strip()],
        modes=MODES if args.mode == "both" else (args.mode,),
        data=args.data,
        runs=args.runs,
        out=args.out,
        det_png=args.det,
        fit=args.fit,
        loso=args.loso,
        emulated=args.emulated,
        baseline=baseline,
    )


if __name__ == "__main__":
    main()
