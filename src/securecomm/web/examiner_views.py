"""The examiner's view of a case's match, whatever holds its prints.

A case's ``paired_minutiae_ref`` says where the prints are: ``examiner:<key>`` in the console's
print store (``prints.PrintStore``), ``idr:<message>/candidate:<subject>`` in the pipeline
(``pipeline_prints.PipelinePrints``).  Each finger is compared with the engine's comparator when
the view is first drawn (so the score and pairs shown are the engine's own, not numbers stored
beside the pictures); ``finger_views`` gives, per finger, both prints' geometry in millimetres
(each from its own resolution, so both are drawn at the same scale), every minutia and the
comparator's numbered pairs with their local similarity (``afis.pairing``) for the page to draw
as SVG over the full-resolution prints (``print_png``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from PIL import Image

from securecomm.afis.examiner import verdict
from securecomm.afis.matching import Comparison, compare
from securecomm.afis.pairing import MM_PER_INCH, Minutia, Pair, minutiae, pair_table
from securecomm.afis.types import FingerImage, FingerPosition, Template
from securecomm.enforcement import UnknownCaseError
from securecomm.web.prints import FingerPair, PrintStore


class PrintSource(Protocol):
    def load(self, ref: str) -> list[FingerPair]: ...


@dataclass(frozen=True)
class FingerComparison:
    position: FingerPosition
    score: float
    paired: int
    verdict: str
    gallery_image: bool

    @property
    def label(self) -> str:
        return self.position.name.replace("_", " ").lower()


Side = Literal["probe", "gallery"]
#: Space between the two prints, in millimetres.
GAP_MM = 3.0
#: Screen pixels per millimetre at 1:1 (one pixel of a 500 ppi print per CSS pixel).
PX_PER_MM_1TO1 = 500 / MM_PER_INCH


@dataclass(frozen=True)
class PrintSide:
    """One print of a finger as drawn: its area in mm (from its own resolution), whether an
    image is on file (a template-only gallery is drawn as a blank area) and its minutiae."""

    width_mm: float
    height_mm: float
    ppi: float
    width_px: int
    height_px: int
    has_image: bool
    minutiae: list[Minutia]
    paired: frozenset[int]

    @property
    def unpaired(self) -> list[Minutia]:
        return [m for m in self.minutiae if m.index not in self.paired]


@dataclass(frozen=True)
class FingerView:
    """Everything the page draws for one finger: probe left, gallery right, same scale."""

    finger: FingerComparison
    probe: PrintSide
    gallery: PrintSide
    pairs: list[Pair]

    @property
    def gallery_x_mm(self) -> float:
        return self.probe.width_mm + GAP_MM

    @property
    def width_mm(self) -> float:
        return self.gallery_x_mm + self.gallery.width_mm

    @property
    def height_mm(self) -> float:
        return max(self.probe.height_mm, self.gallery.height_mm)


def _side(image: FingerImage | None, template: Template, paired: set[int]) -> PrintSide:
    if image is not None:
        ppi, w, h = image.ppi, image.width, image.height
    else:  # template only: the print area the template records
        ppi, w, h = template.ppi, template.width, template.height
    ppi = ppi if ppi > 0 else 500.0
    return PrintSide(
        width_mm=w / ppi * MM_PER_INCH, height_mm=h / ppi * MM_PER_INCH, ppi=ppi,
        width_px=w, height_px=h, has_image=image is not None,
        minutiae=minutiae(template), paired=frozenset(paired),
    )  # fmt: skip


class ExaminerViews:
    """Comparisons and pictures of the fingers behind a reference, by its prefix."""

    def __init__(self, store: PrintStore, sources: dict[str, PrintSource]) -> None:
        self.store = store
        self.sources = {"examiner:": store, **sources}
        self._lock = threading.Lock()
        self._cache: dict[str, list[tuple[FingerPair, Comparison]]] = {}

    def save(self, key: str, pairs: Sequence[FingerPair]) -> str:
        return self.store.save(key, pairs)

    def load(self, ref: str) -> list[FingerPair]:
        for prefix, source in self.sources.items():
            if ref.startswith(prefix):
                return source.load(ref)
        raise UnknownCaseError(
            f"no print source holds the examiner view {ref!r} "
            f"(known: {', '.join(p + '…' for p in self.sources)})"
        )

    def comparisons(self, ref: str) -> list[tuple[FingerPair, Comparison]]:
        with self._lock:
            cached = self._cache.get(ref)
        if cached is None:
            cached = [(p, compare(p.probe_template, p.gallery_template)) for p in self.load(ref)]
            if not cached:
                raise UnknownCaseError(f"the examiner view {ref!r} has no finger on both sides")
            with self._lock:
                self._cache[ref] = cached
        return cached

    def summary(self, ref: str) -> list[FingerComparison]:
        return [
            FingerComparison(
                p.position, c.score, len(c.pairs), verdict(c.score), p.gallery is not None
            )
            for p, c in self.comparisons(ref)
        ]

    def finger_views(self, ref: str) -> list[FingerView]:
        """Per finger: both prints' geometry, every minutia and the numbered pairs."""
        views = []
        for (pair, comparison), finger in zip(
            self.comparisons(ref), self.summary(ref), strict=True
        ):
            paired_a = {int(i) for i in comparison.pairs[:, 0].tolist()}
            paired_b = {int(j) for j in comparison.pairs[:, 1].tolist()}
            views.append(
                FingerView(
                    finger,
                    _side(pair.probe, pair.probe_template, paired_a),
                    _side(pair.gallery, pair.gallery_template, paired_b),
                    pair_table(pair.probe_template, pair.gallery_template, comparison),
                )
            )
        return views

    def print_png(self, ref: str, position: int, side: Side) -> bytes:
        """One print of one finger at its full resolution (8-bit grey PNG)."""
        for pair, _comparison in self.comparisons(ref):
            if int(pair.position) == position:
                image = pair.probe if side == "probe" else pair.gallery
                if image is None:
                    raise UnknownCaseError(
                        f"the examiner view {ref!r} keeps no {side} image of finger {position} "
                        "(templates only)"
                    )
                out = io.BytesIO()
                Image.fromarray(np.asarray(image.pixels, dtype=np.uint8), mode="L").save(out, "PNG")
                return out.getvalue()
        raise UnknownCaseError(f"the examiner view {ref!r} has no finger {position}")
