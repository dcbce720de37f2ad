"""Emulated unseen sensors for the FVC benchmark (``afis_fvc.py --emulated``).

The engine was tuned on five shared sets; sensors it has never seen differ in frame size,
contrast, skin condition and distortion. These sets stand in for them, built the same way on
every run (seeded) and never written into the repository:

- **cropped** (``<set>:crop``): every shared image (at 500 ppi) cut to at most 328 × 364 px
  around the centre of mass of its ridge contrast — the frame of a small optical sensor — with
  the contrast reduced (ridges at 55 % of their depth) and a little sensor noise;
- **dry** (``<set>:dry``): the crop, ridges thinned (gray-level dilation: the bright valleys
  grow), broken in smooth random patches, contrast at 30–55 %, and a mild non-linear
  distortion (a smooth displacement field of up to 6 px);
- **wet** (``<set>:wet``): the crop, ridges thickened (gray-level erosion), blotted (smooth
  dark patches where valleys fill), contrast at 45–70 %, the same mild distortion;
- **synthetic** (``synth:WxH...``): ``securecomm synth fvc-like`` sets (10 fingers × 8, their
  own seeds) at frame sizes none of the shared sets has, one of them with heavy pressure
  variation (dry and wet touches), more poor touches and more distortion. Written once to a
  cache folder (``$SECURECOMM_BENCH_CACHE``, default ``~/.cache/securecomm/afis_fvc``).

The strength of each effect is drawn per image from a generator seeded by the set and the
file name, so an image is degraded the same way on every run and by every engine version.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy import ndimage

#: The small optical frame emulated (columns × rows at 500 ppi).
CROP_WIDTH = 328
CROP_HEIGHT = 364
VARIANTS = ("crop", "dry", "wet")

CACHE = Path(
    os.environ.get("SECURECOMM_BENCH_CACHE", Path.home() / ".cache" / "securecomm" / "afis_fvc")
)


@dataclass(frozen=True)
class SyntheticSensor:
    """A ``synth fvc-like`` set: frame size, seed, and whether touches vary strongly."""

    name: str
    width: int
    height: int
    seed: int
    harsh: bool = False


SYNTHETIC = (
    SyntheticSensor("synth:288x384", 288, 384, 41),
    SyntheticSensor("synth:300x480", 300, 480, 42),
    SyntheticSensor("synth:328x364-drywet", 328, 364, 43, harsh=True),
)


def emulated_set_names(shared: Sequence[str]) -> list[str]:
    return [f"{s}:{v}" for s in shared for v in VARIANTS] + [s.name for s in SYNTHETIC]


def _rng(*parts: str) -> np.random.Generator:
    digest = hashlib.blake2b("/".join(parts).encode(), digest_size=8).digest()
    return np.random.default_rng(int.from_bytes(digest, "little"))


def contrast_centre(pixels: np.ndarray) -> tuple[float, float]:
    """(row, column) of the centre of mass of the local ridge contrast (17 px windows)."""
    p = pixels.astype(np.float64)
    mean = ndimage.uniform_filter(p, 17)
    sd = np.sqrt(np.maximum(ndimage.uniform_filter(p * p, 17) - mean * mean, 0.0))
    weight = np.maximum(sd - 0.35 * np.percentile(sd, 95), 0.0)
    if weight.sum() <= 0:
        return (pixels.shape[0] - 1) / 2.0, (pixels.shape[1] - 1) / 2.0
    rows, cols = np.indices(pixels.shape)
    return float((rows * weight).sum() / weight.sum()), float((cols * weight).sum() / weight.sum())


def crop(pixels: np.ndarray, width: int = CROP_WIDTH, height: int = CROP_HEIGHT) -> np.ndarray:
    """At most ``width`` × ``height`` pixels centred on the contrast centre (inside the image)."""
    h, w = pixels.shape
    cy, cx = contrast_centre(pixels)
    ch, cw = min(height, h), min(width, w)
    y0 = int(np.clip(round(cy - ch / 2), 0, h - ch))
    x0 = int(np.clip(round(cx - cw / 2), 0, w - cw))
    return np.ascontiguousarray(pixels[y0 : y0 + ch, x0 : x0 + cw])


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int], scale: float) -> np.ndarray:
    """Smooth noise in [0, 1] with correlation length ``scale`` pixels."""
    f = ndimage.gaussian_filter(rng.standard_normal(shape), scale, mode="wrap")
    f -= f.min()
    return f / max(float(f.max()), 1e-9)


def _reduce_contrast(p: np.ndarray, factor: float, rng: np.random.Generator) -> np.ndarray:
    """Ridges at ``factor`` of their depth below the background level, plus sensor noise."""
    background = float(np.percentile(p, 97))
    out = background - (background - p) * factor
    return out + rng.normal(0.0, 3.0, p.shape)


def _distort(p: np.ndarray, rng: np.random.Generator, amplitude: float) -> np.ndarray:
    """A smooth displacement field (correlation about 60 px) of at most ``amplitude`` px."""
    fields = []
    for _ in range(2):
        f = ndimage.gaussian_filter(rng.standard_normal(p.shape), 60.0, mode="reflect")
        fields.append(f / max(float(np.abs(f).max()), 1e-9) * amplitude)
    rows, cols = np.indices(p.shape).astype(np.float64)
    return ndimage.map_coordinates(p, [rows + fields[0], cols + fields[1]], order=1, mode="nearest")


def degrade(pixels: np.ndarray, variant: str, key: str) -> np.ndarray:
    """The emulated-sensor version of one 500 ppi image (``variant`` in :data:`VARIANTS`)."""
    rng = _rng(variant, key)
    p = crop(pixels).astype(np.float64)
    if variant == "crop":
        p = _reduce_contrast(p, 0.55, rng)
    elif variant == "dry":
        p = _distort(p, rng, rng.uniform(2.0, 6.0))
        p = ndimage.grey_dilation(p, size=(2, 2) if rng.random() < 0.5 else (3, 3))
        background = float(np.percentile(p, 97))
        patches = _smooth_field(rng, p.shape, 6.0)
        broken = patches > rng.uniform(0.55, 0.7)  # dry-skin breaks along the ridges
        p = np.where(broken, background - (background - p) * 0.35, p)
        p = _reduce_contrast(p, rng.uniform(0.30, 0.55), rng)
    elif variant == "wet":
        p = _distort(p, rng, rng.uniform(2.0, 6.0))
        p = ndimage.grey_erosion(p, size=(2, 2) if rng.random() < 0.5 else (3, 3))
        blots = _smooth_field(rng, p.shape, 12.0)
        level = rng.uniform(0.6, 0.75)
        weight = np.clip((blots - level) / (1.0 - level), 0.0, 1.0) * 0.8
        dark = float(np.percentile(p, 5))
        p = p * (1.0 - weight) + dark * weight
        p = _reduce_contrast(p, rng.uniform(0.45, 0.70), rng)
    else:
        raise ValueError(f"unknown variant {variant!r}, expected one of {VARIANTS}")
    return np.clip(np.rint(p), 0, 255).astype(np.uint8)


def synthetic_folder(sensor: SyntheticSensor) -> Path:
    """The folder of a synthetic sensor's set, written on first use (10 fingers × 8)."""
    from securecomm.afis.synthesis import write_fvc_like
    from securecomm.afis.synthesis.parameters import DEFAULT_IMPRESSION

    folder = CACHE / f"{sensor.name.replace(':', '_')}-seed{sensor.seed}"
    if len(list(folder.glob("*.png"))) == 80:
        return folder
    params = replace(DEFAULT_IMPRESSION, flat_width=sensor.width, flat_height=sensor.height)
    if sensor.harsh:
        params = replace(
            params,
            pressure_step_weights=(0.2, 0.25, 0.1, 0.25, 0.2),
            dryness_range=(0.05, 0.35),
            poor_probability=0.3,
            distortion_translation_max=14.0,
            distortion_rotation_max_degrees=6.0,
        )
    write_fvc_like(
        folder, fingers=10, impressions=8, seed=sensor.seed, ground_truth=False,
        impression_params=params,
    )  # fmt: skip
    return folder
