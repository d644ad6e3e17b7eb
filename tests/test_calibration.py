"""Calibrated confidence: rule keys, shrinkage, building, reliability table, filtering."""

from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language
from typer.testing import CliRunner

from conftest import DATA, ROOT
from onrecord.eval.reliability import format_reliability, quote_is_correct, reliability_table
from onrecord.ingest.polnear import read_gold
from onrecord.models import ArticleRecord, Quote, RawDocument
from onrecord.nlp.pipeline import extract_article
from onrecord.nlp.quotes.calibration import (
    PRIOR_WEIGHT,
    Calibration,
    agreement_key,
    is_agreement_key,
    load_calibration,
    rule_key,
)
from onrecord.serve.cli import app
from onrecord.train.calibration import build_calibration

MINI = DATA / "polnear_mini"


def test_rule_keys_band_table_probabilities() -> None:
    assert rule_key("clause", "indirect", True, 0.75) == "clause|indirect|source"
    assert rule_key("table:dobj", "indirect", False, 0.45) == "table:dobj|indirect|nosource|p<0.5"
    assert rule_key("table:dobj", "mixed", True, 0.8).endswith("p>=0.7")
    # a tagger cue's band is how often the cue table saw its verb introduce a statement
    assert rule_key("tagged_cue", "indirect", True, 0.0) == "tagged_cue|indirect|source|p<0.05"
    assert rule_key("tagged_cue+nested", "indirect", True, 0.3).endswith("p>=0.2")


def test_confidence_is_precision_shrunk_toward_the_rule() -> None:
    calibration = Calibration()
    assert calibration.confidence("never|seen", 0.7) == 0.7
    for correct in [True] * 45 + [False] * 5:
        calibration.add("clause|direct|source", correct)
    expected = (45 + PRIOR_WEIGHT * 0.5) / (50 + PRIOR_WEIGHT)
    assert calibration.confidence("clause|direct|source", 0.5) == expected
    assert (
        Calibration.from_json(calibration.to_json()).confidence("clause|direct|source", 0.5)
        == expected
    )


def test_agreement_refines_the_rule_and_shrinks_toward_it() -> None:
    calibration = Calibration()
    key = "clause|indirect|source"
    for correct in [True] * 60 + [False] * 40:
        calibration.add(key, correct)
    for correct in [True] * 9 + [False] * 1:
        calibration.add(agreement_key(key, "CQS"), correct)
    for correct in [False] * 10:
        calibration.add(agreement_key(key, "---"), correct)
    rule = calibration.confidence(key, 0.75)
    assert calibration.confidence(key, 0.75, "") == rule
    assert calibration.confidence(key, 0.75, "CQ-") == rule  # never seen: the rule's own
    agreed = calibration.confidence(key, 0.75, "CQS")
    assert agreed == (9 + PRIOR_WEIGHT * rule) / (10 + PRIOR_WEIGHT)
    assert calibration.confidence(key, 0.75, "---") < rule < agreed
    assert is_agreement_key(agreement_key(key, "CQS")) and not is_agreement_key(key)


def test_shipped_calibration_trusts_the_taggers_agreement() -> None:
    calibration = load_calibration()
    key = "clause|indirect|source"
    rule = calibration.confidence(key, 0.75)
    assert calibration.confidence(key, 0.75, "CQS") > rule
    assert calibration.confidence(key, 0.75, "c--") < rule - 0.2


def test_shipped_calibration_separates_good_from_bad_rules() -> None:
    calibration = load_calibration()
    direct = calibration.confidence("clause|direct|source", 0.75)
    orphan = calibration.confidence("continuation|direct|nosource", 0.35)
    assert direct > 0.7 > 0.2 > orphan


def test_quote_is_correct_needs_content_and_source(nlp: Language) -> None:
    text = (MINI / "text" / "beta.txt").read_text(encoding="utf-8")
    gold = read_gold(next((MINI / "attributions").glob("beta_*.ann")))
    record = extract_article(RawDocument(path="beta.txt", text=text), nlp)
    assert any(quote_is_correct(text, q, gold) for q in record.quotes)
    wrong_source = Quote(content=record.quotes[0].content, source=[(0, 5)])
    assert not quote_is_correct(text, wrong_source, gold)


def test_build_and_reliability_on_a_mini_corpus(nlp: Language) -> None:
    calibration = build_calibration(MINI, nlp)
    assert sum(calibration.found.values()) >= 3
    assert sum(calibration.correct.values()) >= 1
    records = [
        extract_article(RawDocument(path=p.name, text=p.read_text(encoding="utf-8")), nlp)
        for p in sorted((MINI / "text").glob("*.txt"))
    ]
    buckets = reliability_table(MINI, records)
    assert sum(b.count for b in buckets) == sum(len(r.quotes) for r in records)
    assert all(0.0 <= b.precision <= 1.0 for b in buckets)
    assert "expected calibration error" in format_reliability(buckets)


def test_min_confidence_filters_quotes() -> None:
    runner = CliRunner()
    sample = str(ROOT / "samples" / "harbour_council.txt")
    everything = ArticleRecord.from_dict(json.loads(runner.invoke(app, ["extract", sample]).stdout))
    confidences = sorted(q.confidence for q in everything.quotes)
    cut = confidences[len(confidences) // 2]
    result = runner.invoke(app, ["extract", sample, "--min-confidence", str(cut)])
    kept = ArticleRecord.from_dict(json.loads(result.stdout))
    assert 0 < len(kept.quotes) < len(everything.quotes)
    assert all(q.confidence >= cut for q in kept.quotes)
    bad = runner.invoke(app, ["extract", sample, "--min-confidence", "1.5"])
    assert bad.exit_code == 2


def test_train_calibration_command(tmp_path: Path) -> None:
    target = tmp_path / "calibration.json"
    result = CliRunner().invoke(app, ["train", "calibration", str(MINI), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert Calibration.from_json(target.read_text(encoding="utf-8")).found


def test_held_out_calibration_merges_rule_and_tagger_counts(nlp: Language) -> None:
    from onrecord.nlp.model.predict import WEIGHTS_DIR
    from onrecord.train.calibration import held_out_calibration, is_tagger_key

    plain = build_calibration(MINI, nlp)
    merged = held_out_calibration(MINI, MINI, WEIGHTS_DIR / "all", nlp)
    # same articles and same tagger on both sides: the merge must give the plain counts
    assert merged.found == plain.found and merged.correct == plain.correct
    assert is_tagger_key("tagged_cue|indirect|source") and not is_tagger_key("clause|direct|source")
    assert is_tagger_key("tagged_content|indirect|source")
    assert is_tagger_key("clause|direct|source|tagger:CQS")


def test_holdout_options_go_together(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "train",
            "calibration",
            str(MINI),
            "--holdout",
            str(MINI),
            "--output",
            str(tmp_path / "c.json"),
        ],
    )
    assert result.exit_code == 2
    assert "together" in result.stderr
