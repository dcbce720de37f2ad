"""Speed of the fingerprint engine, A/B in one session: extraction settings, the comparator
against an older engine, and ``securecomm afis scores`` timed from outside (issues 14, 17).

**Extraction settings** (default mode).

When only an extraction parameter changes, the comparator's code is the same and its speed
depends on the templates alone (more minutiae, slower). This measures both settings on the
same images, interleaved A, B, A, B, … so that the load of a shared machine falls on both:
extraction CPU ms per image (median over the images of each round) and comparisons per
second on one core over each set's impostor pairs (``afis_fvc.comparisons_per_second``),
median over the rounds, and the ratio B / A.

    python benchmarks/afis_fvc_speed.py --b border_distance=6 [--a border_distance=10]
        [--sets fvc2002/DB2_B,...] [--rounds 5]

**Comparator** (``--comparator --baseline-src DIR``, DIR/src an older engine's sources, e.g.
``git archive <commit> src | tar -x -C DIR``): comparisons per second on one core (process CPU
time, ≥ 1 s per measurement) over each set's impostor pairs, on the third-party ISO templates
and on this engine's templates of the images (extracted once, written as ``.sct``, so both
engines compare the same templates). Each round runs one child process per engine, the order
alternating, so the machine's load falls on both; medians over the rounds and the ratio
this / baseline. The children also write the raw scores of every pair of the full protocol,
and the table says whether the two engines' scores are bit-identical.

**The scores command from outside** (``--scores-cli [--baseline-src DIR]``): the wall time of
the whole ``python -m securecomm afis scores`` on N templates minus that on 2 templates (the
start-up: interpreter, imports, kernel cache), for NUMBA_NUM_THREADS = 1 and 2 (the baseline
engine's command, where given, runs once per round), rounds alternating; the rate is pairs /
(time N − time 2) in total and per thread, and the CPU seconds beyond start-up per wall
second beyond it (how many cores the command really had: others' processes take the rest on a
shared machine). Groups: FVC2002 DB1 B ISO (80 templates, 3,160 pairs), every shared ISO
template (400, 79,800 pairs), every template of ours (400).

    python benchmarks/afis_fvc_speed.py --comparator --baseline-src DIR [--rounds 5]
    python benchmarks/afis_fvc_speed.py --scores-cli [--baseline-src DIR] [--rounds 5]

Each mode replaces its own section of ``benchmarks/results/afis_fvc_speed.json`` (extraction:
``rows``; comparator: ``comparator``; scores command: ``scores_cli``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import afis_fvc as bench


def parse(pairs: list[str]) -> dict[str, float]:
    out = {}
    for p in pairs:
        k, _, v = p.partition("=")
        out[k] = float(v)
    return out


def _load_doc(path: Path) -> dict[str, object]:
    if path.is_file():
        loaded: dict[str, object] = json.loads(path.read_text())
        return loaded
    return {"benchmark": "afis_fvc_speed"}


def _child_env(src: Path | None, threads: int = 1) -> dict[str, str]:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    if src is not None:
        env["PYTHONPATH"] = str(src)
    else:
        env.pop("PYTHONPATH", None)
    return env


def _template_groups(work: Path) -> dict[str, list[Path]]:
    """Per set and mode, the template files both engines compare (ours extracted once)."""
    from securecomm.afis.templates import write_template

    groups: dict[str, list[Path]] = {}
    for name in bench.ALL_SETS:
        groups[f"iso:{name}"] = sorted((bench.DEFAULT_DATA / "fvc" / name).glob("*.iso"))
        folder = work / "e2e" / name
        folder.mkdir(parents=True, exist_ok=True)
        stems, images = bench.set_images(bench.DEFAULT_DATA, name)
        templates, _ = bench.extract_all(images, stems, print)
        for stem, t in zip(stems, templates, strict=True):
            if t is not None:
                (folder / f"{stem}.sct").write_bytes(write_template(t))
        groups[f"e2e:{name}"] = sorted(folder.glob("*.sct"))
    return groups


def worker(groups_file: Path, scores_out: Path | None, seconds: float) -> None:
    """Child process: comparisons/s on one core per group (and the raw scores, if asked)."""
    import itertools

    import numpy as np

    from securecomm.afis.matching import pack, prepare
    from securecomm.afis.matching.batch import raw_scores
    from securecomm.afis.templates import read_template

    groups = json.loads(groups_file.read_text())
    rates = {}
    scores = {}
    for label, files in groups.items():
        paths = [Path(f) for f in files]
        packed = pack([prepare(read_template(f)) for f in paths])
        fingers = [f.stem.split("_")[0] for f in paths]
        pairs = np.array(list(itertools.combinations(range(len(paths)), 2)), dtype=np.int64)
        impostor = np.array([fingers[i] != fingers[j] for i, j in pairs])
        ia, ib = pairs[impostor, 0].copy(), pairs[impostor, 1].copy()
        raw_scores(packed, ia[:10], ib[:10])  # compile / load the cache
        done, t0 = 0, time.process_time()
        while True:
            raw_scores(packed, ia, ib)
            done += len(ia)
            elapsed = time.process_time() - t0
            if elapsed >= seconds:
                break
        rates[label] = done / elapsed
        if scores_out is not None:
            scores[label.replace("/", "_").replace(":", "__")] = raw_scores(
                packed, pairs[:, 0], pairs[:, 1]
            )
    if scores_out is not None:
        np.savez(scores_out, **scores)
    print(json.dumps(rates))


def comparator_ab(args: argparse.Namespace) -> None:
    import numpy as np

    if args.baseline_src is None:
        raise SystemExit("--comparator needs --baseline-src DIR (DIR/src: the older engine)")
    engines = {"baseline": args.baseline_src.resolve() / "src", "this": None}
    with tempfile.TemporaryDirectory(prefix="afis_speed_") as tmp:
        work = Path(tmp)
        groups = _template_groups(work)
        groups_file = work / "groups.json"
        groups_file.write_text(json.dumps({k: [str(f) for f in v] for k, v in groups.items()}))
        rates: dict[str, list[dict[str, float]]] = {"baseline": [], "this": []}
        for r in range(args.rounds):
            order = ["baseline", "this"] if r % 2 == 0 else ["this", "baseline"]
            for label in order:
                cmd = [sys.executable, __file__, "--worker", str(groups_file)]
                if r < 2:
                    cmd += ["--scores-out", str(work / f"scores_{label}.npz")]
                out = subprocess.run(
                    cmd, env=_child_env(engines[label]), capture_output=True, text=True,
                    check=True,
                )  # fmt: skip
                rates[label].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"round {r + 1}/{args.rounds}: {order}", flush=True)
        base_scores = np.load(work / "scores_baseline.npz")
        this_scores = np.load(work / "scores_this.npz")
        rows = []
        for label, files in groups.items():
            key = label.replace("/", "_").replace(":", "__")
            b = statistics.median(x[label] for x in rates["baseline"])
            t = statistics.median(x[label] for x in rates["this"])
            same = bool(np.array_equal(base_scores[key], this_scores[key]))
            rows.append({
                "group": label, "templates": len(files), "baseline": b, "this": t,
                "ratio": t / b, "scores_identical": same,
                "pairs_checked": len(this_scores[key]),
                "baseline_runs": [x[label] for x in rates["baseline"]],
                "this_runs": [x[label] for x in rates["this"]],
            })  # fmt: skip
            print(
                f"{label:20s} {b:9,.0f} → {t:9,.0f} comparisons/s (×{t / b:.2f}), "
                f"scores {'identical' if same else 'DIFFER'} on {len(this_scores[key]):,} pairs",
                flush=True,
            )
    doc = _load_doc(args.out)
    doc["comparator"] = {
        "machine": bench.machine(),
        "baseline_src": str(args.baseline_src),
        "rounds": args.rounds,
        "command": "python benchmarks/afis_fvc_speed.py " + " ".join(sys.argv[1:]),
        "unit": "comparisons per second on one core (process CPU time), impostor pairs",
        "rows": rows,
    }
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.out}")


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of the command and the CPU seconds (user + system) it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def scores_cli(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="afis_scores_") as tmp:
        work = Path(tmp)
        sets = _template_groups(work)
        groups = {
            "fvc2002/DB1_B ISO": sets["iso:fvc2002/DB1_B"],
            "all shared ISO": [f for k, v in sets.items() if k.startswith("iso:") for f in v],
            "all ours (e2e)": [f for k, v in sets.items() if k.startswith("e2e:") for f in v],
        }
        runs: list[tuple[str, Path | None, int]] = [("this", None, 1), ("this", None, 2)]
        if args.baseline_src is not None:
            runs.insert(0, ("baseline", args.baseline_src.resolve() / "src", 1))
        csv = work / "scores.csv"

        def command(files: list[Path]) -> list[str]:
            return [sys.executable, "-m", "securecomm", "afis", "scores", "--out", str(csv)] + [
                str(f) for f in files
            ]

        times: dict[tuple[str, int, str], list[float]] = {}
        cpu: dict[tuple[str, int, str], list[float]] = {}
        for _, src, threads in runs:  # warm every engine's kernel cache first
            _timed(command(groups["fvc2002/DB1_B ISO"][:3]), _child_env(src, threads))
        for r in range(args.rounds):
            order = runs if r % 2 == 0 else runs[::-1]
            for engine, src, threads in order:
                env = _child_env(src, threads)
                for name, files in [("start-up", groups["fvc2002/DB1_B ISO"][:2]), *groups.items()]:
                    wall, used = _timed(command(files), env)
                    times.setdefault((engine, threads, name), []).append(wall)
                    cpu.setdefault((engine, threads, name), []).append(used)
            print(f"round {r + 1}/{args.rounds}", flush=True)
        rows = []
        for engine, _, threads in runs:
            start = statistics.median(times[(engine, threads, "start-up")])
            for name, files in groups.items():
                pairs = len(files) * (len(files) - 1) // 2
                whole = statistics.median(times[(engine, threads, name)])
                rate = pairs / (whole - start)
                # CPU seconds beyond start-up per wall second beyond it: the cores the
                # comparisons really had (another process on the machine takes the rest)
                extra_cpu = statistics.median(cpu[(engine, threads, name)]) - statistics.median(
                    cpu[(engine, threads, "start-up")]
                )
                cores_had = extra_cpu / (whole - start)
                rows.append({
                    "engine": engine, "threads": threads, "group": name,
                    "templates": len(files), "pairs": pairs, "command_s": whole,
                    "start_up_s": start, "comparisons_per_second": rate,
                    "per_core": rate / threads, "cores_had": cores_had,
                    "command_runs": times[(engine, threads, name)],
                    "start_up_runs": times[(engine, threads, "start-up")],
                    "command_cpu_s": cpu[(engine, threads, name)],
                    "start_up_cpu_s": cpu[(engine, threads, "start-up")],
                })  # fmt: skip
                print(
                    f"{engine:8s} {threads} thread(s) {name:18s} {len(files):4d} templates "
                    f"{pairs:7,d} pairs: command {whole:6.2f} s − start-up {start:.2f} s → "
                    f"{rate:9,.0f} comparisons/s ({rate / threads:,.0f} per core; CPU beyond "
                    f"start-up {cores_had:.2f} × wall)",
                    flush=True,
                )
    doc = _load_doc(args.out)
    doc["scores_cli"] = {
        "machine": bench.machine(),
        "baseline_src": str(args.baseline_src) if args.baseline_src else None,
        "rounds": args.rounds,
        "command": "python benchmarks/afis_fvc_speed.py " + " ".join(sys.argv[1:]),
        "unit": "pairs / (median wall s of the command on N templates - on 2 templates)",
        "rows": rows,
    }
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", nargs="*", default=[], help="setting A (default: the engine's)")
    parser.add_argument("--b", nargs="*", default=[], help="setting B")
    parser.add_argument("--sets", default=",".join(bench.ALL_SETS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=bench.RESULTS / "afis_fvc_speed.json")
    parser.add_argument("--comparator", action="store_true", help="this engine vs --baseline-src")
    parser.add_argument("--scores-cli", action="store_true", help="time `afis scores` from outside")
    parser.add_argument("--baseline-src", type=Path, default=None)
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--scores-out", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.scores_out, args.seconds)
        return
    if args.comparator:
        comparator_ab(args)
        return
    if args.scores_cli:
        scores_cli(args)
        return
    extraction_ab(args)


def extraction_ab(args: argparse.Namespace) -> None:
    settings = {"A": parse(args.a), "B": parse(args.b)}
    rows = []
    for name in [s for s in args.sets.split(",") if s]:
        stems, images = bench.set_images(bench.DEFAULT_DATA, name)
        ms: dict[str, list[float]] = {"A": [], "B": []}
        cps: dict[str, list[float]] = {"A": [], "B": []}
        minutiae = {}
        for _ in range(args.rounds):
            for label, over in settings.items():
                templates, t = bench.extract_all(images, stems, lambda m: None, over)
                s = bench.score_set(templates, stems)
                imp = s.ok & ~s.genuine
                ms[label].append(t)
                cps[label].append(bench.comparisons_per_second(s.packed, s.ia[imp], s.ib[imp], 1))
                minutiae[label] = statistics.mean(x.count for x in templates if x is not None)
        row = {"set": name, "settings": settings}
        for label in settings:
            row[f"extraction_ms_{label}"] = statistics.median(ms[label])
            row[f"comparisons_per_second_{label}"] = statistics.median(cps[label])
            row[f"minutiae_{label}"] = minutiae[label]
        row["extraction_ratio"] = row["extraction_ms_B"] / row["extraction_ms_A"]
        row["comparison_ratio"] = row["comparisons_per_second_B"] / row["comparisons_per_second_A"]
        rows.append(row)
        print(
            f"{name:16s} minutiae {row['minutiae_A']:.1f} → {row['minutiae_B']:.1f}  "
            f"extract ms {row['extraction_ms_A']:.1f} → {row['extraction_ms_B']:.1f} "
            f"(×{row['extraction_ratio']:.2f})  cmp/s {row['comparisons_per_second_A']:,.0f} → "
            f"{row['comparisons_per_second_B']:,.0f} (×{row['comparison_ratio']:.2f})",
            flush=True,
        )
    doc = _load_doc(args.out)
    command = "python benchmarks/afis_fvc_speed.py " + " ".join(sys.argv[1:])
    doc.update({"machine": bench.machine(), "rows": rows, "command": command})
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
