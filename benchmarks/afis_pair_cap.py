"""Evidence limited by the pairs (docs/afis-matching.md): what the cap of m − 1 decades does.

Two measurements:

- ``fvc`` (default): the full FVC protocol of ``afis_fvc.py`` (280 genuine + 2,880 impostor
  pairs per set) on both modes (third-party ISO templates; our extractor's templates, cached by
  ``search_real.real_templates``), scored by the kernel with the cap and without it
  (``raw_scores(..., raw_cap=+inf)``) in one process: per set and mode how many scores the cap
  changes, EER and FMR1000 with and without it; pooled, the genuine share and the impostor
  count at 3, 4, 5 and 8 decades.
- ``--search N[,N…]``: 1-finger searches (finger 2, synthetic ten-prints of seed 2008, the
  cached gallery of ``search_scale.py``, built if missing): ``--probes`` non-mated probes
  (identities NONMATED_BASE + j, impression 1), each false positive (top candidate at or above
  the engine's threshold) listed with its 1:1 score and pair count, and ``--probes``/2 mated
  probes (gallery identities, impression 1 against the enrolled impression 0): rank-1 and
  rank-1 at or above the threshold. This part runs on whatever engine is imported: for the
  engine before a change, ``PYTHONPATH=DIR/src`` with ``git archive <commit> src | tar -x -C
  DIR`` and ``--no-fvc`` (the FVC part needs the engine with the cap: raw_cap).

    nice python benchmarks/afis_pair_cap.py [--search 10000,100000] [--probes 1000] [--json F]
"""

from __future__ import annotations

import os

if __name__ == "__main__":  # one thread for the measurement
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_real
import search_scale
from securecomm.afis import matching
from securecomm.afis.evaluation import error_rates
from securecomm.afis.matching import pack, prepare
from securecomm.afis.matching.batch import raw_scores
from securecomm.afis.matching.calibration import calibrate_many
from securecomm.afis.templates import read_template

CACHE = Path.home() / ".cache" / "securecomm" / "search"
FVC = search_real.FVC
KEYS = [(f, i) for f in range(101, 111) for i in range(1, 9)]
SEED = 2008
SHARDS = 2


def fvc_study() -> dict[str, object]:
    from securecomm.afis.matching.calibration import RAW_CAP

    real = search_real.real_templates(CACHE)
    uncapped_cap = np.full(len(RAW_CAP), np.inf)
    pairs = np.array(list(itertools.combinations(range(len(KEYS)), 2)), dtype=np.int64)
    genuine = np.array([KEYS[a][0] == KEYS[b][0] for a, b in pairs])
    rows: list[dict[str, object]] = []
    pooled: dict[str, list[np.ndarray]] = {"gc": [], "gu": [], "ic": [], "iu": []}
    for mode in ("iso", "e2e"):
        for name in search_real.SETS:
            if mode == "iso":
                templates = [read_template(FVC / name / f"{f}_{i}.iso") for f, i in KEYS]
            else:
                templates = [real[(name, f, i)] for f, i in KEYS]
            packed = pack([prepare(t) for t in templates])
            cap = calibrate_many(raw_scores(packed, pairs[:, 0], pairs[:, 1]))
            unc = calibrate_many(raw_scores(packed, pairs[:, 0], pairs[:, 1], raw_cap=uncapped_cap))
            changed = cap != unc
            rc = error_rates(cap[genuine], cap[~genuine])
            ru = error_rates(unc[genuine], unc[~genuine])
            row = {
                "set": name,
                "mode": mode,
                "genuine_changed": int(changed[genuine].sum()),
                "impostor_changed": int(changed[~genuine].sum()),
                "eer_uncapped": ru.eer,
                "eer": rc.eer,
                "fmr1000_uncapped": ru.fmr1000,
                "fmr1000": rc.fmr1000,
            }
            rows.append(row)
            print(
                f"{name} {mode}: changed genuine {row['genuine_changed']}/{genuine.sum()} "
                f"impostor {row['impostor_changed']}/{(~genuine).sum()}; EER "
                f"{ru.eer * 100:.2f} -> {rc.eer * 100:.2f} %, FMR1000 {ru.fmr1000 * 100:.2f} -> "
                f"{rc.fmr1000 * 100:.2f} %",
                flush=True,
            )
            pooled["gc"].append(cap[genuine])
            pooled["gu"].append(unc[genuine])
            pooled["ic"].append(cap[~genuine])
            pooled["iu"].append(unc[~genuine])
    p = {k: np.concatenate(v) for k, v in pooled.items()}
    tails = []
    for t in (3, 4, 5, 8):
        tail = {
            "decades": t,
            "genuine_share_uncapped": float(np.mean(p["gu"] >= t)),
            "genuine_share": float(np.mean(p["gc"] >= t)),
            "impostors_uncapped": int((p["iu"] >= t).sum()),
            "impostors": int((p["ic"] >= t).sum()),
        }
        tails.append(tail)
        print(
            f">= {t} decades: genuine {tail['genuine_share_uncapped'] * 100:.1f} -> "
            f"{tail['genuine_share'] * 100:.1f} %, impostors {tail['impostors_uncapped']} -> "
            f"{tail['impostors']} of {len(p['ic'])}"
        )
    return {"sets": rows, "pooled_tails": tails}


