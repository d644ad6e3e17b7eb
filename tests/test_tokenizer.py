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
