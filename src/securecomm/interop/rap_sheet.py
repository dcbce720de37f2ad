"""The rap sheet as text for the SRE's electronic rap sheet field (EBTS 2.075 ERS).

Convictions and pending charges are listed apart, each with its NCIC code: the reader must
never take a pending charge for a conviction (DESIGN §5.4).
"""

from __future__ import annotations

from securecomm.records.criminal_repository import RapSheet


def render_rap_sheet(sheet: RapSheet) -> str:
    lines = [
        f"FBI/{sheet.fbi_number} NAM/{sheet.family_name}, {sheet.given_name}",
        f"DOB/{sheet.date_of_birth.isoformat() if sheet.date_of_birth else 'UNKNOWN'} "
        f"SEX/{sheet.sex.value}",
    ]
    if sheet.synthetic:
        lines.append("SYNTHETIC RECORD - NOT A REAL PERSON")
    for number, arrest in enumerate(sheet.arrests, start=1):
        lines.append(
            f"ARREST {number}: {arrest.arrested_at.date().isoformat()} ORI/{arrest.agency_ori}"
            + (f" TCN/{arrest.tcn}" if arrest.tcn else "")
        )
        for charge in arrest.charges:
            if charge.conviction is not None:
                c = charge.conviction
                outcome = (
                    f"CONVICTED {charge.decided_on.isoformat() if charge.decided_on else ''} "
                    f"NCIC {c.ncic_code} {c.literal} ({c.level.value}); "
                    f"SENTENCE {c.sentence_kind.value} {c.sentence_days} DAYS"
                )
            elif charge.outcome is None:
                outcome = "PENDING - NO DISPOSITION"
            else:
                outcome = f"{charge.outcome.value.upper()} {charge.decided_on}"
            code = f"NCIC {charge.ncic_code} " if charge.ncic_code else ""
            lines.append(f"  CHARGE {code}{charge.literal} ({charge.level.value}): {outcome}")
    convictions = len(sheet.convictions)
    pending = len(sheet.pending_charges)
    lines.append(f"SUMMARY: {convictions} CONVICTION(S), {pending} PENDING CHARGE(S)")
    return "\n".join(lines)
