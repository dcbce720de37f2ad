"""The prints behind a match, for the examiner's view: probe and gallery per finger.

A case carries ``paired_minutiae_ref``, the reference of the view an officer must decide on.
References of the form ``examiner:<key>`` name a folder of this store
(``<home>/examiner/<key>/``): for each finger, the probe image (from the booking) and the
gallery image (the enrolled print it matched), both as 8-bit PNG, and their templates in the
engine's exact native format, listed in ``manifest.json``.  The comparison is recomputed with
the engine's comparator when the view is drawn, so the score and the pairs shown are the
engine's own, not a number stored beside the pictures.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from securecomm.afis.examiner import render_pair, verdict
from securecomm.afis.matching import Comparison, compare
from securecomm.afis.templates import read_template, write_template
from securecomm.afis.types import FingerImage, FingerPosition, Template
from securecomm.enforcement.errors import UnknownCaseError

REF_PREFIX = "examiner:"
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@dataclass(frozen=True)
class FingerPair:
    position: FingerPosition
    probe: FingerImage
    probe_template: Template
    gallery: FingerImage
    gallery_template: Template


@dataclass(frozen=True)
class FingerComparison:
    position: FingerPosition
    score: float
    paired: int
    verdict: str

    @property
    def label(self) -> str:
        return self.position.name.replace("_", " ").lower()


def _png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8), mode="L").save(out, "PNG")
    return out.getvalue()


class PrintStore:
    """Probe and gallery prints per match, in a folder per reference."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._comparisons: dict[str, list[tuple[FingerPair, Comparison]]] = {}

    def _folder(self, ref: str) -> Path:
        if not ref.startswith(REF_PREFIX) or not _KEY.match(ref[len(REF_PREFIX) :]):
            raise UnknownCaseError(
                f"the examiner view {ref!r} is not held by this console's print store "
                f"(references look like {REF_PREFIX}<key>)"
            )
        return self.root / ref[len(REF_PREFIX) :]

    def save(self, key: str, pairs: Sequence[FingerPair]) -> str:
        """Store the prints of one match; returns the reference for the case."""
        ref = REF_PREFIX + key
        folder = self._folder(ref)
        folder.mkdir(parents=True, exist_ok=True)
        fingers = []
        for p in pairs:
            stem = f"{int(p.position):02d}"
            (folder / f"probe_{stem}.png").write_bytes(_png(p.probe.pixels))
            (folder / f"gallery_{stem}.png").write_bytes(_png(p.gallery.pixels))
            (folder / f"probe_{stem}.sct").write_bytes(write_template(p.probe_template))
            (folder / f"gallery_{stem}.sct").write_bytes(write_template(p.gallery_template))
            fingers.append(
                {"position": int(p.position), "probe_ppi": p.probe.ppi,
                 "gallery_ppi": p.gallery.ppi}
            )  # fmt: skip
        (folder / "manifest.json").write_text(json.dumps({"fingers": fingers}, indent=1))
        return ref

    def load(self, ref: str) -> list[FingerPair]:
        folder = self._folder(ref)
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            raise UnknownCaseError(f"no prints are on file for the examiner view {ref!r}")
        pairs = []
        for finger in json.loads(manifest.read_text())["fingers"]:
            position = FingerPosition(int(finger["position"]))
            stem = f"{int(position):02d}"

            def image(name: str, ppi: float, stem: str = stem, pos=position) -> FingerImage:
                with Image.open(folder / f"{name}_{stem}.png") as im:
                    return FingerImage(np.asarray(im.convert("L")), ppi, pos)

            pairs.append(
                FingerPair(
                    position,
                    image("probe", float(finger["probe_ppi"])),
                    read_template((folder / f"probe_{stem}.sct").read_bytes()),
                    image("gallery", float(finger["gallery_ppi"])),
                    read_template((folder / f"gallery_{stem}.sct").read_bytes()),
                )
            )
        return pairs

    def comparisons(self, ref: str) -> list[tuple[FingerPair, Comparison]]:
        """Each finger's pair with the comparator's result (computed once per process)."""
        with self._lock:
            cached = self._comparisons.get(ref)
        if cached is None:
            cached = [(p, compare(p.probe_template, p.gallery_template)) for p in self.load(ref)]
            with self._lock:
                self._comparisons[ref] = cached
        return cached

    def summary(self, ref: str) -> list[FingerComparison]:
        return [
            FingerComparison(p.position, c.score, len(c.pairs), verdict(c.score))
            for p, c in self.comparisons(ref)
        ]

    def view_png(self, ref: str, position: int) -> bytes:
        """The examiner's side-by-side picture of one finger (probe left, gallery right)."""
        for pair, comparison in self.comparisons(ref):
            if int(pair.position) == position:
                picture = render_pair(
                    pair.probe, pair.probe_template, pair.gallery, pair.gallery_template,
                    comparison, titles=("probe (booking)", "gallery (enrolled)"),
                )  # fmt: skip
                out = io.BytesIO()
                picture.save(out, "PNG")
                return out.getvalue()
        raise UnknownCaseError(f"the examiner view {ref!r} has no finger {position}")
