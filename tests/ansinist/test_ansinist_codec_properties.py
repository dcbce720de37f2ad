"""Property tests of the traditional codec: write → read is identity; corruptions raise
``AnsiNistError`` and nothing else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from securecomm.ansinist import traditional
from securecomm.ansinist.errors import AnsiNistError
from securecomm.ansinist.transaction import Field, Record, Transaction

TAGGED_TYPES = [2, 9, 10, 13, 14, 15, 16, 17, 18, 20, 98, 99]
SEPARATORS = "\x1c\x1d\x1e\x1f"

item_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=SEPARATORS),
    max_size=12,
)
subfields = st.lists(
    st.lists(item_text, min_size=1, max_size=3).map(tuple), min_size=1, max_size=3
).map(tuple)


@st.composite
def tagged_record(draw: st.DrawFn, record_type: int, idc: int) -> Record:
    tags = draw(st.lists(st.integers(3, 998), max_size=5, unique=True))
    fields = [Field(2, ((f"{idc:02d}",),))]
    fields += [Field(t, draw(subfields)) for t in sorted(tags)]
    if draw(st.booleans()):
        fields.append(Field.binary(999, draw(st.binary(max_size=64))))
    return Record.of(record_type, fields)


@st.composite
def binary_record(draw: st.DrawFn, record_type: int, idc: int) -> Record:
    byte = st.integers(0, 255).map(str)
    word = st.integers(0, 65535).map(str)
    data = draw(st.binary(max_size=64))
    if record_type == 7:
        return Record.of(7, [Field.text(2, str(idc)), Field.binary(3, data)])
    if record_type == 8:
        return Record.of(
            8,
            [
                Field.text(2, str(idc)),
                Field.text(3, draw(byte)),
                Field.text(4, draw(byte)),
                Field.text(5, draw(byte)),
                Field.text(6, draw(word)),
                Field.text(7, draw(word)),
                Field.binary(8, data),
            ],
        )
    fgp = draw(st.lists(byte, min_size=6, max_size=6))
    return Record.of(
        record_type,
        [
            Field.text(2, str(idc)),
            Field.text(3, draw(byte)),
            Field.text(4, fgp),
            Field.text(5, draw(byte)),
            Field.text(6, draw(word)),
            Field.text(7, draw(word)),
            Field.text(8, draw(byte)),
            Field.binary(9, data),
        ],
    )


@st.composite
def transactions(draw: st.DrawFn) -> Transaction:
    type1_tags = draw(st.lists(st.integers(4, 30), max_size=6, unique=True))
    type1 = Record.of(
        1, [Field.text(2, "0500")] + [Field(t, draw(subfields)) for t in sorted(type1_tags)]
    )
    records = [type1]
    for _ in range(draw(st.integers(0, 5))):
        idc = draw(st.integers(0, 99))
        if draw(st.booleans()):
            records.append(draw(binary_record(draw(st.sampled_from([3, 4, 5, 6, 7, 8])), idc)))
        else:
            records.append(draw(tagged_record(draw(st.sampled_from(TAGGED_TYPES)), idc)))
    return Transaction.of(records)


def with_cnt(tx: Transaction) -> Transaction:
    """What a reader sees: the written CNT (1.003) is part of the Type-1 record."""
    return Transaction((tx.type1.with_field(traditional.content_field(tx)), *tx.records[1:]))


@settings(max_examples=300, deadline=None)
@given(transactions())
def test_write_then_read_is_identity(tx: Transaction) -> None:
    data = traditional.write(tx)
    back = traditional.read(data)
    assert back == with_cnt(tx)
    assert traditional.write(back) == data


@st.composite
def corrupted(draw: st.DrawFn) -> bytes:
    data = bytearray(traditional.write(draw(transactions())))
    op = draw(st.sampled_from(["truncate", "flip", "delete", "insert", "append"]))
    pos = draw(st.integers(0, len(data) - 1))
    if op == "truncate":
        return bytes(data[:pos])
    if op == "flip":
        data[pos] = draw(st.integers(0, 255))
    elif op == "delete":
        del data[pos]
    elif op == "insert":
        data[pos:pos] = draw(
            st.sampled_from([b"\x1c", b"\x1d", b"\x1e", b"\x1f", b":", b".", b"9"])
        )
    else:
        data += draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


@settings(max_examples=600, deadline=None)
@given(corrupted())
def test_corruptions_raise_only_ansinist_errors(data: bytes) -> None:
    try:
        traditional.read(data, check_images=True)
    except AnsiNistError as exc:
        assert str(exc)
        assert exc.offset is not None or exc.record_index is not None or exc.tag is not None
