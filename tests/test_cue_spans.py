"""Where a cue starts (``nlp.quotes.frames.cue_start``), on hand-made parses.

Annotators take into a cue what governs or describes its word: "went on to **say**", a
noun cue's article and adjectives ("a tacit **acknowledgment** that"). The phrases are
invented for the test.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from onrecord.nlp.quotes.frames import cue_start


def _doc(nlp: Language, parse: str) -> Doc:
    """A parsed doc from "word/head/dependency/part-of-speech/lemma" items."""
    rows = [item.split("/") for item in parse.split()]
    return Doc(
        nlp.vocab,
        words=[row[0] for row in rows],
        heads=[int(row[1]) for row in rows],
        deps=[row[2] for row in rows],
        pos=[row[3] for row in rows],
        lemmas=[row[4] for row in rows],
    )


_NOUN_CUE = (
    "It/1/nsubj/PRON/it was/1/ROOT/AUX/be a/4/det/DET/a tacit/4/amod/ADJ/tacit "
    "acknowledgment/1/attr/NOUN/acknowledgment of/4/prep/ADP/of defeat/5/pobj/NOUN/defeat"
)
_VERB_CUE = (
    "She/1/nsubj/PRON/she went/1/ROOT/VERB/go on/1/prt/ADP/on to/4/aux/PART/to "
    "say/1/xcomp/VERB/say it/4/dobj/PRON/it"
)
_HEADLINE = (  # a title-case headline, "Vows" parsed as a noun with the name before it
    "Holm/1/compound/PROPN/Holm Vows/1/ROOT/NOUN/vow To/3/aux/PART/to Cut/1/acl/VERB/cut"
)


@pytest.mark.parametrize(
    ("parse", "cue", "start"),
    [
        (_NOUN_CUE, (4, 6), 2),  # "a tacit acknowledgment of": article and adjective
        (_NOUN_CUE, (6, 7), 6),  # nothing before "defeat" describes it
        (_VERB_CUE, (3, 5), 1),  # "went on to say": the verbs that govern it
        (_HEADLINE, (1, 2), 1),  # a name is no part of the cue
    ],
)
def test_cue_start(nlp: Language, parse: str, cue: tuple[int, int], start: int) -> None:
    doc = _doc(nlp, parse)
    assert cue_start(list(doc[cue[0] : cue[1]])) == start