def search_study(n: int, probes: int) -> dict[str, object]:
    from securecomm.afis.search.embedded import EmbeddedSearchEngine
    from securecomm.afis.search.gallery import Gallery
    from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
    from securecomm.afis.types import FingerPosition

    path = search_scale.gallery_path(CACHE, SEED, n, SHARDS)
    search_scale.build_gallery(path, n, SEED, SHARDS)
    gen = TenPrintGenerator(SEED)
    position = FingerPosition(2)
    false_positives = []
    tops = []
    mated = probes // 2
    step = max(n // max(mated, 1), 1)
    rank1 = found = 0
    t0 = time.perf_counter()
    with Gallery.open(path, create=False) as gallery:
        engine = EmbeddedSearchEngine(gallery)
        for j in range(probes):
            probe = gen.ten_print(NONMATED_BASE + j, 1)[position]
            top = engine.search({position: probe}).candidates[0]
            tops.append(top.score)
            if top.score >= top.threshold:
                enrolled = gen.ten_print(int(top.identity_id[1:]), 0)[position]
                c = matching.compare(probe, enrolled)
                false_positives.append(
                    {
                        "probe": j,
                        "candidate": top.identity_id,
                        "score": top.score,
                        "threshold": top.threshold,
                        "score_1to1": c.score,
                        "pairs": len(c.pairs),
                        "minutiae": [probe.count, enrolled.count],
                    }
                )
        for k in range(mated):
            j = k * step
            top = engine.search({position: gen.ten_print(j, 1)[position]}).candidates[0]
            if top.identity_id == search_scale.identity_name(j):
                rank1 += 1
                found += top.score >= top.threshold
    out = {
        "identities": n,
        "nonmated_probes": probes,
        "false_positives": false_positives,
        "top_nonmated_max": float(max(tops)),
        "top_nonmated_quantiles_50_90_99": [float(q) for q in np.quantile(tops, [0.5, 0.9, 0.99])],
        "mated_probes": mated,
        "mated_rank1": rank1,
        "mated_rank1_at_threshold": int(found),
        "seconds": time.perf_counter() - t0,
    }
    fp = ", ".join(
        f"probe {f['probe']} ({f['score']:.2f} >= {f['threshold']:.2f}, {f['pairs']} pairs, "
        f"minutiae {f['minutiae'][0]}/{f['minutiae'][1]})"
        for f in false_positives
    )
    print(
        f"{n:,} identities: false positives {len(false_positives)}/{probes} [{fp}]; top non-mated "
        f"max {out['top_nonmated_max']:.2f}; mated rank-1 {rank1}/{mated}, at/above threshold "
        f"{found}; {out['seconds']:.0f} s",
        flush=True,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--search", default="", help="gallery sizes, comma-separated")
    parser.add_argument("--probes", type=int, default=1000, help="non-mated 1-finger probes")
    parser.add_argument("--no-fvc", action="store_true", help="skip the FVC study")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    doc: dict[str, object] = {"engine": str(Path(matching.__file__).resolve().parent)}
    if not args.no_fvc:
        doc["fvc"] = fvc_study()
    sizes = [int(s) for s in args.search.split(",") if s]
    doc["search"] = [search_study(n, args.probes) for n in sizes]
    if args.json is not None:
        args.json.write_text(json.dumps(doc, indent=2))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
