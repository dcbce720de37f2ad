"""securecomm.afis — the fingerprint engine, a library of its own.

Images → features → minutiae templates → 1:1 comparison → 1:N identification, plus synthetic
prints. It knows nothing of people, immigration or databases. Its narrow face, in the manner of
SourceAFIS's few public classes::

    from securecomm import afis

    image = afis.load_image("print.png", ppi=500)            # FingerImage (PNG/TIFF/WSQ/JP2…)
    template = afis.extract(image)                            # Template (minutiae)
    score = afis.compare(template, afis.read_template(iso)).score   # −log10 FMR
    data = afis.write_template(template, "iso")           # ISO/IEC 19794-2 (or "sct")
    with afis.open_search_engine(settings, "immigration") as engine:   # 1:N
        result = engine.search({afis.FingerPosition.RIGHT_INDEX: template})
    comparison = afis.compare(a, b)                           # transparency: why it matched
    for pair in afis.pair_table(a, b, comparison): ...       # numbered pairs, local similarity
    picture = afis.render_pair(image_a, a, image_b, b, comparison)   # side by side (PIL)

Every error it raises is an :class:`AfisError`. The names load on first use, so importing a
piece (``securecomm.afis.types``) does not pull in the numeric kernels.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it.
_FACADE = {
    "FingerImage": "securecomm.afis.types",
    "FingerPosition": "securecomm.afis.types",
    "MinutiaKind": "securecomm.afis.types",
    "Template": "securecomm.afis.types",
    "load_image": "securecomm.afis.image",
    "decode_image_bytes": "securecomm.afis.image",
    "extract": "securecomm.afis.extraction",
    "compare": "securecomm.afis.matching",
    "Comparison": "securecomm.afis.matching",
    "read_template": "securecomm.afis.templates",
    "write_template": "securecomm.afis.templates",
    "open_search_engine": "securecomm.afis.search",
    "SearchEngine": "securecomm.afis.search",
    "SearchResult": "securecomm.afis.search",
    "Candidate": "securecomm.afis.search",
    "pair_table": "securecomm.afis.pairing",
    "Pair": "securecomm.afis.pairing",
    "render_pair": "securecomm.afis.examiner",
    "AfisError": "securecomm.afis.errors",
    "ImageError": "securecomm.afis.errors",
    "TemplateFormatError": "securecomm.afis.errors",
    "ExtractionError": "securecomm.afis.errors",
    "GalleryError": "securecomm.afis.errors",
}

__all__ = [
    "AfisError",
    "Candidate",
    "Comparison",
    "ExtractionError",
    "FingerImage",
    "FingerPosition",
    "GalleryError",
    "ImageError",
    "MinutiaKind",
    "Pair",
    "SearchEngine",
    "SearchResult",
    "Template",
    "TemplateFormatError",
    "compare",
    "decode_image_bytes",
    "extract",
    "load_image",
    "open_search_engine",
    "pair_table",
    "read_template",
    "render_pair",
    "write_template",
]


def __getattr__(name: str) -> Any:
    module = _FACADE.get(name)
    if module is None:
        raise AttributeError(f"module 'securecomm.afis' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_FACADE))


if TYPE_CHECKING:  # what a type checker and an IDE see
    from securecomm.afis.errors import (
        AfisError,
        ExtractionError,
        GalleryError,
        ImageError,
        TemplateFormatError,
    )
    from securecomm.afis.examiner import render_pair
    from securecomm.afis.extraction import extract
    from securecomm.afis.image import decode_image_bytes, load_image
    from securecomm.afis.matching import Comparison, compare
    from securecomm.afis.pairing import Pair, pair_table
    from securecomm.afis.search import Candidate, SearchEngine, SearchResult, open_search_engine
    from securecomm.afis.templates import read_template, write_template
    from securecomm.afis.types import FingerImage, FingerPosition, MinutiaKind, Template
