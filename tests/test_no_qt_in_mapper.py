"""mapper/ is a pure library: no Qt binding may be imported anywhere in it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import mapper

MAPPER = Path(mapper.__file__).resolve().parent
QT_MODULES = frozenset(
    {"PySide6", "PySide2", "PyQt6", "PyQt5", "shiboken6", "shiboken2", "sip", "qtpy", "ui"}
)


def _qt_imports(path: Path) -> list[str]:
    """Qt modules a file imports, statically or through importlib/__import__ with a literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        found += [
            f"{path.name}:{node.lineno}: {name}"
            for name in names
            if name.split(".")[0] in QT_MODULES
        ]
    return found


def test_no_module_under_mapper_imports_qt():
    files = sorted(MAPPER.rglob("*.py"))
    assert len(files) > 5
    offenders = [hit for path in files for hit in _qt_imports(path)]
    assert offenders == []


def test_the_checker_sees_qt_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom PySide6.QtCore import QObject\nimport importlib\n"
        "importlib.import_module('PyQt6.QtWidgets')\nfrom ui.qt import QtCore\n",
        encoding="utf-8",
    )
    assert len(_qt_imports(sample)) == 3


def test_importing_every_mapper_module_loads_no_qt():
    """Also catches Qt pulled in indirectly, through a third-party import."""
    modules = sorted(
        "mapper." + ".".join(p.relative_to(MAPPER).with_suffix("").parts)
        for p in MAPPER.rglob("*.py")
        if p.stem not in ("__init__", "__main__")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(QT_MODULES - {'ui'})!r})\n"
        "print(qt)\n"
        "sys.exit(1 if qt else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
