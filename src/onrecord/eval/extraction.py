"""Scoring article-body extraction on the Zyte article-extraction benchmark.

Owns the benchmark's own metric — for each page, 4-token shingles (tokens are runs of word
characters) of the true body and of the extracted one, counted as multisets; precision and
recall per page, averaged over pages; F1 from the two means — and running it for
onrecord's HTML reader beside plain trafilatura on the same pages, in the same run.
Reading HTML is ``ingest.html``; this module only compares its output with the truth.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from onrecord.ingest.errors import InputError
from onrecord.ingest.html import (
    DEFAULT_HTML_SETTINGS,
    HtmlSettings,
    html_to_document,
)

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


@dataclass(frozen=True)
class ExtractionScore:
    """Benchmark scores of one extractor.

    Attributes:
        name: The extractor's name.
        precision: Mean per-page shingle precision.
        recall: Mean per-page shingle recall.
        pages: Pages scored.
        seconds: Time spent extracting (not scoring).
    """

    name: str
    precision: float
    recall: float
    pages: int
    seconds: float

    @property
    def f1(self) -> float:
        """F1 of the mean precision and the mean recall (the benchmark's definition)."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def to_dict(self) -> dict[str, float | str | int]:
        """The scores as JSON."""
        return {
            "name": self.name,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "pages": self.pages,
            "pages_per_second": round(self.pages / self.seconds, 1) if self.seconds else 0.0,
        }


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles of a text."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_precision_recall(predicted: str, true: str) -> tuple[float, float]:
    """Shingle precision and recall of one page (1.0 where both sides are empty).

    Args:
        predicted: The extracted body.
        true: The true body.
    """
    pred, gold = shingles(predicted), shingles(true)
    tp = sum((pred & gold).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    precision = 1.0 if fp == fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
    recall = 1.0 if fp == fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
    return precision, recall


@dataclass(frozen=True)
class BenchmarkPage:
    """One page of the benchmark: its HTML, URL and true body."""

    id: str
    url: str
    html: bytes
    body: str


def load_benchmark(directory: Path) -> list[BenchmarkPage]:
    """Read the benchmark's pages (``html/<id>.html.gz``) and ``ground-truth.json``.

    Args:
        directory: The benchmark folder.

    Returns:
        Its pages, sorted by id.

    Raises:
        FileNotFoundError: If ``ground-truth.json`` or a page is missing.
    """
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        BenchmarkPage(
            id=key,
            url=str(value.get("url") or ""),
            html=gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes()),
            body=str(value.get("articleBody") or ""),
        )
        for key, value in sorted(truth.items())
    ]


def score_extractor(
    name: str, pages: Iterable[BenchmarkPage], extract: Callable[[BenchmarkPage], str]
) -> ExtractionScore:
    """Run one extractor over the pages and score it.

    Args:
        name: The extractor's name in the report.
        pages: The benchmark pages.
        extract: Returns the body text of a page ("" for none).

    Returns:
        Its scores.
    """
    precisions: list[float] = []
    recalls: list[float] = []
    seconds = 0.0
    for page in pages:
        started = time.perf_counter()
        predicted = extract(page)
        seconds += time.perf_counter() - started
        precision, recall = page_precision_recall(predicted, page.body)
        precisions.append(precision)
        recalls.append(recall)
    count = len(precisions)
    return ExtractionScore(
        name,
        sum(precisions) / count if count else 0.0,
        sum(recalls) / count if count else 0.0,
        count,
        seconds,
    )


def reader_body(settings: HtmlSettings) -> Callable[[BenchmarkPage], str]:
    """An extractor for ``score_extractor``: onrecord's HTML reader with these settings."""

    def extract(page: BenchmarkPage) -> str:
        document = html_to_document(page.id, page.html, url=page.url or None, settings=settings)
        return "" if isinstance(document, InputError) else document.text

    return extract


def compare_on_benchmark(directory: Path) -> list[ExtractionScore]:
    """Score onrecord's HTML reader and plain trafilatura on the same pages, in one run.

    Args:
        directory: The benchmark folder.

    Returns:
        ``[onrecord, trafilatura]`` scores.
    """
    pages = load_benchmark(directory)
    return [
        score_extractor("onrecord", pages, reader_body(DEFAULT_HTML_SETTINGS)),
        score_extractor("trafilatura (defaults)", pages, _plain_trafilatura),
    ]


def _plain_trafilatura(page: BenchmarkPage) -> str:
    from trafilatura import extract

    return extract(page.html, url=page.url or None) or ""
