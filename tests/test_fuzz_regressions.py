"""Inputs kept from fuzzing, replayed through the atheris harnesses' own checks.

Each file under ``data/fuzz_regressions/text`` goes through the plain-text entry point
and each under ``data/fuzz_regressions/html`` through the HTML one, exactly as
``fuzz/fuzz_text.py`` and ``fuzz/fuzz_html.py`` run them (``fuzz/checks.py``), so a
crash the fuzzer found stays fixed. To keep a new one, copy the crash file libFuzzer
wrote (``.fuzz/crashes/``) into the folder of its entry point.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = ROOT / "tests" / "data" / "fuzz_regressions"
# fuzz/ is not a package: load its checks module from the file.
_SPEC = importlib.util.spec_from_file_location("fuzz_checks", ROOT / "fuzz" / "checks.py")
assert _SPEC is not None and _SPEC.loader is not None
checks = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(checks)


def _inputs(kind: str) -> list[Path]:
    return sorted(p for p in (REGRESSIONS / kind).iterdir() if p.is_file())


def test_there_are_regressions_for_both_entry_points() -> None:
    assert _inputs("text") and _inputs("html")


@pytest.mark.parametrize("path", _inputs("text"), ids=lambda p: p.name)
def test_text_entry_point(nlp: Language, path: Path) -> None:
    checks.check_text_input(path.read_bytes(), nlp)


@pytest.mark.parametrize("path", _inputs("html"), ids=lambda p: p.name)
def test_html_entry_point(nlp: Language, path: Path) -> None:
    checks.check_html_input(path.read_bytes(), nlp)
