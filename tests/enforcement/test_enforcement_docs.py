"""docs/enforcement.md carries the generated matrix, diagram and level rules; the public API."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import securecomm.enforcement as enforcement
from securecomm.enforcement.level_rules import render_rules_markdown
from securecomm.enforcement.levels import load_level_table
from securecomm.enforcement.lifecycle import render_state_diagram
from securecomm.enforcement.roles import render_permission_matrix

DOC = Path(__file__).resolve().parents[2] / "docs" / "enforcement.md"


def test_docs_embed_the_generated_tables_and_diagram() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render_permission_matrix() in text
    assert render_state_diagram() in text
    assert render_rules_markdown() in text


def test_docs_level_counts_are_the_tables() -> None:
    counts = Counter(row.level for row in load_level_table().rows.values())
    text = DOC.read_text(encoding="utf-8")
    assert f"{counts[1]} codes are Level 1, {counts[2]} Level 2, {counts[3]}" in text


def test_public_api_is_exactly_all() -> None:
    assert len(set(enforcement.__all__)) == len(enforcement.__all__)
    for name in enforcement.__all__:
        assert getattr(enforcement, name) is not None, name
