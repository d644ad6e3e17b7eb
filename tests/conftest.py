"""Shared fixtures: the spaCy pipeline (loaded once), paths to test data and ../shared."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from spacy.language import Language

from local_site import site  # noqa: F401 - the local web server fixture, for every test file
from onrecord.models import ArticleRecord, RawDocument
from onrecord.nlp.parse import load_pipeline
from onrecord.nlp.pipeline import extract_article

# CI runs the same examples every time (a red CI must be reproducible); local runs explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
# `make fuzz` (ONRECORD_FUZZ_EXAMPLES=N): many random examples, however slow each one is;
# the per-parser counts come from tests/fuzzing.py.
settings.register_profile(
    "fuzz",
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
if os.environ.get("ONRECORD_FUZZ_EXAMPLES"):
    settings.load_profile("fuzz")
elif os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
GEN_TEST_DATA = os.environ.get("ONRECORD_GEN_TEST_DATA") == "1"


POSTGRES_SERVER = os.environ.get("ONRECORD_TEST_POSTGRES")
"""A PostgreSQL server URL the tests may create databases on (``.ci/run`` starts one)."""
ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "news.db")
        return
    if not POSTGRES_SERVER:
        pytest.skip(
            "needs a PostgreSQL server: set ONRECORD_TEST_POSTGRES=postgresql://... "
            "(.ci/run starts one)"
        )
    import uuid

    import psycopg

    name = f"onrecord_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base, _, _ = POSTGRES_SERVER.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After a fuzz run (or with -v), print how many examples each parser's fuzz test ran."""
    from fuzzing import EXAMPLES, FUZZ_EXAMPLES

    if not EXAMPLES or not (FUZZ_EXAMPLES or terminalreporter.verbosity > 0):
        return
    terminalreporter.section("fuzz examples per parser")
    for name, count in sorted(EXAMPLES.items()):
        terminalreporter.write_line(f"{name:<20} {count:>8}")
    terminalreporter.write_line(f"{'total':<20} {sum(EXAMPLES.values()):>8}")
    report = os.environ.get("ONRECORD_FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps(dict(sorted(EXAMPLES.items())), indent=2) + "\n")
