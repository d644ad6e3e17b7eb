"""Flagging words written in another script inside a text (machine-translation leftovers).

Owns the per-character script test (from Unicode character names) and the
``foreign_script`` warning. Leaves language identification of whole articles to
ingest (issue 4).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from onrecord.models import Notice

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_MAX_FOREIGN_SHARE = 0.2


@lru_cache(maxsize=4096)
def char_script(char: str) -> str:
    """Return the script of a letter ("LATIN", "HEBREW", "CYRILLIC", "CJK", ...).

    Args:
        char: One character.

    Returns:
        The first word of its Unicode name, or ``"UNKNOWN"``.
    """
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def word_script(word: str) -> str:
    """Return the script most letters of ``word`` are written in."""
    counts = Counter(char_script(c) for c in word if c.isalpha())
    return counts.most_common(1)[0][0] if counts else "UNKNOWN"


def find_foreign_words(text: str) -> list[Notice]:
    """Flag each word in a minority script inside text written mostly in another one.

    Args:
        text: The article text.

    Returns:
        One ``foreign_script`` notice per foreign word, with its span; nothing when the
        text is not mostly Latin-script or has too many such words to be stray ones.
    """
    if text.isascii():
        return []  # every letter is Latin
    # a word of ASCII letters is Latin; only the others need their characters' names
    words = [
        (m.span(), "LATIN" if m.group().isascii() else word_script(m.group()))
        for m in _WORD.finditer(text)
    ]
    if not words:
        return []
    counts = Counter(script for _, script in words)
    dominant, dominant_count = counts.most_common(1)[0]
    if dominant != "LATIN":
        return []  # not English prose; language handling is ingest's job
    foreign = [(span, script) for span, script in words if script != dominant]
    if not foreign or len(foreign) > _MAX_FOREIGN_SHARE * dominant_count:
        return []
    notices = []
    for (start, end), script in foreign:
        word = text[start:end]
        notices.append(
            Notice(
                "foreign_script",
                f"word {word!r} in {script.title()} script inside {dominant.title()}-script text",
                ((start, end),),
            )
        )
    return notices
