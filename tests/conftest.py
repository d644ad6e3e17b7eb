"""Shared fixtures: the spaCy pipeline (loaded once), paths to test data and ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from onrecord.nlp.parse import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
GEN_TEST_DATA = os.environ.get("ONRECORD_GEN_TEST_DATA") == "1"


def shared_path(*parts: str) -> Path:
    """Return a path under ../shared, skipping the test with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the ../shared data folder is not beside this checkout)")
    return path


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    return load_pipeline()
