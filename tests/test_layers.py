"""The package's layers import one way, and no module grows past 1,500 lines (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "onrecord"
ORDER = ["models", "ingest", "clean", "nlp", "store", "query", "eval", "train", "batch", "serve"]
"""Lower first: a module may import from its own layer and the ones before it."""
MAX_LINES = 1500


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "onrecord":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in ORDER else None


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    own = relative.parts[0].removesuffix(".py")
    if own not in ORDER:
        return  # __init__, __main__: the top of the package may import anything
    allowed = set(ORDER[: ORDER.index(own) + 1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            layer = _layer(name)
            assert layer is None or layer in allowed, f"{relative} imports {name} (layer {layer})"


def test_modules_stay_small() -> None:
    for path in _modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines"
