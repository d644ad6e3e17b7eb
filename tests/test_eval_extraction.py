"""The article-extraction benchmark metric, and onrecord's HTML reader scored with it."""

from __future__ import annotations

import pytest

from conftest import shared_path
from onrecord.eval.extraction import (
    BenchmarkPage,
    compare_on_benchmark,
    page_precision_recall,
    score_extractor,
    shingles,
)


def test_shingles_are_counted_as_a_multiset() -> None:
    counted = shingles("a b c d a b c d")
    assert counted[("a", "b", "c", "d")] == 2
    assert sum(counted.values()) == 5
    assert shingles("too short") == {}


def test_page_precision_and_recall() -> None:
    truth = "one two three four five six"
    assert page_precision_recall(truth, truth) == (1.0, 1.0)
    assert page_precision_recall("", "") == (1.0, 1.0)
    assert page_precision_recall("", truth) == (0.0, 0.0)
    # Boilerplate in front costs precision only.
    precision, recall = page_precision_recall("menu home sport weather " + truth, truth)
    assert recall == 1.0 and precision == pytest.approx(3 / 7)
    # Half the body missing costs recall only.
    precision, recall = page_precision_recall("one two three four five", truth)
    assert precision == 1.0 and recall == pytest.approx(2 / 3)


def test_scores_average_pages_and_f1_comes_from_the_means() -> None:
    pages = [
        BenchmarkPage("a", "", b"", "one two three four five"),
        BenchmarkPage("b", "", b"", "six seven eight nine ten"),
    ]
    answers = {"a": "one two three four five", "b": ""}
    score = score_extractor("x", pages, lambda page: answers[page.id])
    assert score.precision == pytest.approx(0.5) and score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(0.5)


@pytest.mark.shared
@pytest.mark.slow
def test_onrecord_matches_or_beats_plain_trafilatura_on_the_benchmark() -> None:
    directory = shared_path("data", "article-extraction-benchmark")
    ours, plain = compare_on_benchmark(directory)
    assert ours.pages == plain.pages == 111
    assert ours.f1 >= 0.96
    assert ours.f1 >= plain.f1
