"""Where statements end: completing complements in, asides and circumstances out."""

from __future__ import annotations

from spacy.language import Language

from conftest import extract_paragraphs
from onrecord.models import ArticleRecord, span_text
from onrecord.nlp.quotes.attribution import Attribution

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


def _rules_with_tagged(
    nlp: Language, paragraph: str, tagged: dict[str, list[str]]
) -> tuple[str, list[Attribution]]:
    """Run the rules on one paragraph with the tagger's spans given as text, by label."""
    from onrecord.nlp.parse import parse_paragraphs
    from onrecord.nlp.quotes.marks import find_quoted_regions
    from onrecord.nlp.quotes.rules import QuoteRules

    text = f"{TITLE}\n\n{paragraph}\n"
    spans = [(len(TITLE) + 2, len(text) - 1)]
    parsed = parse_paragraphs(text, spans, nlp)
    regions, _ = find_quoted_regions(text, spans)
    by_label = {
        label: sorted((text.index(t), text.index(t) + len(t)) for t in texts)
        for label, texts in tagged.items()
    }
    return text, QuoteRules(parsed, regions, None, by_label).extract()


def _rules_with_tagged_content(nlp: Language, paragraph: str, tagged: str) -> list[str]:
    """Run the rules on one paragraph with the tagger's CONTENT span given as text."""
    text, found = _rules_with_tagged(nlp, paragraph, {"CONTENT": [tagged]})
    return [span_text(text, a.content) for a in found]


def test_tagged_content_hanging_from_a_noun_is_a_statement(nlp: Language) -> None:
    paragraph = "Trump has faced questions about his business practices."
    assert _rules_with_tagged(nlp, paragraph, {})[1] == []
    text, found = _rules_with_tagged(nlp, paragraph, {"CONTENT": ["his business practices"]})
    assert len(found) == 1 and found[0].rule == "tagged_content"
    assert span_text(text, found[0].content) == "his business practices"
    assert span_text(text, found[0].cue) == "questions about"
    assert span_text(text, found[0].source) == "Trump"


def test_tagged_content_of_a_verb_no_rule_knows_is_left_out(nlp: Language) -> None:
    _, found = _rules_with_tagged(
        nlp, "The mayor painted the new harbour wall.", {"CONTENT": ["the new harbour wall"]}
    )
    assert found == []


def test_statements_carry_the_taggers_agreement(nlp: Language) -> None:
    paragraph = "The mayor said that the wall would hold."
    _, alone = _rules_with_tagged(nlp, paragraph, {})
    assert [a.agreement for a in alone] == [""]  # no tagger, no letters
    _, agreed = _rules_with_tagged(
        nlp,
        paragraph,
        {"CONTENT": ["that the wall would hold"], "CUE": ["said"], "SOURCE": ["The mayor"]},
    )
    assert [a.agreement for a in agreed] == ["CQS"]
    _, partly = _rules_with_tagged(nlp, paragraph, {"CONTENT": ["would hold"]})
    assert [a.agreement for a in partly] == ["c--"]


def test_statement_end_follows_the_tagger_past_a_cut_contrast(nlp: Language) -> None:
    paragraph = "The mayor warned that costs were rising, not falling."
    rules_alone = _rules_with_tagged_content(nlp, paragraph, "The mayor")  # no overlap: unused
    assert rules_alone == ["that costs were rising"]
    tagged = "that costs were rising, not falling"
    assert _rules_with_tagged_content(nlp, paragraph, tagged) == [tagged]


def test_statement_end_keeps_a_left_out_circumstance_out(nlp: Language) -> None:
    paragraph = "The union rejected the offer in a statement on Thursday."
    found = _rules_with_tagged_content(nlp, paragraph, "the offer in a statement on Thursday")
    assert found == ["the offer"]


def test_statement_end_does_not_swallow_another_cue(nlp: Language) -> None:
    paragraph = "The mayor said the wall was too costly, and the council said it would wait."
    found = _rules_with_tagged_content(
        nlp, paragraph, "the wall was too costly, and the council said it would wait"
    )
    assert "the wall was too costly" in found
    assert all("council said" not in content for content in found)


def test_statement_starts_after_a_sentence_opening_connective(nlp: Language) -> None:
    found = _rules_with_tagged_content(
        nlp, "But the council will pay for it, officials said on Monday.", "officials"
    )
    assert found == ["the council will pay for it"]


def test_quote_after_a_mixed_statement_joins_it(nlp: Language) -> None:
    record = extract_paragraphs(
        nlp,
        TITLE,
        'Berg said the harbour plan was "dead on arrival." "Nobody in this town will vote for it."',
    )
    (quote,) = [q for q in record.quotes if span_text(record.text, q.cue) == "said"]
    assert [record.text[s:e] for s, e in quote.content] == [
        'the harbour plan was "dead on arrival."',
        '"Nobody in this town will vote for it."',
    ]


def test_statement_without_subject_takes_the_taggers_source(nlp: Language) -> None:
    paragraph = "In a letter from the union, Mayor Linda Okoro was accused of hiding the costs."
    text, alone = _rules_with_tagged(nlp, paragraph, {"CONTENT": ["hiding the costs"]})
    assert [span_text(text, a.source) for a in alone] == [""]
    text, found = _rules_with_tagged(
        nlp, paragraph, {"CONTENT": ["hiding the costs"], "SOURCE": ["the union"]}
    )
    assert [span_text(text, a.source) for a in found] == ["the union"]


def test_statement_start_follows_the_tagger_back_to_its_object(nlp: Language) -> None:
    paragraph = "The mayor urged the council to approve the harbour plan."
    rules_alone = _rules_with_tagged_content(nlp, paragraph, "The mayor")  # no overlap: unused
    tagged = "the council to approve the harbour plan"
    assert rules_alone != [tagged] and tagged.endswith(rules_alone[0])
    assert _rules_with_tagged_content(nlp, paragraph, tagged) == [tagged]
    # never back over the cue or the source
    found = _rules_with_tagged_content(
        nlp, paragraph, "urged the council to approve the harbour plan"
    )
    assert found == rules_alone


def test_statement_cut_inside_a_quotation_runs_to_its_closing_mark(nlp: Language) -> None:
    # the parse leaves the quoted relative clause out, as it does for unquoted ones
    record = extract_paragraphs(
        nlp,
        TITLE,
        "The report called the harbour a “success story in a decade when most ports declined.”",
    )
    assert _by_cue(record, "called") == (
        "the harbour a “success story in a decade when most ports declined.”"
    )
