"""The examiner's view: a print with its minutiae, and two prints with their paired minutiae.

DESIGN.md §5 rule 2: a human verifies every match on exactly this picture before anything
happens. Endings are drawn as circles, bifurcations as squares, each with a tick along its
direction; in a pair view, paired minutiae are numbered and joined by a line across the two
prints, unpaired ones are drawn faint, and the header states the score and what it means
(the estimated false match rate).

Templates are drawn over images at the template's own geometry: coordinates scale by
``image.ppi / template.ppi``, or, with ``stretch=True``, by the ratio of the image's size to
the template's recorded size on each axis (for templates made from a resized image, such as
the FVC ISO templates, whose headers all say 300 × 400).
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from securecomm.afis.matching.calibration import THRESHOLD_FMR_1E3, THRESHOLD_FMR_1E4
from securecomm.afis.matching.comparator import Comparison
from securecomm.afis.types import FingerImage, MinutiaKind, Template

MARK_RADIUS = 5
TICK_LENGTH = 14
HEADER_HEIGHT = 46
GAP = 24
ENDING_COLOUR = (220, 40, 40)
BIFURCATION_COLOUR = (30, 110, 230)
FAINT = (150, 150, 150)
#: Calibrated scores above this are extrapolated (14,400 impostor pairs were measured).
MEASURED_LIMIT = 5.0


@dataclass(frozen=True)
class Placement:
    """Where a template's minutiae fall on an image: per-axis scale."""

    sx: float
    sy: float

    @classmethod
    def of(cls, image: FingerImage, template: Template, stretch: bool = False) -> Placement:
        if stretch:
            return cls(image.width / template.width, image.height / template.height)
        s = image.ppi / template.ppi
        return cls(s, s)

    def points(self, t: Template) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Image coordinates and on-screen directions (radians, y down) of the minutiae."""
        x = np.asarray(t.x, dtype=np.float64) * self.sx
        y = np.asarray(t.y, dtype=np.float64) * self.sy
        a = np.asarray(t.angle, dtype=np.float64)
        # direction (cos a, −sin a) on screen, stretched like the coordinates
        direction = np.arctan2(-np.sin(a) * self.sy, np.cos(a) * self.sx)
        return x, y, direction


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _draw_minutia(
    draw: ImageDraw.ImageDraw, x: float, y: float, d: float, kind: int, colour: tuple[int, ...]
) -> None:
    r = MARK_RADIUS
    box = (x - r, y - r, x + r, y + r)
    if kind == MinutiaKind.BIFURCATION:
        draw.rectangle(box, outline=colour, width=2)
    else:
        draw.ellipse(box, outline=colour, width=2)
    draw.line(
        (x, y, x + TICK_LENGTH * math.cos(d), y + TICK_LENGTH * math.sin(d)), fill=colour, width=2
    )


def _canvas(image: FingerImage) -> Image.Image:
    return Image.fromarray(np.asarray(image.pixels, dtype=np.uint8), mode="L").convert("RGB")


def render_minutiae(
    image: FingerImage, template: Template, *, stretch: bool = False, title: str = ""
) -> Image.Image:
    """The print with every minutia of ``template`` marked (endings red, bifurcations blue)."""
    placement = Placement.of(image, template, stretch)
    x, y, d = placement.points(template)
    out = Image.new("RGB", (image.width, image.height + HEADER_HEIGHT), "white")
    out.paste(_canvas(image), (0, HEADER_HEIGHT))
    draw = ImageDraw.Draw(out)
    for i in range(template.count):
        kind = int(template.kind[i])
        colour = BIFURCATION_COLOUR if kind == MinutiaKind.BIFURCATION else ENDING_COLOUR
        _draw_minutia(draw, x[i], y[i] + HEADER_HEIGHT, d[i], kind, colour)
    endings = int(np.sum(template.kind == MinutiaKind.ENDING))
    bifurcations = int(np.sum(template.kind == MinutiaKind.BIFURCATION))
    draw.text((6, 4), title or "print", fill="black", font=_font(14))
    summary = f"{template.count} minutiae: {endings} endings (o), {bifurcations} bifurcations (□)"
    if template.quality:
        summary += f", quality {template.quality}"
    draw.text((6, 24), summary, fill="black", font=_font(12))
    return out


def verdict(score: float) -> str:
    """What a calibrated score means, in words an officer can act on."""
    if score >= THRESHOLD_FMR_1E4:
        strength = "strong evidence of the same finger"
    elif score >= THRESHOLD_FMR_1E3:
        strength = "evidence of the same finger"
    else:
        strength = "below the decision threshold"
    if score > MEASURED_LIMIT:
        rate = f"below 1e-{MEASURED_LIMIT:.0f}, beyond the measured range"
    else:
        rate = f"about 1 in {10 ** max(score, 0.0):,.0f}"
    return f"score {score:.2f} (estimated false match rate {rate}): {strength}"


def render_pair(
    image_a: FingerImage,
    template_a: Template,
    image_b: FingerImage,
    template_b: Template,
    comparison: Comparison,
    *,
    stretch: bool = False,
    titles: tuple[str, str] = ("A", "B"),
) -> Image.Image:
    """Two prints side by side; paired minutiae numbered, coloured and joined by lines."""
    pa = Placement.of(image_a, template_a, stretch)
    pb = Placement.of(image_b, template_b, stretch)
    xa, ya, da = pa.points(template_a)
    xb, yb, db = pb.points(template_b)
    width = image_a.width + GAP + image_b.width
    height = max(image_a.height, image_b.height) + HEADER_HEIGHT
    out = Image.new("RGB", (width, height), "white")
    out.paste(_canvas(image_a), (0, HEADER_HEIGHT))
    ox = image_a.width + GAP
    out.paste(_canvas(image_b), (ox, HEADER_HEIGHT))
    draw = ImageDraw.Draw(out)
    paired_a = set(comparison.pairs[:, 0].tolist())
    paired_b = set(comparison.pairs[:, 1].tolist())
    for i in range(template_a.count):
        if i not in paired_a:
            _draw_minutia(draw, xa[i], ya[i] + HEADER_HEIGHT, da[i], int(template_a.kind[i]), FAINT)
    for j in range(template_b.count):
        if j not in paired_b:
            _draw_minutia(
                draw, xb[j] + ox, yb[j] + HEADER_HEIGHT, db[j], int(template_b.kind[j]), FAINT
            )
    n = len(comparison.pairs)
    font = _font(11)
    for k, (i, j) in enumerate(comparison.pairs.tolist()):
        r, g, b = colorsys.hsv_to_rgb(k / max(n, 1), 0.9, 0.9)
        colour = (int(255 * r), int(255 * g), int(255 * b))
        p = (xa[i], ya[i] + HEADER_HEIGHT)
        q = (xb[j] + ox, yb[j] + HEADER_HEIGHT)
        draw.line((*p, *q), fill=colour, width=1)
        _draw_minutia(draw, p[0], p[1], da[i], int(template_a.kind[i]), colour)
        _draw_minutia(draw, q[0], q[1], db[j], int(template_b.kind[j]), colour)
        draw.text((p[0] + 7, p[1] - 14), str(k + 1), fill=colour, font=font)
        draw.text((q[0] + 7, q[1] - 14), str(k + 1), fill=colour, font=font)
    draw.text((6, 4), verdict(comparison.score), fill="black", font=_font(14))
    draw.text(
        (6, 24),
        f"{n} paired minutiae · {titles[0]} ({template_a.count}) <-> {titles[1]} "
        f"({template_b.count}) · a human examiner must confirm",
        fill="black",
        font=_font(12),
    )
    return out
