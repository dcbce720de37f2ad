"""Layers import only downward (DESIGN.md §2); the one exception is the migration environment,
which sees every table through the composition root (``securecomm.system``)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import securecomm

PACKAGE = Path(securecomm.__file__).parent
#: Lowest first. Modules outside these (config, errors, clock, machine) are shared by all.
LAYERS = ("store", "afis", "ansinist", "records", "interop", "enforcement", "program")
ENTRY_POINTS = frozenset({"cli", "api", "web", "synthetic", "system", "__main__"})
ALLOWED = {("store/migrations/env.py", "securecomm.system")}


def _rank(top: str) -> int:
    if top in LAYERS:
        return LAYERS.index(top)
    return len(LAYERS) if top in ENTRY_POINTS else -1


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return [n for n in names if n.startswith("securecomm.")]


def upward_imports() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        me = rel.parts[0].removesuffix(".py")
        if _rank(me) >= len(LAYERS):
            continue
        for name in _imports(path):
            other = name.split(".")[1]
            if _rank(other) > _rank(me) and (rel.as_posix(), name) not in ALLOWED:
                found.append(f"{rel}: {me} imports {name}")
    return found


def test_no_layer_imports_one_above_it() -> None:
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "securecomm"
    (fake / "records").mkdir(parents=True)
    (fake / "records" / "bad.py").write_text("from securecomm.enforcement import cases\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert upward_imports() == ["records/bad.py: records imports securecomm.enforcement"]
