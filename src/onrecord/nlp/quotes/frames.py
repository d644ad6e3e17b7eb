"""Tests of an attribution frame over the dependency parse.

Owns the token-level questions the quote rules ask of a verb before taking it as a cue:
whether it is a passive participle whose subject was asked rather than speaking ("Asked
about it, Holm said"), part of a connective opening its sentence ("That said, ..."), or
a frame set off by commas ("..., she said, ..."). Finding statements is left to
``nlp.quotes.rules``.
"""

from __future__ import annotations

from spacy.tokens import Token

from onrecord.nlp.quotes.cues import CONNECTIVE_OPENINGS

_CONNECTIVE_WORDS = frozenset(word for opening in CONNECTIVE_OPENINGS for word in opening)


def passive_participle(verb: Token) -> bool:
    """Whether ``verb`` is a passive participle ("Asked about it, Holm said ...").

    Its subject was asked or told, and is no speaker of the statement.
    """
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("advcl", "acl")
        and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in verb.children)
    )


def in_connective(verb: Token) -> bool:
    """Whether a verb is part of a connective opening its sentence ("That said, ...")."""
    if verb.lower_ not in _CONNECTIVE_WORDS:
        return False  # most verbs: no need to find the sentence
    sentence = verb.sent
    words = tuple(token.lower_ for token in sentence[:4])
    for opening in CONNECTIVE_OPENINGS:
        size = len(opening)
        if (
            words[:size] == opening
            and verb.i - sentence.start < size
            and len(sentence) > size
            and sentence[size].text in (",", "—", "–")
        ):
            return True
    return False


def parenthetical(verb: Token, subject: Token | None) -> bool:
    """Whether the frame "subject verb" is set off by commas on both sides."""
    if subject is None or subject.i > verb.i:
        return False
    left = min(t.i for t in subject.subtree)
    doc = verb.doc
    return (
        left > 0
        and doc[left - 1].text == ","
        and verb.i + 1 < len(doc)
        and doc[verb.i + 1].text == ","
    )
