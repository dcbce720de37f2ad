"""The examiner's view of a case's match, whatever holds its prints.

A case's ``paired_minutiae_ref`` says where the prints are: ``examiner:<key>`` in the console's
print store (``prints.PrintStore``), ``idr:<message>/candidate:<subject>`` in the pipeline
(``pipeline_prints.PipelinePrints``).  Each finger is compared with the engine's comparator when
the view is first drawn (so the score and pairs shown are the engine's own, not numbers stored
beside the pictures) and drawn with the engine's examiner view (``afis.examiner.render_pair``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from securecomm.afis.examiner import render_pair, verdict
from securecomm.afis.matching import Comparison, compare
from securecomm.afis.types import FingerImage, FingerPosition
from securecomm.enforcement.errors import UnknownCaseError
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


def _blank(pair: FingerPair) -> FingerImage:
    """A white print area of the gallery template's size, for a gallery without images."""
    t = pair.gallery_template
    return FingerImage(np.full((t.height, t.width), 255, dtype=np.uint8), t.ppi, pair.position)


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

    def view_png(self, ref: str, position: int) -> bytes:
        """One finger's side-by-side picture (probe left, gallery right)."""
        for pair, comparison in self.comparisons(ref):
            if int(pair.position) == position:
                gallery = pair.gallery or _blank(pair)
                title = "gallery (enrolled)" if pair.gallery else "gallery (template only)"
                picture = render_pair(
                    pair.probe, pair.probe_template, gallery, pair.gallery_template,
                    comparison, titles=("probe (booking)", title),
                )  # fmt: skip
                out = io.BytesIO()
                picture.save(out, "PNG")
                return out.getvalue()
        raise UnknownCaseError(f"the examiner view {ref!r} has no finger {position}")
