"""Datelines: the place (and agency) that opens a wire story's first paragraph.

Owns recognising a dateline at the start of a line — "WASHINGTON — ", "NEW YORK (AP) — ",
"FLINT, Mich., Oct. 4 (UPI) — ", "MANCHESTER, N.H. - ", near the top also "Indianapolis – "
— so that statements and speaker
mentions that the parser ran into it start after it ("WASHINGTON -- President Obama said"
names "President Obama", not "WASHINGTON -- President Obama"; annotators never include
it). Deciding what a statement is stays with ``nlp.quotes.rules``.
"""

from __future__ import annotations

import re

from onrecord.models import Span

_STATE = (
    r"(?:, (?:[A-Z][a-z]*\.(?: ?[A-Z][a-z]?\.)?|[A-Z][a-z]+))?"  # ", Mich." / ", N.H." / ", Calif"
)
_AGENCY = r"(?: \((?:[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*){0,2})\))?"  # "(AP)", "(Reuters)"
_DASH = r"(?:--|—|–|-)[ \t\xa0]+"

DATELINE = re.compile(
    r"[A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,3}"  # the place, in capitals: one to four words
    + _STATE
    + r"(?:,? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2})?"  # date
    + _AGENCY
    + r"[ \t\xa0]*"
    + _DASH
)
"""A dateline at the start of a line, up to and including the dash after it."""

TITLE_DATELINE = re.compile(
    r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}"  # the place, capitalised: one to three words
    + _STATE
    + _AGENCY
    + r"[ \t\xa0]+"
    + _DASH
    + r"(?=[A-Z0-9])"
)
"""A dateline in title case ("Indianapolis – Several thousand teachers ..."): only near
the top of an article and not on its first line (a headline), and followed by a capital,
so that "Washington — the city, not the state — voted" is none."""
TITLE_DATELINE_REACH = 600
"""How far into the text (characters) a title-case dateline may open a line."""


def dateline_end(text: str, offset: int) -> int | None:
    """Where the dateline ends when ``offset`` lies inside one, else None.

    Args:
        text: The article text.
        offset: A character position, such as the start of a statement.

    Returns:
        The offset just after the dateline's dash and the spaces after it, when the line
        holding ``offset`` opens with a dateline that ``offset`` falls inside.
    """
    line_start = text.rfind("\n", 0, offset) + 1
    match = DATELINE.match(text, line_start)
    if match is None and 0 < line_start <= TITLE_DATELINE_REACH:
        match = TITLE_DATELINE.match(text, line_start)
    if match is None or not line_start <= offset < match.end():
        return None
    return match.end()


def after_dateline(text: str, fragments: list[Span]) -> list[Span]:
    """The fragments without the part of the first one that lies in a dateline.

    Args:
        text: The article text.
        fragments: A statement's or a source's character spans, in text order.

    Returns:
        The same fragments, the first starting after the dateline it began in (dropped
        when it lies inside the dateline entirely).
    """
    if not fragments:
        return fragments
    start, end = fragments[0]
    new_start = dateline_end(text, start)
    if new_start is None:
        return fragments
    if new_start >= end:
        return fragments[1:]
    return [(new_start, end), *fragments[1:]]


def without_dateline(
    text: str, content: list[Span], source: list[Span], head_at: int | None
) -> tuple[list[Span], list[Span], bool]:
    """A statement's content and source without the datelines the parser ran them into.

    "WASHINGTON -- President Obama said": the source is "President Obama"; a source
    wholly inside a dateline ("LONDON (Reuters") is no source at all.

    Args:
        text: The article text.
        content: The statement's fragments.
        source: The source mention's fragments.
        head_at: Where the source's head word starts, if known.

    Returns:
        The content, the source, and whether the head word is still inside the source.
    """
    trimmed = after_dateline(text, source)
    head_kept = trimmed == source or (
        bool(trimmed) and head_at is not None and head_at >= trimmed[0][0]
    )
    return after_dateline(text, content) or content, trimmed, head_kept
