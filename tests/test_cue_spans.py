"""Where a cue starts (``nlp.quotes.frames.cue_start``), on hand-made parses.

Annotators take into a cue what governs or describes its word: "went on to **say**", a
noun cue's article and adjectives ("a tacit **acknowledgment** that"). The phrases are
invented for the test.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from onrecord.nlp.quotes.frames import cue_start


def _doc(nlp: Language, rows: list[tuple[str, int, str, str, str]]) -> Doc:
    """A parsed doc from (word, head, dependency, part of speech, lemma) rows."""
    return Doc(
        nlp.vocab,
        words=[w for w, *_ in rows],
        heads=[h for _, h, *_ in rows],
        deps=[d for _, _, d, *_ in rows],
        pos=[p for *_, p, _ in rows],
        lemmas=[lemma for *_, lemma in rows],
    )


def test_noun_cue_takes_its_article_and_adjective(nlp: Language) -> None:
    doc = _doc(
        nlp,
        [
            ("It", 1, "nsubj", "PRON", "it"),
            ("was", 1, "ROOT", "AUX", "be"),
            ("a", 4, "det", "DET", "a"),
            ("tacit", 4, "amod", "ADJ", "tacit"),
            ("acknowledgment", 1, "attr", "NOUN", "acknowledgment"),
            ("of", 4, "prep", "ADP", "of"),
            ("defeat", 5, "pobj", "NOUN", "defeat"),
        ],
    )
    assert cue_start([doc[4], doc[5]]) == 2
    assert cue_start([doc[6]]) == 6  # a noun with nothing before it that describes it


def test_verb_cue_takes_the_verbs_that_govern_it(nlp: Language) -> None:
    doc = _doc(
        nlp,
        [
            ("She", 1, "nsubj", "PRON", "she"),
            ("went", 1, "ROOT", "VERB", "go"),
            ("on", 1, "prt", "ADP", "on"),
            ("to", 4, "aux", "PART", "to"),
            ("say", 1, "xcomp", "VERB", "say"),
            ("it", 4, "dobj", "PRON", "it"),
        ],
    )
    assert cue_start([doc[3], doc[4]]) == 1
