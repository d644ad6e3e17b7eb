"""Conversion of PolNeAR-style brat files into spaCy training docs (onrecord.nlp.model.data).

The fixture tests/data/model_mini is invented: one headline attribution whose CONTENT holds a
whole nested attribution, a discontinuous CONTENT and an "according to" cue.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from onrecord.nlp.model.data import (
    LABEL_GROUPS,
    article_docs,
    gold_char_spans,
    paragraph_bounds,
    split_docbin,
)

MINI = Path(__file__).resolve().parent / "data" / "model_mini"
ANN = MINI / "attributions" / "mini_1.ann"
TEXT = (MINI / "text" / "mini.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tokenizer_nlp() -> spacy.language.Language:
    return spacy.blank("en")


def ents(doc: spacy.tokens.Doc) -> list[tuple[str, str]]:
    return [(ent.label_, ent.text) for ent in doc.ents]


def test_gold_char_spans_split_discontinuous_fragments() -> None:
    spans = gold_char_spans(ANN, ("CONTENT",))
    assert [TEXT[s:e] for s, e, _ in spans] == [
        "The mayor said the bridge would open in May.",
        "the bridge would open in May",
        "Critics",
        "want delays",
    ]


def test_all_labels_prefer_cue_and_source_over_outer_content(tokenizer_nlp) -> None:
    (doc,) = article_docs(tokenizer_nlp, TEXT, gold_char_spans(ANN), LABEL_GROUPS["all"])
    assert ents(doc) == [
        ("SOURCE", "Mayor"),
        ("CUE", "plans"),
        ("SOURCE", "The mayor"),
        ("CUE", "said"),
        ("CONTENT", "the bridge would open in May"),
        ("CONTENT", "Critics"),
        ("CUE", "according to"),
        ("SOURCE", "Ann Lee"),
        ("CONTENT", "want delays"),
    ]


def test_content_group_keeps_the_outer_content(tokenizer_nlp) -> None:
    (doc,) = article_docs(tokenizer_nlp, TEXT, gold_char_spans(ANN), LABEL_GROUPS["content"])
    assert ents(doc) == [
        ("CONTENT", "The mayor said the bridge would open in May."),
        ("CONTENT", "Critics"),
        ("CONTENT", "want delays"),
    ]


def test_by_paragraph_offsets_and_expand_alignment(tokenizer_nlp) -> None:
    # A span ending inside a token is expanded to the whole token.
    bridge = TEXT.index("bridge would")
    spans = [(bridge + 1, bridge + 3, "CONTENT")]
    spans += [(TEXT.index("said") - 1, TEXT.index("said") + 4, "CUE")]  # leading space trimmed
    docs = article_docs(tokenizer_nlp, TEXT, spans, LABEL_GROUPS["all"], by_paragraph=True)
    assert [doc.text for doc in docs] == [TEXT[s:e] for s, e in paragraph_bounds(TEXT)]
    assert [doc.user_data["offset"] for doc in docs] == [0, TEXT.index("The mayor")]
    assert ents(docs[0]) == []
    assert ents(docs[1]) == [("CUE", "said"), ("CONTENT", "bridge")]


def test_split_docbin_round_trip(tokenizer_nlp) -> None:
    docbin = split_docbin(tokenizer_nlp, MINI, LABEL_GROUPS["cue_source"])
    docs = list(DocBin().from_bytes(docbin.to_bytes()).get_docs(tokenizer_nlp.vocab))
    assert len(docs) == 1
    assert ents(docs[0]) == [
        ("SOURCE", "Mayor"),
        ("CUE", "plans"),
        ("SOURCE", "The mayor"),
        ("CUE", "said"),
        ("CUE", "according to"),
        ("SOURCE", "Ann Lee"),
    ]


def test_shipped_taggers_return_spans_inside_the_text() -> None:
    from onrecord.nlp.model.predict import WEIGHTS_DIR, available_groups, tag_text

    if not available_groups():
        pytest.skip(f"no trained weights under {WEIGHTS_DIR}")
    text = "Budget talks\n\nThe minister said on Monday that the budget would pass.\n"
    spans = tag_text(text)
    assert set(spans) <= {"CUE", "SOURCE", "CONTENT"}
    for found in spans.values():
        assert all(0 <= start < end <= len(text) for start, end in found)
    if available_groups():
        assert "said" in [text[s:e] for s, e in spans.get("CUE", [])]


def test_parsed_docs_carry_tags_dependencies_and_gold_roles(nlp) -> None:
    from onrecord.nlp.model.data import parsed_copy

    docs = article_docs(nlp, TEXT, gold_char_spans(ANN), LABEL_GROUPS["all"], parse=True)
    (doc,) = docs
    assert doc.has_annotation("TAG") and doc.has_annotation("DEP")
    assert ents(doc) == ents(article_docs(spacy.blank("en"), TEXT, gold_char_spans(ANN))[0])
    vocab = spacy.blank("en").vocab
    copy = parsed_copy(vocab, doc)
    assert [t.text for t in copy] == [t.text for t in doc]
    assert [t.tag for t in copy] == [t.tag for t in doc]
    assert [t.dep for t in copy] == [t.dep for t in doc]
    # No heads, hence no sentence ends for the tagger's spans to stop at, and no entities.
    assert not copy.has_annotation("SENT_START")
    assert all(token.head.i == token.i for token in copy)
    assert list(copy.ents) == [] and not copy.has_annotation("ENT_IOB")


def test_parsed_corpus_reader_gives_the_model_what_it_sees_at_run_time(nlp, tmp_path) -> None:
    from onrecord.nlp.model.data import parsed_corpus

    path = tmp_path / "mini.spacy"
    split_docbin(nlp, MINI, LABEL_GROUPS["all"], by_paragraph=True, parse=True).to_disk(path)
    blank = spacy.blank("en")
    examples = list(parsed_corpus(path)(blank))
    assert len(examples) == len(paragraph_bounds(TEXT))
    for example in examples:
        assert example.predicted.text == example.reference.text
        assert [t.tag_ for t in example.predicted] == [t.tag_ for t in example.reference]
        assert [t.dep_ for t in example.predicted] == [t.dep_ for t in example.reference]
        assert not example.predicted.ents
    assert sum(len(example.reference.ents) for example in examples) == 9


def test_shipped_config_reads_the_parse() -> None:
    from onrecord.nlp.model.predict import WEIGHTS_DIR, load_tagger, reads_syntax
    from onrecord.nlp.model.train import config_reads_syntax

    assert config_reads_syntax()
    assert reads_syntax(load_tagger(str(WEIGHTS_DIR / "all")))
