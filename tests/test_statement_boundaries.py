"""Where statements end: completing complements in, asides and circumstances out."""

from __future__ import annotations

from spacy.language import Language

from conftest import extract_paragraphs
from onrecord.models import ArticleRecord, span_text

TITLE = "Harbour dispute"


def _by_cue(record: ArticleRecord, cue: str) -> str:
    for quote in record.quotes:
        if span_text(record.text, quote.cue) == cue:
            return span_text(record.text, quote.content)
    raise AssertionError(f"no statement with cue {cue!r}")


def test_object_keeps_its_completing_preposition(nlp: Language) -> None:
    record = extract_paragraphs(
        nlp, TITLE, "The union criticized the mayor for his handling of the harbour repairs."
    )
    assert _by_cue(record, "criticized") == "the mayor for his handling of the harbour repairs"


def test_object_leaves_out_when_and_where(nlp: Language) -> None:
    record = extract_paragraphs(
        nlp, TITLE, "The court rejected that argument in a ruling released on Thursday."
    )
    assert _by_cue(record, "rejected") == "that argument"


def test_object_leaves_out_a_trailing_relative_aside(nlp: Language) -> None:
    record = extract_paragraphs(
        nlp,
        TITLE,
        "The council praised the new harbour wall, which had cost far more than planned.",
    )
    assert _by_cue(record, "praised") == "the new harbour wall"


def test_reported_clause_keeps_its_that(nlp: Language) -> None:
    record = extract_paragraphs(nlp, TITLE, "The mayor said on Monday that the wall would hold.")
    assert _by_cue(record, "said") == "that the wall would hold"
