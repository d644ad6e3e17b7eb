"""Printed question-and-answer interviews (``onrecord.nlp.quotes.interviews``)."""

from __future__ import annotations

from spacy.language import Language

from conftest import extract_paragraphs
from onrecord.models import ArticleRecord, Quote
from onrecord.nlp.quotes.interviews import interview_turns

INTERVIEW = (
    "Harbour director Linda Okoro spoke to us about the new piers. Okoro has run the"
    " harbour since 2019.",
    "Q: When will the piers be ready?",
    "A: Every one of them will be rebuilt before the first ferry sails. I promised the"
    " council that.",
    "Q: What did the repairs cost?",
    "A: About four million euros, and the city paid all of it.",
    "I think it was money well spent.",
)


def quotes_at(record: ArticleRecord, needle: str) -> list[Quote]:
    return [q for q in record.quotes if any(needle in record.text[s:e] for s, e in q.content)]


def test_answers_are_the_interviewed_persons_words(nlp: Language) -> None:
    record = extract_paragraphs(nlp, "Rebuilding the harbour", *INTERVIEW)
    answer = next(q for q in quotes_at(record, "Every one of them") if q.rule == "transcript")
    assert answer.speaker == "Linda Okoro"
    assert answer.type == "direct"
    assert record.text[answer.source[0][0] : answer.source[0][1]] == "A"
    question = next(q for q in quotes_at(record, "What did the repairs") if q.rule == "transcript")
    assert question.speaker is None  # the interviewer is not named
    # "I" in an answer, also in the paragraph after it, is the person interviewed
    spent = [q for q in quotes_at(record, "money well spent") if q.rule != "transcript"]
    assert spent and all(q.speaker == "Linda Okoro" for q in spent)
    # no statement is given to a speaker called "A" or "Q"
    assert not [q for q in record.quotes if q.speaker in ("A", "Q")]


def test_a_lone_label_is_no_interview() -> None:
    text = "Grades this term\n\nA: excellent work on the harbour project.\n\nQ: what next?\n"
    assert interview_turns(text) == []
    both = text + "\nQ: and then?\n\nA: the piers.\n"
    assert [t.rule for t in interview_turns(both)] == ["transcript"] * 4
