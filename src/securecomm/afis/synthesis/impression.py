"""Impressions: one touch of a master finger on a 500 ppi sensor, as an 8-bit image.

The SFinGe impression pipeline (Cappelli, Maio & Maltoni; *Handbook*, §7.6), in order:

1. **partial contact** — flat prints touch only part of the pad: an ellipse around a point near
   the finger's centre, with an irregular outline, intersected with the finger; rolled prints
   touch the whole pad, nail to nail;
2. **pressure / skin condition** — ridge width changes by binary erosion (dry skin, light
   pressure) or dilation (wet skin, heavy pressure) of the master's ridges;
3. **noise** — white blobs on ridges (pores, dry breaks), dark blobs in valleys (sweat, dirt),
   a fine-grained dryness that breaks ridges, a smooth variation of contrast and a fade at the
   contact border;
4. **geometry** — Cappelli–Maio–Maltoni skin distortion, rotation, translation (and the
   horizontal unrolling of a rolled print), see :mod:`.distortion`;
5. **rendering** — bilinear resampling onto the sensor grid, scratches, Gaussian blur (the
   sensor's point-spread), gray levels, background texture and sensor noise.

The ground-truth minutiae of the master go through the same geometry (:meth:`forward`), and
only those that are inside the visible contact area (by ``visible_margin``) are kept.
A share of touches (``poor_probability``) is *poor*: very dry or smudged skin, a faint or
noisy capture — as in the FVC collections, where volunteers were asked for dry and wet fingers.
A *clean* impression skips steps 2, 3, the distortion and the scratches, and keeps only the
weakest sensor noise: it is what the ground truth is checked against.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage
from scipy.special import ndtri

from securecomm.afis.synthesis.distortion import ImpressionGeometry, SkinDistortion
from securecomm.afis.synthesis.fields import smooth_random_field
from securecomm.afis.synthesis.master import MasterFingerprint
from securecomm.afis.synthesis.parameters import DEFAULT_IMPRESSION, ImpressionParameters
from securecomm.afis.types import WORKING_PPI, FingerImage, FingerPosition, Template


class ImpressionKind(StrEnum):
    FLAT = "flat"
    ROLLED = "rolled"


@dataclass(frozen=True, eq=False)
class Impression:
    """An impression image, its ground-truth minutiae (image coordinates) and its geometry."""

    image: FingerImage
    minutiae: Template
    kind: ImpressionKind
    geometry: ImpressionGeometry
    #: Morphological steps applied to the ridges (< 0 erosion, > 0 dilation).
    pressure: int
    #: A poor-quality touch (very dry or smudged skin, faint or noisy capture).
    poor: bool = False


_CROSS = ndimage.generate_binary_structure(2, 1)


def make_impression(
    master: MasterFingerprint,
    rng: np.random.Generator,
    *,
    kind: ImpressionKind = ImpressionKind.FLAT,
    clean: bool = False,
    position: FingerPosition = FingerPosition.UNKNOWN,
    params: ImpressionParameters = DEFAULT_IMPRESSION,
) -> Impression:
    """Simulate one impression of ``master``; every random choice comes from ``rng``."""
    kind = ImpressionKind(kind)
    contact = _contact_region(master, rng, kind, params)
    geometry, out_size = _geometry(master, contact, rng, kind, clean, params)

    poor = not clean and bool(rng.random() < params.poor_probability)
    if poor:
        params = dataclasses.replace(
            params,
            dryness_range=params.poor_dryness_range,
            gaussian_noise_range=params.poor_noise_range,
            blur_sigma_range=params.poor_blur_range,
            ridge_level_range=params.poor_ridge_level_range,
            contrast_variation=params.poor_contrast_variation,
        )
    pressure = 0 if clean else _draw_pressure(rng, params)
    ridges = master.ridges > 0
    if pressure < 0:
        ridges = ndimage.binary_erosion(ridges, _CROSS, iterations=-pressure)
    elif pressure > 0:
        ridges = ndimage.binary_dilation(ridges, _CROSS, iterations=pressure) & master.mask
    ink = ridges.astype(np.float32)
    if not clean:
        ink = _skin_noise(ink, ridges, contact, rng, params)
    ink *= _contact_intensity(contact, rng, clean, params)

    mx, my = _inverse_map(geometry, out_size, params.inverse_map_step)
    sampled = ndimage.map_coordinates(ink, [my, mx], order=1, mode="constant", cval=0.0)
    if not clean:
        sampled = _scratch(sampled, rng, params)
    pixels = _render(sampled.astype(np.float32), rng, clean, params)

    visible = ndimage.binary_erosion(contact, iterations=int(params.visible_margin))
    minutiae = _carry_minutiae(master.minutiae, geometry, visible, out_size, params)
    return Impression(
        image=FingerImage(pixels=pixels, ppi=float(WORKING_PPI), position=position),
        minutiae=minutiae,
        kind=kind,
        geometry=geometry,
        pressure=pressure,
        poor=poor,
    )


def _contact_region(
    master: MasterFingerprint,
    rng: np.random.Generator,
    kind: ImpressionKind,
    params: ImpressionParameters,
) -> np.ndarray:
    """Master-space mask of the skin that touches the sensor."""
    if kind is ImpressionKind.ROLLED:
        return master.mask.copy()
    shape = master.shape
    cx = shape.center_x + float(rng.uniform(-1, 1)) * params.contact_center_jitter
    # Flat prints are centred a little above the pad's middle (the core region).
    cy = (
        shape.center_y
        - 0.08 * shape.height
        + float(rng.uniform(-1, 1)) * (params.contact_center_jitter)
    )
    a = float(rng.uniform(*params.contact_axes_fraction_range)) * shape.width
    b = float(rng.uniform(*params.contact_axes_fraction_range)) * shape.height
    y, x = np.mgrid[0 : master.height, 0 : master.width].astype(np.float32)
    rho = np.sqrt(((x - cx) / a) ** 2 + ((y - cy) / b) ** 2)
    edge = smooth_random_field(rng, rho.shape, params.contact_edge_scale)
    inside = (rho - 1.0) * min(a, b) < params.contact_edge_noise * edge
    return inside & master.mask


def _geometry(
    master: MasterFingerprint,
    contact: np.ndarray,
    rng: np.random.Generator,
    kind: ImpressionKind,
    clean: bool,
    params: ImpressionParameters,
) -> tuple[ImpressionGeometry, tuple[int, int]]:
    ys, xs = np.nonzero(contact)
    cx, cy = float(xs.mean()), float(ys.mean())
    half_w = (float(xs.max()) - float(xs.min())) / 2
    half_h = (float(ys.max()) - float(ys.min())) / 2
    if kind is ImpressionKind.ROLLED:
        stretch = float(rng.uniform(*params.rolled_stretch_range))
        rotation = np.deg2rad(float(rng.uniform(-1, 1)) * params.rolled_rotation_max_degrees)
        hi = params.rolled_stretch_range[1]
        out_size = (
            master.height + 2 * params.rolled_margin,
            int(np.ceil(master.width * hi)) + 2 * params.rolled_margin,
        )
        shift = (0.0, 0.0)
        scale = 0.5  # rolling is guided by the operator: less drag and twist
    else:
        stretch = 1.0
        rotation = np.deg2rad(float(rng.uniform(-1, 1)) * params.rotation_max_degrees)
        out_size = (params.flat_height, params.flat_width)
        shift = (
            float(rng.uniform(-1, 1)) * params.translation_max,
            float(rng.uniform(-1, 1)) * params.translation_max,
        )
        scale = 1.0
    if clean:
        distortion = SkinDistortion(cx, cy, 1.0, 1.0, brake_k=params.brake_k)
    else:
        distortion = SkinDistortion(
            center_x=cx,
            center_y=cy,
            close_a=max(8.0, params.close_contact_fraction * half_w),
            close_b=max(8.0, params.close_contact_fraction * half_h),
            shift_x=scale * float(rng.uniform(-1, 1)) * params.distortion_translation_max,
            shift_y=scale * float(rng.uniform(-1, 1)) * params.distortion_translation_max,
            rotation=scale
            * np.deg2rad(float(rng.uniform(-1, 1)) * params.distortion_rotation_max_degrees),
            brake_k=params.brake_k,
        )
    geometry = ImpressionGeometry(
        distortion=distortion,
        anchor_x=cx,
        anchor_y=cy,
        image_x=out_size[1] / 2 + shift[0],
        image_y=out_size[0] / 2 + shift[1],
        rotation=float(rotation),
        stretch=stretch,
        inverse_iterations=params.inverse_iterations,
    )
    return geometry, out_size


def _inverse_map(
    geometry: ImpressionGeometry, out_size: tuple[int, int], step: int
) -> tuple[np.ndarray, np.ndarray]:
    """Master coordinates of every image pixel.

    The inverse distortion is solved on a grid every ``step`` pixels and interpolated
    bilinearly in between: the rigid part is linear (exact), and the elastic part varies over
    tens of pixels, so the error stays far below a pixel at a fraction of the cost.
    """
    rows, cols = out_size
    gr = np.arange(0, rows + step, step, dtype=np.float64)
    gc = np.arange(0, cols + step, step, dtype=np.float64)
    gv, gu = np.meshgrid(gr, gc, indexing="ij")
    mx, my = geometry.inverse(gu, gv)
    yy = (np.arange(rows, dtype=np.float64) / step)[:, None]
    xx = (np.arange(cols, dtype=np.float64) / step)[None, :]
    coords = [np.broadcast_to(yy, (rows, cols)), np.broadcast_to(xx, (rows, cols))]
    return (
        ndimage.map_coordinates(mx, coords, order=1, mode="nearest"),
        ndimage.map_coordinates(my, coords, order=1, mode="nearest"),
    )


def _draw_pressure(rng: np.random.Generator, params: ImpressionParameters) -> int:
    weights = np.asarray(params.pressure_step_weights, dtype=np.float64)
    return int(rng.choice(np.arange(-2, 3), p=weights / weights.sum()))


def _disc_blobs(
    candidates: np.ndarray,
    density: float,
    radius: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Discs of ``radius`` at random points of ``candidates`` (``density`` per 10,000 px)."""
    ys, xs = np.nonzero(candidates)
    out = np.zeros(candidates.shape, dtype=bool)
    count = int(rng.poisson(density * len(ys) / 10_000)) if len(ys) else 0
    if count == 0:
        return out
    picks = rng.choice(len(ys), size=min(count, len(ys)), replace=False)
    out[ys[picks], xs[picks]] = True
    r = int(np.ceil(radius))
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    return ndimage.binary_dilation(out, structure=dx * dx + dy * dy <= radius * radius)


