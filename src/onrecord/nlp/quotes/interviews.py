"""Printed question-and-answer interviews: lines opening with "Q:" and "A:".

Owns finding the turns of such an interview ("Q: How do you prioritize your day?" /
"A: I start with ...") as statements: the label is the source and its colon the cue, as
PolNeAR's annotators mark them. Only an article with at least two of each counts, so a
lone "A: " (a list item, a grade) is left alone. Who "A" and "Q" are is decided in
``nlp.speakers`` (the person interviewed, and the interviewer, who is not named).
"""

from __future__ import annotations

import re
from collections import Counter

from onrecord.nlp.quotes.attribution import Attribution

INTERVIEW_LINE = re.compile(
    r"^[ \t]*(?P<label>Q|A)[ \t]*:[ \t\xa0]+(?P<said>\S(?:[^\n]*\S)?)", re.MULTILINE
)
"""One turn: "Q" or "A", a colon, what was said (to the line's end)."""
MIN_TURNS = 2
"""Questions and answers an article needs (each) to be read as an interview."""
INTERVIEW_LABELS = ("Q", "A")


def interview_turns(text: str) -> list[Attribution]:
    """The question and answer lines of an interview, as statements.

    Args:
        text: The article text.

    Returns:
        One statement per "Q:" or "A:" line (rule ``transcript``, the label its source),
        or none when the article is not an interview.
    """
    turns = list(INTERVIEW_LINE.finditer(text))
    labels = Counter(turn.group("label") for turn in turns)
    if any(labels[label] < MIN_TURNS for label in INTERVIEW_LABELS):
        return []
    found = []
    for turn in turns:
        colon = text.index(":", turn.end("label"))
        found.append(
            Attribution(
                content=[(turn.start("said"), turn.end("said"))],
                cue=[(colon, colon + 1)],
                source=[(turn.start("label"), turn.end("label"))],
                confidence=0.7,
                rule="transcript",
                position=colon,
                fixed_type="direct",
            )
        )
    return found


def without_interview_labels(
    found: list[Attribution], turns: list[Attribution]
) -> list[Attribution]:
    """The statements found, less those that take an interview's label for a word.

    Other rules read "A: Watching from courtside as ..." as a clause whose subject is
    "A"; statements whose source or content covers a "Q:"/"A:" label are dropped (the
    turns themselves are added by the caller). Statements inside an answer ("I told them
    that ...") stay, and are not nested in the turn: annotators mark them as often as
    the turns.

    Args:
        found: The statements the rules found.
        turns: The article's interview turns (``interview_turns``), empty if none.

    Returns:
        The statements to keep (``found`` itself when the article is no interview).
    """
    if not turns:
        return found
    labels = [(turn.source[0][0], turn.cue[0][1]) for turn in turns]

    def touches_label(attribution: Attribution) -> bool:
        spans = [*attribution.source, *attribution.content]
        return any(s < end and start < e for s, e in spans for start, end in labels)

    return [a for a in found if not touches_label(a)]
