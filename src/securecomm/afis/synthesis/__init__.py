"""Synthetic fingerprints in the manner of SFinGe (Cappelli, Maio & Maltoni).

    import numpy as np
    from securecomm.afis.synthesis import generate_master, make_impression

    rng = np.random.default_rng(7)
    master = generate_master(rng)                 # class, orientation, ridges, minutiae
    flat = make_impression(master, rng)           # 500 ppi 8-bit image + ground truth
    rolled = make_impression(master, rng, kind="rolled")
    card = ten_print_card(ten_fingers(rng), rng)  # card.fingers → ansinist.ebts.build_car

Every random choice comes from the ``numpy.random.Generator`` passed in; nothing reads a
global generator. ``write_fvc_like`` writes an FVC-style set (``DIR/NNN_K.png``). The methods
and their sources: ``docs/afis-synthesis.md``.
"""

from __future__ import annotations

from pathlib import Path

from securecomm.afis.kernel_cache import invalidate_if_sources_changed
from securecomm.afis.synthesis.classes import (
    CLASS_FREQUENCIES,
    FingerClass,
    SingularPoints,
    draw_class,
)
from securecomm.afis.synthesis.distortion import ImpressionGeometry, SkinDistortion
from securecomm.afis.synthesis.fvc_like import FvcLikeReport, finger_rng, write_fvc_like
from securecomm.afis.synthesis.impression import Impression, ImpressionKind, make_impression
from securecomm.afis.synthesis.master import MasterFingerprint, generate_master
from securecomm.afis.synthesis.parameters import (
    DEFAULT_IMPRESSION,
    DEFAULT_MASTER,
    ImpressionParameters,
    MasterParameters,
)
from securecomm.afis.synthesis.ten_print import (
    TEN_FINGERS,
    TenPrintCard,
    ten_fingers,
    ten_print_card,
)

# Before any kernel is called (numba loads its cache on the first call): see afis/kernel_cache.py.
invalidate_if_sources_changed(Path(__file__).resolve().parent)

__all__ = [
    "CLASS_FREQUENCIES",
    "DEFAULT_IMPRESSION",
    "DEFAULT_MASTER",
    "TEN_FINGERS",
    "FingerClass",
    "FvcLikeReport",
    "Impression",
    "ImpressionGeometry",
    "ImpressionKind",
    "ImpressionParameters",
    "MasterFingerprint",
    "MasterParameters",
    "SingularPoints",
    "SkinDistortion",
    "TenPrintCard",
    "draw_class",
    "finger_rng",
    "generate_master",
    "make_impression",
    "ten_fingers",
    "ten_print_card",
    "write_fvc_like",
]
