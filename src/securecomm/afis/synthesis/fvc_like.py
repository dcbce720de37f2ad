"""Write a synthetic set laid out like an FVC database, for any FVC tool to run on.

Layout (the FVC convention, fingers numbered from 101)::

    DIR/NNN_K.png                 impression K (1..impressions) of finger NNN, 8-bit, 500 ppi
    DIR/ground_truth/NNN_K.iso    its ground-truth minutiae, ISO/IEC 19794-2:2005
    DIR/manifest.json             seed, classes, singular points, per-impression settings

Each finger draws from its own child of ``numpy.random.SeedSequence(seed)`` (spawn key = the
finger's index), so finger 105 of seed 7 is the same print whether 10 or 1,000 fingers are
written, and a set can be rebuilt finger by finger.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from securecomm.afis.errors import AfisError
from securecomm.afis.synthesis.impression import Impression, ImpressionKind, make_impression
from securecomm.afis.synthesis.master import MasterFingerprint, generate_master
from securecomm.afis.synthesis.parameters import (
    DEFAULT_IMPRESSION,
    DEFAULT_MASTER,
    ImpressionParameters,
    MasterParameters,
)
from securecomm.afis.templates import write_template
from securecomm.afis.types import WORKING_PPI

FIRST_FINGER = 101
MAX_FINGERS = 899  # finger numbers stay three digits (101..999)
MAX_IMPRESSIONS = 99


@dataclass
class FvcLikeReport:
    """What was written, and how long masters and impressions took (seconds)."""

    directory: Path
    fingers: int
    impressions: int
    seed: int
    master_seconds: list[float] = field(default_factory=list)
    impression_seconds: list[float] = field(default_factory=list)

    @property
    def images(self) -> int:
        return self.fingers * self.impressions


def finger_rng(seed: int, finger_index: int) -> np.random.Generator:
    """The generator of finger ``finger_index`` (0-based) of a set made with ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(finger_index,)))


def make_finger(
    seed: int,
    finger_index: int,
    impressions: int,
    *,
    master_params: MasterParameters = DEFAULT_MASTER,
    impression_params: ImpressionParameters = DEFAULT_IMPRESSION,
) -> tuple[MasterFingerprint, list[Impression], float, list[float]]:
    """One finger of a set: its master, its flat impressions, and their timings."""
    rng = finger_rng(seed, finger_index)
    t0 = time.perf_counter()
    master = generate_master(rng, params=master_params)
    master_time = time.perf_counter() - t0
    prints = []
    times = []
    for _ in range(impressions):
        t0 = time.perf_counter()
        prints.append(make_impression(master, rng, params=impression_params))
        times.append(time.perf_counter() - t0)
    return master, prints, master_time, times


def write_fvc_like(
    directory: str | Path,
    *,
    fingers: int,
    impressions: int,
    seed: int,
    ground_truth: bool = True,
    on_finger: Callable[[int], None] | None = None,
    master_params: MasterParameters = DEFAULT_MASTER,
    impression_params: ImpressionParameters = DEFAULT_IMPRESSION,
) -> FvcLikeReport:
    """Write ``fingers`` × ``impressions`` images to ``directory`` (created if missing).

    ``on_finger`` is called with the number of fingers done after each finger (progress bars).
    """
    if not 1 <= fingers <= MAX_FINGERS:
        raise AfisError(f"fingers must be between 1 and {MAX_FINGERS}, got {fingers}")
    if not 1 <= impressions <= MAX_IMPRESSIONS:
        raise AfisError(f"impressions must be between 1 and {MAX_IMPRESSIONS}, got {impressions}")
    if seed < 0:
        raise AfisError(f"seed must be a non-negative integer, got {seed}")
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if ground_truth:
            (out / "ground_truth").mkdir(exist_ok=True)
    except OSError as exc:
        raise AfisError(f"cannot create output directory {out}: {exc.strerror or exc}") from exc

    report = FvcLikeReport(out, fingers, impressions, seed)
    finger_entries: list[dict[str, object]] = []
    manifest: dict[str, object] = {
        "generator": "securecomm.afis.synthesis (SFinGe-style)",
        "synthetic": True,
        "seed": seed,
        "ppi": WORKING_PPI,
        "fingers": finger_entries,
    }
    for index in range(fingers):
        number = FIRST_FINGER + index
        master, prints, master_time, times = make_finger(
            seed,
            index,
            impressions,
            master_params=master_params,
            impression_params=impression_params,
        )
        report.master_seconds.append(master_time)
        report.impression_seconds.extend(times)
        entries: list[dict[str, object]] = []
        for k, imp in enumerate(prints, start=1):
            name = f"{number}_{k}"
            _write_png(out / f"{name}.png", imp.image.pixels)
            if ground_truth:
                _write_bytes(
                    out / "ground_truth" / f"{name}.iso", write_template(imp.minutiae, "iso")
                )
            entries.append(
                {
                    "file": f"{name}.png",
                    "kind": ImpressionKind(imp.kind).value,
                    "pressure": imp.pressure,
                    "poor": imp.poor,
                    "rotation_degrees": round(float(np.degrees(imp.geometry.rotation)), 3),
                    "ground_truth_minutiae": imp.minutiae.count,
                }
            )
        points = master.singular_points
        finger_entries.append(
            {
                "finger": number,
                "class": master.finger_class.value,
                "cores": [[round(x, 1), round(y, 1)] for x, y in points.cores],
                "deltas": [[round(x, 1), round(y, 1)] for x, y in points.deltas],
                "master_minutiae": master.minutiae.count,
                "impressions": entries,
            }
        )
        if on_finger is not None:
            on_finger(index + 1)
    _write_bytes(out / "manifest.json", (json.dumps(manifest, indent=1) + "\n").encode())
    return report


def _write_png(path: Path, pixels: np.ndarray) -> None:
    try:
        Image.fromarray(pixels, mode="L").save(path, format="PNG", dpi=(WORKING_PPI, WORKING_PPI))
    except OSError as exc:
        raise AfisError(f"cannot write image {path}: {exc.strerror or exc}") from exc


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise AfisError(f"cannot write {path}: {exc.strerror or exc}") from exc
