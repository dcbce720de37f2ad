"""A person's ten synthetic fingers and the ten rolled prints of a booking card.

The masters stay with the synthetic person (they *are* the person's fingers); every booking
makes fresh impressions of them, so two bookings of one person are mates and never identical.
The images are ready for the EBTS builder one layer up (``securecomm.ansinist.ebts.build_car``
takes ``{finger position: FingerImage}``); this module knows nothing of transactions.

Classes are drawn independently per finger with the overall frequencies of
:mod:`.classes`. (Real fingers of one person are correlated — loops on one hand lean the same
way — which this simple draw does not model.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from securecomm.afis.synthesis.impression import Impression, ImpressionKind, make_impression
from securecomm.afis.synthesis.master import MasterFingerprint, generate_master
from securecomm.afis.synthesis.parameters import (
    DEFAULT_IMPRESSION,
    DEFAULT_MASTER,
    ImpressionParameters,
    MasterParameters,
)
from securecomm.afis.types import FingerImage, FingerPosition

#: The ten finger positions of a ten-print card, right thumb (1) to left little (10).
TEN_FINGERS = tuple(FingerPosition(p) for p in range(1, 11))


@dataclass(frozen=True, eq=False)
class TenPrintCard:
    """One booking's prints: an impression of each finger, with its ground truth."""

    impressions: Mapping[FingerPosition, Impression]

    @property
    def fingers(self) -> dict[int, FingerImage]:
        """``{position code: image}``, the form the EBTS CAR builder takes."""
        return {int(p): imp.image for p, imp in sorted(self.impressions.items())}


def ten_fingers(
    rng: np.random.Generator, *, params: MasterParameters = DEFAULT_MASTER
) -> dict[FingerPosition, MasterFingerprint]:
    """A synthetic person's ten master fingerprints."""
    return {p: generate_master(rng, params=params) for p in TEN_FINGERS}


def ten_print_card(
    masters: Mapping[FingerPosition, MasterFingerprint],
    rng: np.random.Generator,
    *,
    kind: ImpressionKind = ImpressionKind.ROLLED,
    params: ImpressionParameters = DEFAULT_IMPRESSION,
) -> TenPrintCard:
    """New impressions (rolled by default, as on a booking card) of a person's fingers."""
    return TenPrintCard(
        impressions={
            p: make_impression(m, rng, kind=kind, position=p, params=params)
            for p, m in sorted(masters.items())
        }
    )
