"""``securecomm ansinist dump`` and ``validate`` on real and broken files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import securecomm.ansinist
from securecomm.cli.ansinist import app

runner = CliRunner()


def test_dump_shows_every_record_and_images(shared_data: Path) -> None:
    path = shared_data / "ansinist/nist-reference/type-4-tpcard.an2"
    result = runner.invoke(app, ["dump", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "version 0400" in out and "16 records" in out
    assert out.count("\nrecord ") == 16
    assert "1.004    TOT" in out
    assert "4.009    DATA  <image data: WSQ20 804×752 8 bit 500 ppi, 41 KB>" in out


def test_validate_clean_ebts_file_exits_zero(shared_data: Path) -> None:
    path = shared_data / "ansinist/ebts/NISTFile.ebts"
    result = runner.invoke(app, ["validate", str(path), "--profile", "ebts"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "EBTS" in result.output


def test_validate_reports_violations_and_exits_one(shared_data: Path) -> None:
    path = shared_data / "ansinist/nbis/valid1.8.an2"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("record ")]
    assert len(lines) == 3
    assert lines[0].startswith("record 2 (Type-14), field 14.999, byte offset 540:")


def test_validate_with_profile_on_non_ebts_file(shared_data: Path) -> None:
    path = shared_data / "ansinist/nist-2011-samples/type-1.an2"
    result = runner.invoke(app, ["validate", str(path), "--profile", "ebts"])
    assert result.exit_code == 1
    assert "field 1.004" in result.output and "not an EBTS transaction" in result.output


def test_malformed_file_gives_one_line_not_a_traceback(tmp_path: Path, shared_data: Path) -> None:
    data = (shared_data / "ansinist/nbis/valid1.1.an2").read_bytes()
    bad = tmp_path / "truncated.an2"
    bad.write_bytes(data[:3000])
    for command in ("dump", "validate"):
        result = runner.invoke(app, [command, str(bad)])
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        assert "record 2 (Type-4), field 4.001, byte offset" in result.output


def test_unknown_profile_is_a_user_error(shared_data: Path) -> None:
    path = shared_data / "ansinist/ebts/NISTFile.ebts"
    result = runner.invoke(app, ["validate", str(path), "--profile", "interpol"])
    assert result.exit_code == 2
    assert "unknown profile" in result.output


def test_public_api_is_stable() -> None:
    assert sorted(securecomm.ansinist.__all__) == [
        "Addressing", "AnsiNistError", "Arrest", "Booking", "ContentError", "Field", "Iaq",
        "Iar", "Idr", "IdrCandidate", "IdrEncounter", "ImageDataError", "ImageInfo",
        "ImageSizeError", "LengthError", "MessageFormatError", "Offense", "ProfileError",
        "Record", "RecordTypeError", "ResponseSummary", "RuleTable", "SeparatorError",
        "Subject", "TagError", "Transaction", "TruncatedError", "Violation", "build_car",
        "build_cna", "build_errt", "build_sre", "decode", "ebts_rules", "encode_idr",
        "format_iaq", "format_iar", "image_info", "image_infos", "parse_iaq", "parse_iar",
        "parse_idr", "read", "read_booking", "summarize_response", "validate", "write",
    ]  # fmt: skip
    for name in securecomm.ansinist.__all__:
        assert getattr(securecomm.ansinist, name) is not None
