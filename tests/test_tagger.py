"""The trained tagger and --extractor model: it finds cues the rules do not know."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from conftest import ROOT
from onrecord.models import RawDocument, span_text
from onrecord.nlp.model.predict import WEIGHTS_DIR, available_groups, tag_paragraphs
from onrecord.nlp.pipeline import extract_article
from onrecord.serve.cli import app

TEXT = (
    "Harbour plan\n\n"
    "The mayor wants to rebuild the harbour wall before the winter storms.\n\n"
    "Opposition leaders said that the plan was too expensive.\n"
)


def test_weights_ship_with_the_package() -> None:
    assert available_groups() == ["all"]
    size = sum(p.stat().st_size for p in (WEIGHTS_DIR / "all").rglob("*") if p.is_file())
    assert size < 50 * 1024 * 1024


def test_tagger_marks_cues_sources_and_contents() -> None:
    paragraphs = [(TEXT.index("The mayor"), TEXT.index("storms.") + 7)]
    spans = tag_paragraphs(TEXT, paragraphs)
    cues = [TEXT[s:e] for s, e in spans.get("CUE", [])]
    assert "wants" in cues
    for label in spans:
        for start, end in spans[label]:
            assert paragraphs[0][0] <= start < end <= paragraphs[0][1]


def test_model_extractor_adds_stance_statements(nlp: Language) -> None:
    document = RawDocument(path="harbour.txt", text=TEXT)
    rules = extract_article(document, nlp, extractor="rules")
    model = extract_article(document, nlp, extractor="model")
    assert {span_text(TEXT, q.cue) for q in rules.quotes} == {"said"}
    wants = [q for q in model.quotes if span_text(TEXT, q.cue) == "wants"]
    assert wants and wants[0].rule == "tagged_cue"
    assert span_text(TEXT, wants[0].source) == "The mayor"
    assert "rebuild the harbour wall" in span_text(TEXT, wants[0].content)


def test_unknown_extractor_is_refused(nlp: Language) -> None:
    with pytest.raises(ValueError, match="unknown extractor"):
        extract_article(RawDocument(path="x.txt", text=TEXT), nlp, extractor="magic")


def test_extractor_option_on_the_command_line() -> None:
    runner = CliRunner()
    sample = str(ROOT / "samples" / "clinic_report.txt")
    for choice in ("rules", "model"):
        result = runner.invoke(app, ["extract", sample, "--extractor", choice])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["quotes"]
    assert runner.invoke(app, ["extract", sample, "--extractor", "magic"]).exit_code == 2


def test_tagging_parsed_paragraphs_leaves_the_taggers_vocabulary_alone(nlp: Language) -> None:
    """The copies the tagger reads live in the main pipeline's vocabulary: tagging new
    words does not grow the tagger's (which would grow without end in a long run)."""
    from onrecord.nlp.model.predict import load_tagger
    from onrecord.nlp.parse import pipe_texts

    tagger = load_tagger(str(WEIGHTS_DIR / "all"))
    text = "Zorblat said the quffleton was ready.\n\nMrs. Vandersnoot denied it.\n"
    paragraphs = [(0, text.index("\n")), (text.index("Mrs."), len(text) - 1)]
    parsed = list(pipe_texts(nlp, (text[s:e] for s, e in paragraphs)))
    before = len(tagger.vocab)
    spans = tag_paragraphs(text, paragraphs, parsed=parsed)
    assert len(tagger.vocab) == before
    assert "said" in [text[s:e] for s, e in spans.get("CUE", [])]
    assert spans == tag_paragraphs(text, paragraphs)  # parsing here gives the same
