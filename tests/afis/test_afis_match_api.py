"""The public surface of the matching and template packages does not drift unnoticed."""

from __future__ import annotations

import securecomm.afis.matching as matching
import securecomm.afis.templates as templates


def test_matching_exports() -> None:
    assert sorted(matching.__all__) == [
        "Comparison",
        "PackedTemplates",
        "PreparedTemplate",
        "compare",
        "compare_one_to_many",
        "compare_pairs",
        "compare_prepared",
        "pack",
        "prepare",
        "raw_score",
    ]
    assert all(hasattr(matching, name) for name in matching.__all__)


def test_template_exports() -> None:
    assert sorted(templates.__all__) == [
        "CODECS",
        "NATIVE_FORMAT",
        "TemplateCodec",
        "detect_format",
        "read_template",
        "write_template",
    ]
    assert sorted(templates.CODECS) == ["iso", "sct"]
