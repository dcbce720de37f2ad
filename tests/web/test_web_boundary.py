"""The console is a thin layer: it reaches case work and the program figures only through the
public APIs of ``securecomm.enforcement`` and ``securecomm.program`` (their ``__all__``), never
through their modules — so what the console may touch is written down in one place each."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import securecomm.web

WEB = Path(securecomm.web.__file__).parent
#: The layers whose public API alone the console may use.
GUARDED = ("securecomm.enforcement", "securecomm.program")


def _public(package: str) -> frozenset[str]:
    return frozenset(importlib.import_module(package).__all__)


def boundary_crossings(root: Path) -> list[str]:
    """Every import in ``root`` that goes past a guarded package's public API."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(tuple(p + "." for p in GUARDED)):
                        found.append(f"{rel}:{node.lineno}: import {alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith(tuple(p + "." for p in GUARDED)):
                    found.append(f"{rel}:{node.lineno}: from {node.module} import …")
                elif node.module in GUARDED:
                    public = _public(node.module)
                    found += [
                        f"{rel}:{node.lineno}: {a.name} is not in {node.module}.__all__"
                        for a in node.names
                        if a.name not in public
                    ]
    return found


def test_the_console_uses_only_the_public_apis() -> None:
    assert len(list(WEB.rglob("*.py"))) > 20  # the console's own modules were read
    assert boundary_crossings(WEB) == []


def test_the_check_sees_a_module_import_and_a_private_name(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "bad.py").write_text(
        "from securecomm.enforcement.models import Case\n"
        "import securecomm.program.statistics\n"
        "from securecomm.enforcement import CaseWork, _is_append_conflict\n",
        encoding="utf-8",
    )
    assert boundary_crossings(tmp_path) == [
        "pages/bad.py:1: from securecomm.enforcement.models import …",
        "pages/bad.py:2: import securecomm.program.statistics",
        "pages/bad.py:3: _is_append_conflict is not in securecomm.enforcement.__all__",
    ]
