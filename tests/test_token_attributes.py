"""The remembering replacement of the attribute ruler and lemmatizer gives their output."""

from __future__ import annotations

import warnings

import pytest
import spacy
from spacy.language import Language

from onrecord.nlp.attributes import COMPONENT, install_token_attributes
from onrecord.nlp.parse import DEFAULT_MODEL

TEXT = (
    "There is a problem, and there were others. Y'all are gonna see it, ain't you? "
    "Let's go; c'mon, I gotta run. The Senate's leaders said on Tuesday that "
    "they had been meeting since 2019.\n\nHe says: “We won’t.” She told reporters "
    "it was “not acceptable”. Dr. Jane Roe-Smith, 54, declined to comment.  \n"
)


@pytest.fixture(scope="module")
def stock() -> Language:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return spacy.load(DEFAULT_MODEL)


def _attributes(nlp: Language, text: str) -> list[tuple[str, str, str, str]]:
    return [(t.text, t.pos_, str(t.morph), t.lemma_) for t in nlp(text)]


def test_same_attributes_as_the_stock_components(stock: Language, nlp: Language) -> None:
    assert COMPONENT in nlp.pipe_names
    assert "lemmatizer" not in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    expected = _attributes(stock, TEXT)
    assert _attributes(nlp, TEXT) == expected  # first pass: computed
    assert _attributes(nlp, TEXT) == expected  # second pass: remembered
    # the context patterns: "is" after an expletive "there" is a VERB, "gon na" → go to
    by_text = {text: (pos, lemma) for text, pos, _, lemma in expected}
    assert by_text["is"] == ("VERB", "be") and by_text["gon"][1] == "go"


def test_words_in_other_contexts_are_not_confused(stock: Language, nlp: Language) -> None:
    # "is" remembered after "there" must not leak into "it is"; "let" without "'s" either
    for text in ("There is hope.", "It is hope.", "They let us in.", "Let's see.", "gon na"):
        assert _attributes(nlp, text) == _attributes(stock, text), text


def test_install_is_idempotent_on_a_pipeline_without_the_components(nlp: Language) -> None:
    names = list(nlp.pipe_names)
    assert install_token_attributes(nlp) is nlp
    assert nlp.pipe_names == names


def test_memory_is_bounded(stock: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    import onrecord.nlp.attributes as attributes

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fresh = install_token_attributes(spacy.load(DEFAULT_MODEL))
    monkeypatch.setattr(attributes, "MAX_REMEMBERED", 10)
    component = fresh.get_pipe(COMPONENT)
    for text in TEXT.split(". "):
        assert _attributes(fresh, text) == _attributes(stock, text)
        assert len(component.remembered) <= max(10, len(fresh(text)))