def _skin_noise(
    ink: np.ndarray,
    ridges: np.ndarray,
    contact: np.ndarray,
    rng: np.random.Generator,
    params: ImpressionParameters,
) -> np.ndarray:
    radius = float(rng.uniform(*params.blob_radius_range))
    pores = _disc_blobs(
        ridges & contact, float(rng.uniform(*params.ridge_blob_density)), radius, rng
    )
    dirt = _disc_blobs(
        ~ridges & contact, float(rng.uniform(*params.valley_blob_density)), radius, rng
    )
    dryness = float(rng.uniform(*params.dryness_range))
    breaks = smooth_random_field(rng, ink.shape, params.dryness_scale) > ndtri(1.0 - dryness)
    out = ink.copy()
    out[pores | breaks] = 0.0
    out[dirt] = 1.0
    return out


def _contact_intensity(
    contact: np.ndarray, rng: np.random.Generator, clean: bool, params: ImpressionParameters
) -> np.ndarray:
    """How strongly each master pixel prints: contact, border fade, smooth contrast variation."""
    inside = ndimage.distance_transform_edt(contact)
    fade = np.clip(inside / params.edge_fade, 0.0, 1.0)
    if clean:
        return (contact * np.minimum(1.0, fade * 2)).astype(np.float32)
    variation = smooth_random_field(rng, contact.shape, params.contrast_scale)
    contrast = np.clip(1.0 + params.contrast_variation * variation, 0.5, 1.1)
    return (contact * fade * contrast).astype(np.float32)


