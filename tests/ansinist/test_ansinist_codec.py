"""The traditional codec on the real corpus and on hand-made broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from securecomm.ansinist import images, traditional
from securecomm.ansinist.errors import (
    AnsiNistError,
    ContentError,
    ImageSizeError,
    LengthError,
    RecordTypeError,
    SeparatorError,
    TagError,
    TruncatedError,
)
from securecomm.ansinist.transaction import Field, Record, Transaction


def corpus(shared_data: Path) -> list[Path]:
    root = shared_data / "ansinist"
    return sorted(root.rglob("*.an2")) + sorted(root.rglob("*.ebts"))


def test_every_corpus_file_parses_and_round_trips(shared_data: Path) -> None:
    files = corpus(shared_data)
    assert len(files) == 56
    types_seen: set[int] = set()
    for path in files:
        data = path.read_bytes()
        tx = traditional.read(data)
        assert sum(r.length or 0 for r in tx.records) == len(data), path.name
        types_seen |= {r.type for r in tx.records}
        again = traditional.read(traditional.write(tx))
        assert again == tx, path.name
    assert types_seen >= {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 98, 99}


def test_binary_type4_header_fields(shared_data: Path) -> None:
    path = shared_data / "ansinist/nist-reference/type-4-tpcard.an2"
    tx = traditional.read(path.read_bytes())
    assert tx.version == "0400"
    fours = tx.of_type(4)
    assert len(fours) == 14
    first = images.image_info(fours[0], 2, tx.type1)
    assert first is not None
    assert (first.compression, first.width, first.height, first.ppi) == ("WSQ20", 804, 752, 500)
    assert first.positions == (1,)
    assert first.describe().startswith("WSQ20 804×752 8 bit 500 ppi")
    pixels = images.decode(first)
    assert pixels.shape == (752, 804)


def test_tagged_image_and_utf8_text(shared_data: Path) -> None:
    tx = traditional.read(
        (shared_data / "ansinist/nist-reference/type-14-amp-nqm-utf8.an2").read_bytes()
    )
    infos = images.image_infos(tx)
    assert [i.record_type for i in infos] == [14, 14, 14]
    assert infos[0].compression == "WSQ20" and infos[0].impression is not None
    texts = " ".join(" ".join(f.items()) for r in tx.records for f in r.fields if not f.is_binary)
    assert any(ord(c) > 127 for c in texts)  # UTF-8 decoded, not mojibake bytes


def test_type1_and_cnt_written_consistently(shared_data: Path) -> None:
    tx = traditional.read((shared_data / "ansinist/ebts/NISTFile.ebts").read_bytes())
    assert tx.tot == "CAR"
    extra = Record.of(2, [Field.text(2, "05"), Field.text(18, "SYNTHETIC, SUBJECT")])
    grown = Transaction((*tx.records, extra))
    back = traditional.read(traditional.write(grown))
    cnt = back.type1.get(3)
    assert cnt is not None
    assert cnt.subfields[0] == ("1", "3")
    assert cnt.subfields[-1] == ("2", "05")


def test_len_is_computed_including_its_own_digits() -> None:
    body = "X" * 85
    tx = Transaction.of(
        [
            Record.of(1, [Field.text(2, "0500"), Field.text(4, "CAR")]),
            Record.of(2, [Field.text(2, "00"), Field.text(18, body)]),
        ]
    )
    out = traditional.write(tx)
    back = traditional.read(out)
    assert [r.length for r in back.records] == [
        len(out) - back.records[1].length,
        back.records[1].length,
    ]
    assert back.records[1].length is not None and back.records[1].length >= 100


# --- broken files: each error names record, field and byte offset ---------------------------


@pytest.fixture()
def small(shared_data: Path) -> bytes:
    return (shared_data / "ansinist/nbis/valid1.1.an2").read_bytes()


def test_truncated_file(small: bytes) -> None:
    with pytest.raises(TruncatedError) as err:
        traditional.read(small[: len(small) - 100])
    assert err.value.record_index == 2 and err.value.record_type == 4
    assert err.value.offset is not None
    assert "record 2 (Type-4)" in str(err.value) and "byte offset" in str(err.value)


def test_wrong_len(small: bytes) -> None:
    # Type-1 LEN is "129" in this file; claim 128
    assert small.startswith(b"1.01:129")
    bad = small.replace(b"1.01:129", b"1.01:128", 1)
    with pytest.raises(LengthError) as err:
        traditional.read(bad)
    assert err.value.record_index == 0 and err.value.tag == "1.01" and err.value.offset == 5
    assert "LEN 129" in str(err.value)  # the hint says which LEN would end on the FS


def test_missing_field_separator(small: bytes) -> None:
    gs = small.index(b"\x1d1.02:")
    bad = small[:gs] + small[gs + 1 :] + b""
    bad = bad.replace(b"1.01:129", b"1.01:128", 1)
    with pytest.raises(AnsiNistError) as err:
        traditional.read(bad)
    assert err.value.record_index == 0 and err.value.offset is not None


def test_missing_record_separator(small: bytes) -> None:
    fs = small.index(b"\x1c")
    bad = small[:fs] + b"\x1d" + small[fs + 1 :]
    with pytest.raises(LengthError):
        traditional.read(bad)


def test_unknown_record_type_in_cnt(small: bytes) -> None:
    bad = small.replace(b"\x1e4\x1f01", b"\x1e50\x1f01", 1)
    bad = bad.replace(b"1.01:129", b"1.01:130", 1)
    with pytest.raises(RecordTypeError) as err:
        traditional.read(bad)
    assert err.value.tag == "1.003" and "50" in str(err.value)


def test_non_numeric_tag(small: bytes) -> None:
    start = small.index(b"\x1c") + 1
    pos = small.index(b"\x1d2.005:", start) + 1
    bad = small[:pos] + b"2.0X5:" + small[pos + 6 :]
    with pytest.raises(TagError) as err:
        traditional.read(bad)
    assert err.value.record_index == 1 and err.value.offset == pos and err.value.tag == "2.0X5"


def test_missing_colon(small: bytes) -> None:
    start = small.index(b"\x1c") + 1
    pos = small.index(b"\x1d2.005:", start) + 1
    bad = small[:pos] + b"2.005=" + small[pos + 6 :]
    with pytest.raises((SeparatorError, TagError)) as err:
        traditional.read(bad)
    assert err.value.offset is not None


def test_trailing_bytes(small: bytes) -> None:
    with pytest.raises(ContentError) as err:
        traditional.read(small + b"\0\0")
    assert err.value.offset == len(small)


def test_image_size_disagreeing_with_header(shared_data: Path) -> None:
    data = (shared_data / "ansinist/nist-reference/type-3.an2").read_bytes()
    tx = traditional.read(data, check_images=True)  # consistent: 402×376 8-bit, uncompressed
    rec = tx.records[2]
    bigger = rec.with_field(Field.text(6, "403"))
    bad = traditional.write(Transaction((*tx.records[:2], bigger)))
    traditional.read(bad)  # structurally fine
    with pytest.raises(ImageSizeError) as err:
        traditional.read(bad, check_images=True)
    assert err.value.record_index == 2 and err.value.tag == "3.009"
    assert "403×376" in str(err.value) and err.value.offset is not None


def test_wsq_size_disagreeing_with_header(shared_data: Path) -> None:
    with pytest.raises(ImageSizeError, match=r"1600×976.*1800×1000"):
        traditional.read(
            (shared_data / "ansinist/nbis/valid1.8.an2").read_bytes(), check_images=True
        )


def test_unreadable_wsq_is_an_ansinist_error(shared_data: Path) -> None:
    tx = traditional.read((shared_data / "ansinist/ebts/NISTFile.ebts").read_bytes())
    info = images.image_infos(tx)[0]
    broken = images.ImageInfo(**{**info.__dict__, "data": info.data[:200]})
    with pytest.raises(images.ImageDataError) as err:
        images.decode(broken)
    assert err.value.record_index == 2


def test_empty_file() -> None:
    with pytest.raises(TruncatedError, match="empty"):
        traditional.read(b"")
