"""``validate(transaction, profile=...)``: every violation, with record, field and byte offset.

Without a profile it checks what ANSI/NIST-ITL itself requires beyond what ``read`` needs:

- the version (1.002) is one of 0200–0502;
- every record after Type-1 has an IDC (field 2), and CNT (1.003) lists the same IDCs;
- tagged fields are in ascending tag order with the data field (999) last;
- every numeric field (``numeric.RULES``: IDC, resolutions, image header values) is a finite
  number of its form and in its range;
- every image's header (HLL, VLL, depth) agrees with its data (``images.check_image_size``).

``profile="ebts"`` adds the FBI EBTS rule table (``ebts_validation.py``).

Offsets refer to the encoded file: a transaction that was not read from bytes is written and
read back first, so a builder's output is checked exactly as it would be transmitted.
"""

from __future__ import annotations

from securecomm.ansinist import ebts_validation, images, numeric, traditional
from securecomm.ansinist.ebts_rules import RuleTable, ebts_rules
from securecomm.ansinist.errors import AnsiNistError, ProfileError
from securecomm.ansinist.transaction import IDC_TAG, Transaction
from securecomm.ansinist.violation import Violation, at_field

VERSIONS = frozenset({"0200", "0201", "0300", "0400", "0500", "0501", "0502"})
PROFILES = ("ebts",)


def validate(
    transaction: Transaction, profile: str | None = None, *, rules: RuleTable | None = None
) -> list[Violation]:
    """All violations, structural first, then the profile's (``None`` or ``"ebts"``)."""
    if profile is not None and profile not in PROFILES:
        raise ProfileError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    if transaction.type1.offset is None:
        transaction = traditional.read(traditional.write(transaction))
    out = structural_violations(transaction)
    if profile == "ebts":
        out += ebts_validation.check(transaction, rules or ebts_rules())
    return out


def structural_violations(transaction: Transaction) -> list[Violation]:
    out: list[Violation] = []
    type1 = transaction.type1
    if transaction.version not in VERSIONS:
        out.append(
            at_field(
                0,
                type1,
                type1.get(2),
                "1.002",
                f"version {transaction.version!r} is not one of {', '.join(sorted(VERSIONS))}",
            )
        )
    cnt = type1.get(3)
    listed = [sub for sub in cnt.subfields[1:]] if cnt is not None else []
    for index, record in enumerate(transaction.records[1:], start=1):
        if record.get(IDC_TAG) is None:
            out.append(at_field(index, record, None, f"{record.type}.002", "the record has no IDC"))
        elif index - 1 < len(listed):
            cnt_idc = listed[index - 1][1] if len(listed[index - 1]) > 1 else ""
            if cnt_idc.strip().isdigit() and int(cnt_idc) != record.idc:
                out.append(
                    at_field(
                        index,
                        record,
                        record.get(IDC_TAG),
                        f"{record.type}.002",
                        f"IDC {record.idc} differs from the IDC {int(cnt_idc)} that CNT (1.003) "
                        "lists for this record",
                    )
                )
    for index, record in enumerate(transaction.records):
        if not record.is_binary:
            tags = [f.tag for f in record.fields]
            if tags != sorted(tags):
                pairs = zip(record.fields, record.fields[1:], strict=False)
                first = next(f for f, g in pairs if f.tag > g.tag)
                out.append(
                    at_field(
                        index,
                        record,
                        first,
                        f"{record.type}.{first.tag:03d}",
                        "fields are not in ascending tag order",
                    )
                )
        for bad in numeric.violations(record, index):
            out.append(_violation(bad))
        try:
            images.check_image_size(record, index, type1)
        except AnsiNistError as exc:  # a size mismatch, or a bad header value it needs
            out.append(_violation(exc))
    return list(dict.fromkeys(out))  # a bad Type-1 resolution is found once per image record


def _violation(exc: AnsiNistError) -> Violation:
    index = exc.record_index if exc.record_index is not None else 0
    record_type = exc.record_type if exc.record_type is not None else 1
    return Violation(index, record_type, exc.tag, exc.offset, exc.detail)
