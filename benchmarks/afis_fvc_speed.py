"""Speed of two extraction settings side by side, in one process (issue 14).

When only an extraction parameter changes, the comparator's code is the same and its speed
depends on the templates alone (more minutiae, slower). This measures both settings on the
same images, interleaved A, B, A, B, … so that the load of a shared machine falls on both:
extraction CPU ms per image (median over the images of each round) and comparisons per
second on one core over each set's impostor pairs (``afis_fvc.comparisons_per_second``),
median over the rounds, and the ratio B / A.

    python benchmarks/afis_fvc_speed.py --b border_distance=6 [--a border_distance=10]
        [--sets fvc2002/DB2_B,...] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import afis_fvc as bench


def parse(pairs: list[str]) -> dict[str, float]:
    out = {}
    for p in pairs:
        k, _, v = p.partition("=")
        out[k] = float(v)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", nargs="*", default=[], help="setting A (default: the engine's)")
    parser.add_argument("--b", nargs="*", default=[], help="setting B")
    parser.add_argument("--sets", default=",".join(bench.ALL_SETS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=bench.RESULTS / "afis_fvc_speed.json")
    args = parser.parse_args()
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
    doc = {"benchmark": "afis_fvc_speed", "machine": bench.machine(), "rows": rows,
           "command": "python benchmarks/afis_fvc_speed.py " + " ".join(sys.argv[1:])}  # fmt: skip
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
