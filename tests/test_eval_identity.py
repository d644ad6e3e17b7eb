"""Scoring speaker links across articles, and the score on the PolNeAR gold set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from onrecord.eval.identity import article_order, load_identity_gold, score_identity
from test_identity import article


def _gold(tmp_path: Path, items: list[dict[str, object]]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def test_pairs_across_articles_are_scored(tmp_path: Path) -> None:
    people = [
        ("Mark Rutte", ("NATO", "Ukraine"), "Mark Rutte"),
        ("Rutte", ("NATO", "Ukraine"), "Mark Rutte"),
        ("Anna Rutte", ("Ajax", "Feyenoord"), "Anna Rutte"),
        ("Rutte", ("Ajax", "Feyenoord"), "Mark Rutte"),  # linked to Anna: a wrong merge
    ]
    records = []
    items = []
    for n, (name, context, person) in enumerate(people):
        record = article([(name, None)], context=context)
        record.quotes[0].source = [(0, 5)]
        file_name = f"x_2016-01-0{n + 1}_a.txt"
        records.append((file_name, record))
        items.append(
            {"split": "dev", "article": file_name, "source": [0, 5], "source_text": "x",
             "kind": "full", "person": person}
        )  # fmt: skip
    scores = score_identity(load_identity_gold(_gold(tmp_path, items)), records)
    assert scores.linked == 4
    assert scores.true_pairs == 3  # the three Mark Rutte mentions
    assert (scores.predicted_pairs, scores.correct_pairs) == (2, 1)
    assert scores.precision == 0.5 and scores.recall == pytest.approx(1 / 3)
    assert scores.wrong_merges == {("Anna Rutte", "Mark Rutte"): 1}


def test_bad_gold_lines_are_named(tmp_path: Path) -> None:
    path = _gold(tmp_path, [{"split": "dev"}])
    with pytest.raises(ValueError, match=r"gold.jsonl:1"):
        load_identity_gold(path)


def test_articles_are_stored_in_date_order() -> None:
    names = ["nyt_2016-09-02_b.txt", "breitbart_2016-08-30_a.txt", "undated.txt"]
    assert sorted(names, key=article_order) == [names[1], names[0], names[2]]


def test_the_gold_file_is_well_formed() -> None:
    gold = load_identity_gold(ROOT / "eval" / "speaker_identity.jsonl")
    assert len(gold) >= 300
    assert len({g.person for g in gold}) >= 30
    assert {g.split for g in gold} == {"dev", "train"}


@pytest.mark.shared
@pytest.mark.slow
def test_identity_targets_on_polnear() -> None:
    from typer.testing import CliRunner

    from onrecord.serve.cli import app

    corpus = shared_path("data", "polnear")
    result = CliRunner().invoke(app, ["eval", "identity", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    (scores,) = json.loads(result.stdout)
    assert scores["precision"] >= 0.985
    assert scores["recall"] >= 0.90
    # Coverage (mentions whose statement is found and linked) is held on the dev articles:
    # on train ones it measures how well the tagger remembers its training data (0.885
    # with a tagger trained twice as long, 0.847 later, while dev rose 0.834 -> 0.850).
    # Dev 0.857 now (straight-quote apostrophes, passive and quoted subjects).
    assert scores["coverage_by_split"]["dev"] >= 0.85
    assert scores["coverage"] >= 0.845
