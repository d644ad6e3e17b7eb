"""The learned cue table: counting, smoothing, round trip, and its use by the rules."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from typer.testing import CliRunner

from conftest import DATA, extract_paragraphs
from onrecord.models import span_text
from onrecord.nlp.quotes.cue_table import MIN_SUPPORT, CueTable, count_cues, load_cue_table
from onrecord.serve.cli import app
from onrecord.train.cues import build_cue_table


def test_counts_cue_and_complement(nlp: Language) -> None:
    text = "The senator said the budget was a fantasy. The senator said nothing."
    doc = nlp(text)
    table = CueTable()
    cue = text.index("said")
    content = (text.index("the budget"), text.index("fantasy") + len("fantasy"))
    count_cues(doc, [(cue, cue + 4)], [content], table)
    assert table.cues["say|ccomp"] == 1
    assert table.seen["say|ccomp"] == 1
    assert table.seen["say|dobj"] == 1 and table.cues["say|dobj"] == 0


def test_probability_is_smoothed_and_needs_support() -> None:
    table = CueTable()
    table.seen["call|prep:for"] = MIN_SUPPORT - 1
    table.cues["call|prep:for"] = MIN_SUPPORT - 1
    assert table.probability("call", "prep:for") == 0.0
    table.seen["call|prep:for"] = 8
    table.cues["call|prep:for"] = 6
    assert table.probability("call", "prep:for") == 6 / 10
    assert CueTable.from_json(table.to_json()).probability("call", "prep:for") == 6 / 10


def test_build_from_annotated_folder_is_deterministic(nlp: Language) -> None:
    folder = DATA / "polnear_mini"
    first = build_cue_table(folder, nlp)
    second = build_cue_table(folder, nlp)
    assert first.to_json() == second.to_json()
    assert first.cues["say|ccomp"] >= 1


def test_train_cues_command_writes_a_table(tmp_path: Path) -> None:
    target = tmp_path / "table.json"
    result = CliRunner().invoke(
        app, ["train", "cues", str(DATA / "polnear_mini"), "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert CueTable.from_json(target.read_text(encoding="utf-8")).seen


def test_shipped_table_knows_stance_verbs() -> None:
    table = load_cue_table()
    assert table.probability("say", "ccomp") > 0.6
    assert table.probability("call", "prep:for") > 0.4
    assert table.probability("make", "dobj") < 0.2


def test_table_cues_extend_the_lexicon(nlp: Language) -> None:
    record = extract_paragraphs(
        nlp, "Harbour vote", "The union called for an immediate halt to the harbour works."
    )
    (quote,) = record.quotes
    assert span_text(record.text, quote.cue) == "called for"
    assert span_text(record.text, quote.content) == "an immediate halt to the harbour works"
    assert span_text(record.text, quote.source) == "The union"
    assert 0.4 <= quote.confidence < 0.9
