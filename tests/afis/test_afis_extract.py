"""Feature extraction on real FVC images and on synthetic ridge patterns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

import securecomm.afis.extraction as extraction
from securecomm.afis.errors import ExtractionError
from securecomm.afis.extraction import DEFAULT_PARAMETERS, Features, extract, extract_features
from securecomm.afis.image import load_image
from securecomm.afis.types import FingerImage, FingerPosition, MinutiaKind

# one impression from every sensor (DB2 is 569 ppi)
SAMPLES = [
    ("fvc2002/DB1_B", "101_1", 500),
    ("fvc2002/DB2_B", "103_2", 569),
    ("fvc2002/DB3_B", "105_4", 500),
    ("fvc2002/DB4_B", "107_3", 500),
    ("fvc2004/DB1_B", "109_5", 500),
]


@pytest.fixture(scope="module")
def features(shared_data: Path) -> dict[str, Features]:
    out = {}
    for folder, stem, ppi in SAMPLES:
        image = load_image(shared_data / "fvc" / folder / f"{stem}.png", ppi=ppi)
        out[folder] = extract_features(image)
    return out


def test_public_api_is_stable() -> None:
    assert extraction.__all__ == [
        "DEFAULT_PARAMETERS",
        "ExtractionParameters",
        "Features",
        "QualityMeasures",
        "extract",
        "extract_features",
    ]


@pytest.mark.parametrize("folder", [s[0] for s in SAMPLES])
def test_minutiae_count_and_fields_are_sane(features: dict[str, Features], folder: str) -> None:
    f = features[folder]
    t = f.template
    assert 15 <= t.count <= 80
    assert t.ppi == 500
    assert (t.width, t.height) == (f.pixels.shape[1], f.pixels.shape[0])
    assert np.all((t.x >= 0) & (t.x < t.width) & (t.y >= 0) & (t.y < t.height))
    assert np.all((t.angle >= 0) & (t.angle < 2 * np.pi))
    assert set(np.unique(t.kind)) <= {MinutiaKind.ENDING, MinutiaKind.BIFURCATION}
    assert np.all((t.minutia_quality >= 1) & (t.minutia_quality <= 100))
    assert 1 <= t.quality <= 100
    # every minutia lies in the foreground, on the skeleton
    assert f.mask[t.y.astype(int), t.x.astype(int)].all()
    assert f.skeleton[t.y.astype(int), t.x.astype(int)].all()


@pytest.mark.parametrize("folder", [s[0] for s in SAMPLES])
def test_intermediate_maps_are_consistent(features: dict[str, Features], folder: str) -> None:
    f = features[folder]
    shape = f.pixels.shape
    for name in (
        "normalised",
        "mask",
        "orientation",
        "coherence",
        "clarity",
        "frequency",
        "enhanced",
    ):
        assert getattr(f, name).shape == shape, name
    assert f.skeleton.shape == shape and f.ridges.shape == shape
    assert np.all((f.orientation >= 0) & (f.orientation < np.pi))
    assert np.all((f.coherence >= 0) & (f.coherence <= 1))
    # ridge period 4.5–16 pixels at 500 ppi; FVC prints are near 9
    period = f.ridge_period[f.mask]
    assert 6.5 < float(np.median(period)) < 12.5
    # skeleton only inside the ridges, and one pixel wide: a 2x2 block of skeleton pixels
    # survives only where four branches cross (thinning cannot remove any of its pixels)
    assert not np.any(f.skeleton & ~f.ridges)
    s = f.skeleton.astype(int)
    assert np.count_nonzero(s[:-1, :-1] + s[1:, :-1] + s[:-1, 1:] + s[1:, 1:] == 4) <= 3
    assert not np.any(f.enhanced[~f.mask])


def _print_pixels(pixels: np.ndarray) -> np.ndarray:
    """A rough independent foreground: where the smoothed image is darker than the paper."""
    smooth = ndimage.uniform_filter(pixels.astype(float), 15)
    paper = np.percentile(smooth, 99)
    return smooth < paper - 0.25 * (paper - np.percentile(smooth, 1))


@pytest.mark.parametrize("folder", ["fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2004/DB1_B"])
def test_mask_covers_the_print_and_not_the_background(
    features: dict[str, Features], folder: str
) -> None:
    f = features[folder]
    dark = _print_pixels(f.pixels)
    assert f.mask[dark].mean() > 0.6
    h, w = f.mask.shape
    for corner in (f.mask[:12, :12], f.mask[:12, w - 12 :], f.mask[h - 12 :, w - 12 :]):
        assert not corner.any()


def test_extraction_is_deterministic(shared_data: Path) -> None:
    image = load_image(shared_data / "fvc" / "fvc2002" / "DB1_B" / "104_2.png")
    a, b = extract(image), extract(image)
    assert a.same_minutiae(b, tol=0)
    assert a.quality == b.quality
    assert np.array_equal(a.minutia_quality, b.minutia_quality)


def test_position_and_resolution_are_carried(shared_data: Path) -> None:
    pixels = load_image(shared_data / "fvc" / "fvc2002" / "DB1_B" / "102_1.png").pixels
    # a 1000-ppi version of the same print gives a template at 500 ppi of the original size
    big = np.kron(pixels, np.ones((2, 2), dtype=np.uint8))
    t = extract(FingerImage(big, ppi=1000, position=FingerPosition.LEFT_THUMB))
    assert t.position is FingerPosition.LEFT_THUMB
    assert (t.width, t.height) == (pixels.shape[1], pixels.shape[0])
    assert t.ppi == 500


def test_quality_drops_for_degraded_prints(shared_data: Path) -> None:
    pixels = load_image(shared_data / "fvc" / "fvc2002" / "DB1_B" / "106_3.png").pixels
    clean = extract(FingerImage(pixels))
    blurred = ndimage.gaussian_filter(pixels.astype(float), 2.5)
    rng = np.random.default_rng(7)
    noisy = pixels.astype(float) + rng.normal(0, 60, pixels.shape)
    cropped = np.full_like(pixels, 255)
    h, w = pixels.shape
    cropped[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3] = pixels[
        h // 3 : 2 * h // 3, w // 3 : 2 * w // 3
    ]
    for degraded in (blurred, noisy, cropped):
        image = FingerImage(np.clip(degraded, 0, 255).astype(np.uint8))
        try:
            quality = extract(image).quality
        except ExtractionError:
            quality = 0
        assert quality < clean.quality - 10


def test_blank_image_raises_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="foreground"):
        extract(FingerImage(np.full((300, 300), 200, dtype=np.uint8)))
    rng = np.random.default_rng(1)
    with pytest.raises(ExtractionError):
        extract(FingerImage(rng.integers(0, 256, (300, 300), dtype=np.uint8)))


#: a synthetic pattern holds a single minutia: accept templates that small
_ONE_MINUTIA = replace(DEFAULT_PARAMETERS, min_minutiae=1)


def _spiral_minutia(phase: float) -> np.ndarray:
    """Parallel horizontal ridges (period 10) with one minutia at (120, 120), made by a phase
    spiral (Larkin and Fletcher 2007): the right half holds one more ridge than the left, so the
    minutia opens toward +x. Depending on ``phase`` it is a ridge ending or a bifurcation."""
    yy, xx = np.mgrid[0:240, 0:240].astype(float)
    psi = 2 * np.pi * yy / 10.0 + np.arctan2(yy - 120, xx - 120) + phase
    return np.clip(128 - 90 * np.cos(psi), 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    ("phase", "kind"), [(0.0, MinutiaKind.ENDING), (np.pi, MinutiaKind.BIFURCATION)]
)
def test_synthetic_minutia_direction_follows_the_iso_sense(phase: float, kind: int) -> None:
    """An ending points into its ridge, a bifurcation into the valley between its branches:
    here both point toward the side with the extra ridge, +x (angle 0); see ``afis.types``."""
    t = extract(FingerImage(_spiral_minutia(phase)), _ONE_MINUTIA)
    assert t.count == 1
    assert t.kind[0] == kind
    assert np.hypot(t.x[0] - 120, t.y[0] - 120) < 6
    assert abs(np.angle(np.exp(1j * t.angle[0]))) < np.radians(10)


def test_rotated_pattern_rotates_the_minutia_direction() -> None:
    """Transposing the image (x ↔ y) turns a direction of 0 into −π/2 on screen (down)."""
    t = extract(FingerImage(np.ascontiguousarray(_spiral_minutia(0.0).T)), _ONE_MINUTIA)
    assert t.count == 1
    assert abs(np.angle(np.exp(1j * (t.angle[0] + np.pi / 2)))) < np.radians(10)


def test_relative_coherence_thresholds_only_lower_the_fixed_ones(shared_data: Path) -> None:
    """The relative coherence thresholds (off by default, issue 14) can only keep more: more
    foreground and at least as many minutiae on a print, never a stricter threshold."""
    image = load_image(shared_data / "fvc/fvc2002/DB4_B/107_3.png")
    fixed = extract_features(image)
    relative = extract_features(
        image,
        replace(
            DEFAULT_PARAMETERS,
            segmentation_relative_coherence=0.6,
            relative_minutia_coherence=0.6,
        ),
    )
    assert relative.mask.sum() >= fixed.mask.sum()
    assert relative.template.count >= fixed.template.count - 2  # the skeleton may differ
    assert replace(DEFAULT_PARAMETERS, relative_minutia_coherence=0.0) == DEFAULT_PARAMETERS
