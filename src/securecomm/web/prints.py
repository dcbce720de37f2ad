"""The prints behind a match, for the examiner's view: probe and gallery per finger.

A case carries ``paired_minutiae_ref``, the reference of the view an officer must decide on.
References of the form ``examiner:<key>`` name a folder of this store
(``<home>/examiner/<key>/``): for each finger, the probe image (from the booking) and the
gallery image (the enrolled print it matched), both as 8-bit PNG, and their templates in the
engine's exact native format, listed in ``manifest.json``.  ``ExaminerViews`` compares and
draws them.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from securecomm.afis.templates import read_template, write_template
from securecomm.afis.types import FingerImage, FingerPosition, Template
from securecomm.enforcement import UnknownCaseError

REF_PREFIX = "examiner:"
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@dataclass(frozen=True)
class FingerPair:
    """One finger of a match: the probe print and template, the gallery template and — when the
    gallery keeps one — its print (IDENT galleries keep templates only)."""

    position: FingerPosition
    probe: FingerImage
    probe_template: Template
    gallery: FingerImage | None
    gallery_template: Template


def _png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8), mode="L").save(out, "PNG")
    return out.getvalue()


class PrintStore:
    """Probe and gallery prints per match, in a folder per reference."""

    def __init__(self, root: Path) -> None:
        self.root = root

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
            if p.gallery is not None:
                (folder / f"gallery_{stem}.png").write_bytes(_png(p.gallery.pixels))
            (folder / f"probe_{stem}.sct").write_bytes(write_template(p.probe_template))
            (folder / f"gallery_{stem}.sct").write_bytes(write_template(p.gallery_template))
            fingers.append(
                {"position": int(p.position), "probe_ppi": p.probe.ppi,
                 "gallery_ppi": p.gallery.ppi if p.gallery is not None else None}
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
                    image("gallery", float(finger["gallery_ppi"]))
                    if finger["gallery_ppi"] is not None
                    else None,
                    read_template((folder / f"gallery_{stem}.sct").read_bytes()),
                )
            )
        return pairs
