"""On PolNeAR dev: a valid record for every article, and scores above pinned floors.

Needs ../shared/data/polnear/dev (skipped with a reason when absent). The floors are
a gate against regressions: raise them when the extractor improves, never lower them
without saying why in the commit.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, shared_path
from onrecord.eval.polnear import PolnearScores, score_directory
from onrecord.ingest.sources import iter_documents
from onrecord.models import ArticleRecord, RawDocument
from onrecord.nlp.pipeline import extract_article

FLOORS = {
    ("attribution", "overlap"): 0.60,
    ("content", "exact"): 0.53,
    ("content", "overlap"): 0.65,
    ("cue", "exact"): 0.68,
    ("source", "exact"): 0.72,
}


@pytest.fixture(scope="module")
def dev_records(nlp) -> list[ArticleRecord]:  # type: ignore[no-untyped-def]
    text_dir = shared_path("data", "polnear", "dev", "text")
    docs = [d for d in iter_documents([str(text_dir)]) if isinstance(d, RawDocument)]
    return [extract_article(d, nlp) for d in docs]


@pytest.fixture(scope="module")
def dev_scores(dev_records: list[ArticleRecord]) -> PolnearScores:
    return score_directory(shared_path("data", "polnear", "dev"), dev_records)


def test_a_valid_record_for_all_84_articles(dev_records: list[ArticleRecord]) -> None:
    assert len(dev_records) == 84
    for record in dev_records:
        data = record.to_dict()
        assert ArticleRecord.from_dict(data).to_dict() == data
        for quote in record.quotes:
            for start, end in quote.content + quote.cue + quote.source:
                assert 0 <= start < end <= len(record.text)


@pytest.mark.parametrize(("level", "match"), sorted(FLOORS))
def test_scores_stay_above_floors(dev_scores: PolnearScores, level: str, match: str) -> None:
    scores = dev_scores.to_dict()
    f1 = scores[level][match]["f1"]
    assert f1 >= FLOORS[(level, match)], dev_scores.format_table()


def test_speaker_resolution_on_the_gold_set(dev_records: list[ArticleRecord]) -> None:
    from onrecord.eval.speakers import load_gold, score_records

    scores = score_records(load_gold(ROOT / "eval" / "speakers_dev.jsonl"), dev_records)
    assert scores.accuracy >= 0.93, scores.format_table()
