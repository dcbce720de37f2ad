"""Realism of the template-level synthetic ten-prints: score histograms against real FVC.

    python benchmarks/tsynth_realism.py [--identities 60] [--impostors 20000] [--seed 2008]

Compares, with the project's 1:1 comparator, impostor and genuine score distributions of
synthetic fingers (impression 0 vs 1) with two real references, all pairs within each set
(BENCHMARKS.md §1):

- ``own``: templates our extractor makes from the FVC2002 DB1–DB4 B images (cached under
  ``~/.cache/securecomm/tsynth_fvc/<extractor hash>/``), the fair reference;
- ``iso``: the third-party ISO templates of the five FVC sets (geometrically degraded).

Reports KS distances and tail quantiles (95/99/99.9 %) against both, marginal statistics of
the templates against the ``own`` reference, and the generation speed (median seconds per 20k
identities). Writes ``benchmarks/results/tsynth_realism.json`` and
``benchmarks/results/tsynth_realism.png`` (all histograms in one plot, log-scale counts).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from securecomm.afis import matching
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.template_synthesis.parameters import GENERATOR_VERSION
from securecomm.afis.template_synthesis.realism import (
    OWN_EXTRACTOR_SETS,
    SET_PPI,
    fvc_scores,
    ks_distance,
    marginal_statistics,
    own_extractor_templates,
    set_scores,
    synthetic_scores,
    synthetic_templates,
)
from securecomm.machine import machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
ISO_SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B", "fvc2004/DB1_B")
CACHE = Path.home() / ".cache" / "securecomm" / "tsynth_fvc"
QUANTILES = (50, 90, 95, 99, 99.9)


def summary(x: np.ndarray) -> dict[str, float]:
    q = np.percentile(x, QUANTILES)
    out: dict[str, float] = {"n": len(x), "mean": float(np.mean(x))}
    out.update(
        {f"p{str(k).replace('.', '_')}": float(v) for k, v in zip(QUANTILES, q, strict=True)}
    )
    out["fraction_at_or_above_3"] = float(np.mean(x >= 3.0))
    return out


def against(real: np.ndarray, synth: np.ndarray) -> dict[str, float]:
    """KS distance and the synthetic/real ratio of the tail quantiles."""
    out = {"ks": ks_distance(real, synth)}
    for k in (95, 99, 99.9):
        out[f"p{str(k).replace('.', '_')}_ratio"] = float(
            np.percentile(synth, k) / np.percentile(real, k)
        )
    return out


def generation_seconds_per_20k(generator: TenPrintGenerator, runs: int = 5) -> float:
    generator.impressions(np.arange(100), 0)  # compile / load the cache
    times = []
    for r in range(runs):
        t0 = time.perf_counter()
        generator.impressions(np.arange(r * 20_000, (r + 1) * 20_000), 0)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--identities", type=int, default=60)
    ap.add_argument("--impostors", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2008)
    ap.add_argument("--shared-data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--no-cache", action="store_true", help="re-extract the FVC images")
    args = ap.parse_args()
    t0 = time.perf_counter()
    fvc = args.shared_data / "fvc"

    own_g, own_i, own_templates = [], [], []
    images = 0
    for s in OWN_EXTRACTOR_SETS:
        templates, fingers = own_extractor_templates(
            fvc / s, SET_PPI.get(s), None if args.no_cache else CACHE
        )
        images += len(list((fvc / s).glob("*.png")))
        sample = set_scores(templates, fingers, matching)
        own_g.append(sample.genuine)
        own_i.append(sample.impostor)
        own_templates += templates
    iso_g, iso_i = [], []
    for s in ISO_SETS:
        sample = fvc_scores(fvc / s, matching)
        iso_g.append(sample.genuine)
        iso_i.append(sample.impostor)
    real = {
        "own": (np.concatenate(own_g), np.concatenate(own_i)),
        "iso": (np.concatenate(iso_g), np.concatenate(iso_i)),
    }
    generator = TenPrintGenerator(args.seed)
    synth = synthetic_scores(generator, args.identities, matching, args.impostors)

    real_marginals = marginal_statistics(own_templates)
    synth_marginals = marginal_statistics(synthetic_templates(generator, args.identities, 0))
    marginals = {
        name: {
            "ks": ks_distance(real_marginals[name], synth_marginals[name]),
            "real_median": float(np.median(real_marginals[name])),
            "synthetic_median": float(np.median(synth_marginals[name])),
            "real_mean": float(np.mean(real_marginals[name])),
            "synthetic_mean": float(np.mean(synth_marginals[name])),
        }
        for name in real_marginals
    }
    same_sense = {
        "real": float(np.mean(real_marginals["near_direction_difference_rad"] < np.pi / 2)),
        "synthetic": float(np.mean(synth_marginals["near_direction_difference_rad"] < np.pi / 2)),
    }
    result = {
        "comparator": "securecomm.afis.matching (score = -log10 FMR)",
        "generator_version": GENERATOR_VERSION,
        "seed": args.seed,
        "references": {
            "own": f"our extractor on {', '.join(OWN_EXTRACTOR_SETS)} images "
            f"({len(own_templates)} of {images} enrolled)",
            "iso": f"third-party ISO templates of {', '.join(ISO_SETS)}",
        },
        "synthetic_impostor": summary(synth.impostor),
        "synthetic_genuine": summary(synth.genuine),
        "own_impostor": summary(real["own"][1]),
        "own_genuine": summary(real["own"][0]),
        "iso_impostor": summary(real["iso"][1]),
        "iso_genuine": summary(real["iso"][0]),
        "impostor_vs_own": against(real["own"][1], synth.impostor),
        "genuine_vs_own": against(real["own"][0], synth.genuine),
        "impostor_vs_iso": against(real["iso"][1], synth.impostor),
        "genuine_vs_iso": against(real["iso"][0], synth.genuine),
        "marginals_vs_own": marginals,
        "same_sense_fraction_within_40px": same_sense,
        "generation_s_per_20k_identities_median": generation_seconds_per_20k(generator),
        "elapsed_s": time.perf_counter() - t0,
        "machine": machine(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tsynth_realism.json").write_text(json.dumps(result, indent=2))
    plot(real, synth.genuine, synth.impostor, result)
    print_table(result)
    return 0


def print_table(result: dict) -> None:  # type: ignore[type-arg]
    print(f"generator v{result['generator_version']}, seed {result['seed']}")
    print(f"{'distribution':22s} {'n':>6s} " + " ".join(f"{'p' + str(q):>7s}" for q in QUANTILES))
    for key in (
        "own_impostor",
        "iso_impostor",
        "synthetic_impostor",
        "own_genuine",
        "iso_genuine",
        "synthetic_genuine",
    ):
        s = result[key]
        qs = " ".join(f"{s['p' + str(q).replace('.', '_')]:7.2f}" for q in QUANTILES)
        print(f"{key:22s} {s['n']:6d} {qs}")
    for key in ("impostor_vs_own", "impostor_vs_iso", "genuine_vs_own", "genuine_vs_iso"):
        c = result[key]
        print(
            f"{key:16s} KS {c['ks']:.3f}  synthetic/real p95 {c['p95_ratio']:.2f} "
            f"p99 {c['p99_ratio']:.2f} p99.9 {c['p99_9_ratio']:.2f}"
        )
    for name, m in result["marginals_vs_own"].items():
        print(
            f"{name:32s} KS {m['ks']:.3f}  median real {m['real_median']:.2f} "
            f"synthetic {m['synthetic_median']:.2f}"
        )
    print(
        f"generation: {result['generation_s_per_20k_identities_median']:.2f} s per 20k identities"
    )


def plot(real, synth_genuine, synth_impostor, result) -> None:  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (full, zoom) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    series = (
        ("FVC, our extractor", real["own"], "tab:blue", "-"),
        ("FVC, ISO templates", real["iso"], "tab:green", ":"),
        ("synthetic", (synth_genuine, synth_impostor), "tab:orange", "-"),
    )
    wide = np.arange(0.0, 81.0, 1.0)
    fine = np.arange(0.0, 4.05, 0.1)
    for name, (genuine, impostor), colour, style in series:
        for data, what, dash in ((impostor, "impostor", style), (genuine, "genuine", "--")):
            weights = np.full(len(data), 10_000 / len(data))
            full.hist(
                data,
                bins=wide,
                weights=weights,
                histtype="step",
                color=colour,
                linestyle=dash,
                linewidth=1.4,
                label=f"{name} {what} (n={len(data):,})",
            )
            if what == "impostor":
                zoom.hist(
                    data,
                    bins=fine,
                    weights=weights,
                    histtype="step",
                    color=colour,
                    linestyle=dash,
                    linewidth=1.6,
                    label=f"{name} (n={len(data):,})",
                )
    for ax in (full, zoom):
        ax.set_yscale("log")
        ax.set_xlabel("calibrated 1:1 score (−log10 FMR)")
    full.set_ylabel("count per 10,000 comparisons (log)")
    full.set_title(
        f"impostor and genuine — generator v{result['generator_version']}; KS genuine vs own "
        f"{result['genuine_vs_own']['ks']:.3f}"
    )
    full.legend(fontsize=7)
    zoom.set_title(
        f"impostors — KS vs own {result['impostor_vs_own']['ks']:.3f}, "
        f"vs ISO {result['impostor_vs_iso']['ks']:.3f}"
    )
    zoom.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(RESULTS / "tsynth_realism.png", dpi=120)


if __name__ == "__main__":
    raise SystemExit(main())
