"""The pipeline's tokenizer: a colon and an opening quotation mark glued to the words."""

from __future__ import annotations

from spacy.language import Language

from onrecord.models import RawDocument
from onrecord.nlp.pipeline import extract_article


def test_a_colon_and_a_quotation_mark_glued_to_a_name_are_tokens_of_their_own(
    nlp: Language,
) -> None:
    doc = nlp('Former mayor Ann Lind Hale:"We rebuilt the harbour," and “Time: 10:30” a:b')
    words = [t.text for t in doc]
    assert words[:8] == ["Former", "mayor", "Ann", "Lind", "Hale", ":", '"', "We"]
    assert "10:30" in words  # a time stays one token
    assert words[-3:] == ["a", ":", "b"]  # a colon between letters, as before


def test_the_whole_name_speaks_a_glued_quotation(nlp: Language) -> None:
    text = (
        "Harbour plan\n\n"
        'Former secretary of state Hillary Rodham Clinton:"We learned that from the State '
        'Department and their analysis of the emails."\n'
    )
    record = extract_article(RawDocument(path="glued.txt", text=text), nlp)
    people = [e.text for e in record.entities if e.label == "PERSON"]
    assert "Hillary Rodham Clinton" in people


def test_punctuation_and_double_marks_glued_to_words_are_split(nlp: Language) -> None:
    words = [t.text for t in nlp("Roe said,“We go,”he added. It works.”The end")]
    assert words == [
        "Roe", "said", ",", "“", "We", "go", ",", "”", "he", "added", ".",
        "It", "works", ".", "”", "The", "end",
    ]  # fmt: skip
    # Apostrophes and a number's inch mark are left alone.
    assert [t.text for t in nlp("don’t buy a 3.5\" screen")] == [
        "do", "n’t", "buy", "a", "3.5", '"', "screen",
    ]  # fmt: skip


def test_a_speech_verb_glued_to_its_quotation_is_still_a_cue(nlp: Language) -> None:
    text = "Harbour plan\n\nMayor Ann Roe said,“We will rebuild the harbour by spring.”\n"
    record = extract_article(RawDocument(path="glued.txt", text=text), nlp)
    quote = next(q for q in record.quotes if "rebuild" in text[q.content[0][0] : q.content[-1][1]])
    assert [text[s:e] for s, e in quote.cue] == ["said"]
    assert [text[s:e] for s, e in quote.source] == ["Mayor Ann Roe"]
