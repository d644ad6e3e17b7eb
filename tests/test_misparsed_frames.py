"""Frames the parser gets wrong, pinned down with hand-made parses.

The small parser sometimes hangs a speaker's name, set off after a closing quotation
mark, inside the quotation ('“... and frankly the president,” Flynn, a surrogate,
said': "Flynn" an apposition of "president"). Such a parse depends on the model's mood,
so these tests build it by hand, word by word, and check that the rules and the
entities read it right. The sentence is invented for the test.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from onrecord.nlp.entities import ArticleEntities
from onrecord.nlp.parse import ParsedArticle, ParsedParagraph
from onrecord.nlp.quotes.marks import find_quoted_regions
from onrecord.nlp.quotes.rules import QuoteRules

# word, head, dependency, part of speech, tag, lemma, entity
_PARSE = [
    ("“", 2, "punct", "PUNCT", "``", "“", "O"),
    ("There", 2, "expl", "PRON", "EX", "there", "O"),
    ("is", 19, "ccomp", "VERB", "VBZ", "be", "O"),
    ("a", 4, "det", "DET", "DT", "a", "O"),
    ("disconnect", 2, "attr", "NOUN", "NN", "disconnect", "O"),
    ("between", 4, "prep", "ADP", "IN", "between", "O"),
    ("the", 7, "det", "DET", "DT", "the", "O"),
    ("port", 5, "pobj", "NOUN", "NN", "port", "O"),
    ("and", 7, "cc", "CCONJ", "CC", "and", "O"),
    ("the", 10, "det", "DET", "DT", "the", "O"),
    ("mayor", 7, "conj", "NOUN", "NN", "mayor", "O"),
    (",", 10, "punct", "PUNCT", ",", ",", "O"),
    ("”", 13, "punct", "PUNCT", "''", "”", "O"),
    ("Baker", 10, "appos", "PROPN", "NNP", "Baker", "B-PERSON"),
    (",", 13, "punct", "PUNCT", ",", ",", "O"),
    ("a", 17, "det", "DET", "DT", "a", "O"),
    ("union", 17, "compound", "NOUN", "NN", "union", "O"),
    ("organiser", 13, "appos", "NOUN", "NN", "organiser", "O"),
    (",", 19, "punct", "PUNCT", ",", ",", "O"),
    ("said", 19, "ROOT", "VERB", "VBD", "say", "O"),
    (".", 19, "punct", "PUNCT", ".", ".", "O"),
]
_NO_SPACE_AFTER = {0, 10, 11, 13, 17, 19}


def _misparsed(nlp: Language) -> ParsedArticle:
    doc = Doc(
        nlp.vocab,
        words=[w for w, *_ in _PARSE],
        spaces=[i not in _NO_SPACE_AFTER and i + 1 < len(_PARSE) for i in range(len(_PARSE))],
        heads=[h for _, h, *_ in _PARSE],
        deps=[d for _, _, d, *_ in _PARSE],
        pos=[p for *_, p, _, _, _ in _PARSE],
        tags=[t for *_, t, _, _ in _PARSE],
        lemmas=[lemma for *_, lemma, _ in _PARSE],
        ents=[e for *_, e in _PARSE],
    )
    return ParsedArticle(doc.text, [ParsedParagraph(0, doc)])


def test_name_parsed_into_the_quote_is_the_frames_speaker(nlp: Language) -> None:
    parsed = _misparsed(nlp)
    text = parsed.text
    regions, _ = find_quoted_regions(text, [(0, len(text))])
    found = QuoteRules(parsed, regions).extract()
    framed = [a for a in found if [text[s:e] for s, e in a.cue] == ["said"]]
    assert len(framed) == 1
    statement = framed[0]
    assert [text[s:e] for s, e in statement.content] == [
        "“There is a disconnect between the port and the mayor,”"
    ]
    assert [text[s:e] for s, e in statement.source] == ["Baker, a union organiser"]


def test_no_role_from_an_apposition_across_a_closing_mark(nlp: Language) -> None:
    (baker,) = ArticleEntities(_misparsed(nlp)).people
    assert baker.canonical == "Baker"
    assert [role for _, role in baker.roles] == ["union organiser"]
