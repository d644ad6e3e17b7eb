"""Words of a title-case headline: whether they name a speaker or are a cue verb.

Owns telling a speaker's name before a headline's colon from a label ("Breaking:",
"The Latest:") and a title-case cue verb ("Vows", "Denies", "Seeks") from a plural noun
("Talks"). Finding the headline's statement and its content is left to
``nlp.quotes.rules``.
"""

from __future__ import annotations

import os

from onrecord.nlp.quotes.cue_table import CueTable
from onrecord.nlp.quotes.cues import HEADLINE_LABELS, SPEECH_VERBS, TITLE_CASE_FUNCTION_WORDS

HEADLINE_TABLE_THRESHOLD = float(os.environ.get("ONRECORD_HEADLINE_THRESHOLD", "0.2"))
"""The cue table's threshold for the verb right after a person's name opening a title-case
headline ("Obama Seeks ...", "Clinton Breaks With ..."): that place makes a cue likelier."""


def headline_speaker(name: str) -> bool:
    """Whether the words before a headline's colon can name a speaker.

    "Jane Roe", "Pence" and "Poll" can; a label ("Breaking", "The Latest") or a phrase
    with a preposition in title case ("Stealth Over Health") cannot.
    """
    words = name.split()
    if words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    if not words or words[0].lower() in HEADLINE_LABELS:
        return False
    return not any(w.lower() in TITLE_CASE_FUNCTION_WORDS for w in words[1:])


def headline_verb(word: str, table: CueTable, threshold: float, *, lenient: bool = False) -> bool:
    """Whether a title-case headline word is a third-person cue verb ("Vows", "Denies").

    After a person's name (``lenient``) a verb the cue table gives a lower chance counts
    too ("Obama Seeks ...", "Clinton Breaks With ..."); after another word it may be a
    noun ("Harbour Talks Resume"). ``threshold`` is the cue table's elsewhere.
    """
    threshold = HEADLINE_TABLE_THRESHOLD if lenient else threshold
    lower = word.lower()
    if not word[:1].isupper() or not lower.endswith("s") or len(lower) < 4:
        return False
    bases = {lower[:-1], lower[:-2]} | ({lower[:-3] + "y"} if lower.endswith("ies") else set())
    return any(
        base in SPEECH_VERBS
        or max(table.probability(base, relation) for relation in ("ccomp", "xcomp", "dobj"))
        >= threshold
        for base in bases
    )
