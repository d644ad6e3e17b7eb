"""Statements whose grammatical subject is no speaker: "X seems to ...", "X is expected to ...".

Owns ``without_raised_subjects``, which takes the source off such statements and makes
the subject part of what is said, as PolNeAR's annotators do ("Republicans | confident
they have the votes"): in PolNeAR train 188 of 235 "seem"/"appear" attributions and 95
of 108 passive "is expected / thought / believed / considered" ones have no source.
Finding the statements is left to ``nlp.quotes.rules``.
"""

from __future__ import annotations

from onrecord.nlp.quotes.attribution import Attribution

RAISING_VERBS = frozenset({"seem", "seems", "seemed", "appear", "appears", "appeared"})
"""Cue words whose subject is what the statement is about, not who makes it."""
PASSIVE_OPINIONS = frozenset({"expected", "thought", "believed", "considered", "rumored"})
"""Participles that, after a form of "be", make the same kind of cue ("is expected to")."""
_BE_FORMS = frozenset({"is", "are", "was", "were", "been", "be", "being"})
_NO_CONTENT = frozenset({"it", "that", "which", "who"})
"""Subjects dropped rather than moved: an expletive ("it appeared that ...") or a
relative pronoun."""


def raising_cue(words: list[str]) -> bool:
    """Whether a cue's lower-case words make its subject no speaker."""
    return any(w in RAISING_VERBS for w in words) or (
        any(w in PASSIVE_OPINIONS for w in words) and any(w in _BE_FORMS for w in words)
    )


def without_raised_subjects(text: str, found: list[Attribution]) -> None:
    """Take the source off statements with a raising cue, in place.

    The subject goes to the front of the content when it comes before it.

    Args:
        text: The article text the spans point into.
        found: The statements found.
    """
    for attribution in found:
        if not attribution.source or not attribution.cue or not attribution.content:
            continue
        words = " ".join(text[s:e] for s, e in attribution.cue).lower().split()
        if not raising_cue(words):
            continue
        source = attribution.source
        subject = text[source[0][0] : source[-1][1]].lower()
        if subject not in _NO_CONTENT and source[-1][1] <= attribution.content[0][0]:
            attribution.content = list(source) + attribution.content
        attribution.source = []
        attribution.source_token = None
