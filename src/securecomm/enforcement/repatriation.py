"""Rapid REPAT (Rapid REPatriation And Transfer): eligibility and its pathway.

Under Rapid REPAT, a person serving a sentence for a state conviction may accept a stipulated
final order of removal in exchange for early conditional release to ICE for removal.  Partner
states exclude violent offenders and serious felonies.  Here a case is eligible when it has at
least one **state** conviction, **no violent conviction** (homicide, kidnapping, sexual assault,
robbery, aggravated assault, sex offenses, cruelty, weapons: the violent Level 1 categories)
and **no serious felony** (a Level 1 conviction or a sentence of five years or more).  Pending
charges are not convictions and are not counted, as for levels.  The pathway is
``charging.charge(kind=STIPULATED_REMOVAL, rapid_repat=True)`` from the officer review, then
``court.enter_order_without_hearing`` while the person is still in state custody.
"""

from __future__ import annotations

from dataclasses import dataclass

from securecomm.enforcement.inputs import Disposition, Jurisdiction
from securecomm.enforcement.models import Case
from securecomm.enforcement.parameters import REPAT_SERIOUS_FELONY_MIN_SENTENCE_DAYS

#: NCIC categories counted as violent for Rapid REPAT.
VIOLENT_CATEGORIES = frozenset({"09", "10", "11", "12", "36", "52", "64"})
#: Individual codes counted as violent outside those categories.
VIOLENT_CODES = frozenset(
    {"1301", "1302", "1303", "1304", "1305", "1306", "1307", "1308", "1309", "1310", "1311"}
    | {"1312", "1314", "1315", "3802", "3803", "2904", "2905", "2906"}
)


@dataclass(frozen=True)
class RepatEligibility:
    eligible: bool
    reasons: tuple[str, ...]


def is_violent(code: str) -> bool:
    return code[:2] in VIOLENT_CATEGORIES or code in VIOLENT_CODES


def repat_eligibility(case: Case) -> RepatEligibility:
    """Eligibility from the case's recorded convictions, with the reasons when not."""
    convictions = [o for o in case.offenses if o.disposition is Disposition.CONVICTED]
    reasons: list[str] = []
    if not any(o.jurisdiction is Jurisdiction.STATE for o in convictions):
        reasons.append("no state conviction")
    violent = sorted({o.ncic_code for o in convictions if is_violent(o.ncic_code)})
    if violent:
        reasons.append(f"violent conviction(s): {', '.join(violent)}")
    serious = sorted(
        {
            o.ncic_code
            for o in convictions
            if o.level == 1 or (o.sentence_days or 0) >= REPAT_SERIOUS_FELONY_MIN_SENTENCE_DAYS
        }
    )
    if serious:
        reasons.append(f"serious felony conviction(s): {', '.join(serious)}")
    return RepatEligibility(not reasons, tuple(reasons))
