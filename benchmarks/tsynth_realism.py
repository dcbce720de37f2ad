"""Realism of the template-level synthetic ten-prints: score histograms against real FVC.

    python benchmarks/tsynth_realism.py [--identities 60] [--impostors 3000]

Compares, with the project's 1:1 comparator, impostor (and genuine) score distributions of
synthetic fingers and of the real FVC ISO templates (all five sets, full protocol of
BENCHMARKS.md §1). Writes ``benchmarks/results/tsynth_realism.json`` and
``benchmarks/results/tsynth_realism.png`` (both histograms in one plot).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from securecomm.afis import matching
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.template_synthesis.realism import fvc_scores, ks_distance, synthetic_scores

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")


def summary(x: np.ndarray) -> dict[str, float]:
    q = np.percentile(x, [50, 90, 99, 99.9]) if len(x) else [np.nan] * 4
    return {
        "n": len(x),
        "mean": float(np.mean(x)),
        "p50": float(q[0]),
        "p90": float(q[1]),
        "p99": float(q[2]),
        "p99_9": float(q[3]),
        "fraction_at_or_above_3": float(np.mean(x >= 3.0)),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--identities", type=int, default=60)
    ap.add_argument("--impostors", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument("--shared-data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    t0 = time.perf_counter()
    real_gen, real_imp = [], []
    for s in SETS:
        sample = fvc_scores(args.shared_data / "fvc" / s, matching)
        real_gen.append(sample.genuine)
        real_imp.append(sample.impostor)
    real_g, real_i = np.concatenate(real_gen), np.concatenate(real_imp)
    synth = synthetic_scores(
        TenPrintGenerator(args.seed), args.identities, matching, args.impostors
    )
    result = {
        "comparator": "securecomm.afis.matching (score = -log10 FMR)",
        "fvc_sets": list(SETS),
        "real_impostor": summary(real_i),
        "synthetic_impostor": summary(synth.impostor),
        "real_genuine": summary(real_g),
        "synthetic_genuine": summary(synth.genuine),
        "ks_impostor": ks_distance(real_i, synth.impostor),
        "ks_genuine": ks_distance(real_g, synth.genuine),
        "seed": args.seed,
        "elapsed_s": time.perf_counter() - t0,
        "cores": os.cpu_count(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tsynth_realism.json").write_text(json.dumps(result, indent=2))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    kw = {"density": True, "histtype": "step", "linewidth": 1.6}
    fine = np.linspace(0, 6, 61)
    left.hist(real_i, bins=fine, label=f"FVC impostors (n={len(real_i):,})", color="tab:blue", **kw)
    left.hist(
        synth.impostor,
        bins=fine,
        label=f"synthetic impostors (n={len(synth.impostor):,})",
        color="tab:orange",
        **kw,
    )
    left.set_yscale("log")
    left.set_xlabel("calibrated 1:1 score (−log10 FMR)")
    left.set_ylabel("density")
    left.set_title(f"impostors — KS {result['ks_impostor']:.3f}")
    left.legend(fontsize=8)
    hi = float(np.percentile(np.concatenate([real_g, synth.genuine]), 99.5))
    wide = np.linspace(0, max(6.0, hi), 60)
    for data, name, colour in (
        (real_i, "FVC impostors", "tab:blue"),
        (synth.impostor, "synthetic impostors", "tab:orange"),
    ):
        right.hist(data, bins=wide, label=name, color=colour, **kw)
    right.hist(real_g, bins=wide, label="FVC genuine", color="tab:blue", linestyle="--", **kw)
    right.hist(
        synth.genuine,
        bins=wide,
        label="synthetic genuine",
        color="tab:orange",
        linestyle="--",
        **kw,
    )
    right.set_yscale("log")
    right.set_xlabel("calibrated 1:1 score (−log10 FMR)")
    right.set_title(f"impostors and genuine — KS genuine {result['ks_genuine']:.3f}")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(RESULTS / "tsynth_realism.png", dpi=120)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