def _scratch(ink: np.ndarray, rng: np.random.Generator, params: ImpressionParameters) -> np.ndarray:
    """Thin bright curves across the print: scratches on the platen or cuts in the skin."""
    lo, hi = params.scratch_count_range
    count = int(rng.integers(lo, hi + 1))
    if count == 0:
        return ink
    rows, cols = ink.shape
    canvas = Image.new("L", (cols, rows), 0)
    draw = ImageDraw.Draw(canvas)
    for _ in range(count):
        p0 = rng.uniform((0, 0), (cols, rows))
        p2 = rng.uniform((0, 0), (cols, rows))
        p1 = (p0 + p2) / 2 + rng.normal(0, 0.15 * max(rows, cols), 2)
        t = np.linspace(0, 1, 40)[:, None]
        curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
        width = int(rng.integers(params.scratch_width_range[0], params.scratch_width_range[1] + 1))
        draw.line([tuple(map(float, p)) for p in curve], fill=255, width=width)
    scratches = np.asarray(canvas, dtype=np.float32) / 255.0
    return ink * (1.0 - scratches)


def _render(
    ink: np.ndarray, rng: np.random.Generator, clean: bool, params: ImpressionParameters
) -> np.ndarray:
    """Gray levels: blur (point-spread), paper/platen background, ridge ink, sensor noise."""
    sigma = (
        float(np.mean(params.blur_sigma_range))
        if clean
        else float(rng.uniform(*params.blur_sigma_range))
    )
    ink = ndimage.gaussian_filter(ink, sigma)
    background = float(rng.uniform(*params.background_range))
    ridge = float(rng.uniform(*params.ridge_level_range))
    gray = background - (background - ridge) * ink
    if clean:
        noise = params.gaussian_noise_range[0]
    else:
        gray += params.background_variation * smooth_random_field(
            rng, ink.shape, params.background_scale
        )
        noise = float(rng.uniform(*params.gaussian_noise_range))
    gray += rng.normal(0.0, noise, ink.shape)  # every sensor has some noise
    return np.clip(np.rint(gray), 0, 255).astype(np.uint8)


def _carry_minutiae(
    minutiae: Template,
    geometry: ImpressionGeometry,
    visible: np.ndarray,
    out_size: tuple[int, int],
    params: ImpressionParameters,
) -> Template:
    """Ground-truth minutiae mapped to the image; only those on visible skin inside the frame."""
    x = minutiae.x.astype(np.float64)
    y = minutiae.y.astype(np.float64)
    angle = minutiae.angle.astype(np.float64)
    rows, cols = out_size
    on_skin = visible[
        np.clip(np.rint(y).astype(int), 0, visible.shape[0] - 1),
        np.clip(np.rint(x).astype(int), 0, visible.shape[1] - 1),
    ]
    u, v = geometry.forward(x, y)
    m = params.visible_margin
    keep = on_skin & (u >= m) & (u < cols - m) & (v >= m) & (v < rows - m)
    new_angle = geometry.forward_angle(x, y, angle)
    return Template.from_arrays(
        width=cols,
        height=rows,
        x=u[keep],
        y=v[keep],
        angle=new_angle[keep],
        kind=minutiae.kind[keep],
        minutia_quality=minutiae.minutia_quality[keep],
        meta={"source": "synthetic-ground-truth"},
    )
