"""Shared fixtures: the spaCy pipeline (loaded once), paths to test data and ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from spacy.language import Language

from local_site import site  # noqa: F401 - the local web server fixture, for every test file
from onrecord.models import ArticleRecord, RawDocument
from onrecord.nlp.parse import load_pipeline
from onrecord.nlp.pipeline import extract_article

# CI runs the same examples every time (a red CI must be reproducible); local runs explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

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
def nlp() -> Language:
    return load_pipeline()


def extract_paragraphs(nlp: Language, title: str, *paragraphs: str) -> ArticleRecord:
    """Extract an article made of a headline and the given paragraphs (blank-line separated)."""
    text = "\n\n".join([title, *paragraphs]) + "\n"
    return extract_article(RawDocument(path="test.txt", text=text), nlp)
