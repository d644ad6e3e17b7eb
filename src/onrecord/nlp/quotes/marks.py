"""Pairing quotation marks into quoted regions, at the character level.

Owns ``find_quoted_regions``: straight and curly double quotes, guillemets and the double
apostrophe that some archives print for a straight double quote (''like this''), quotes
that run over several paragraphs (an opening mark at each new paragraph and no closing
mark until the last), and unbalanced marks, which are closed at the end of their
paragraph with a warning so that one stray mark never swallows the rest of an article.
Single curly marks (‘like this’, British and AP headline style) are paired only in a
paragraph without double marks, and never where "’" is an apostrophe (Democrats’,
don’t). A paragraph with more than
``MAX_QUOTE_MARKS`` marks is not paired at all (a warning says so): no prose has that
many, and each region costs the quote rules work. Does not decide who said a quoted
region (see ``nlp.quotes.rules``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from onrecord.models import Notice, Span

OPENING = {"“", "«", "„"}
CLOSING = {"”", "»"}
STRAIGHT = '"'
DOUBLE_APOSTROPHE = "''"
"""Two apostrophes standing for a straight double quote (New York Times archive text)."""
ALL_MARKS = OPENING | CLOSING | {STRAIGHT, DOUBLE_APOSTROPHE}
"""Every quotation mark, as text (and as spaCy tokenizes it)."""
SINGLE_OPENING = "‘"
SINGLE_CLOSING = "’"
"""Single curly marks: quotation marks only in a paragraph without double marks."""
_STRAIGHTS = (STRAIGHT, DOUBLE_APOSTROPHE)
_CLOSE_BEFORE = set(",.;:!?)]}—–-…\n\t")
_OPEN_BEFORE = set(" \t\n([{—–-/:;,")
_MARK = re.compile(DOUBLE_APOSTROPHE + "|[" + "".join(sorted(OPENING | CLOSING | {STRAIGHT})) + "]")
MAX_QUOTE_MARKS = int(os.environ.get("ONRECORD_MAX_QUOTE_MARKS", "1000"))
"""A paragraph with more quotation marks than this has its marks ignored (a setting)."""


@dataclass(frozen=True)
class QuotedRegion:
    """A quoted stretch of text, marks included.

    Attributes:
        start: Offset of the opening mark.
        end: Offset just past the closing mark (or the paragraph end if unclosed).
        closed: Whether a closing mark was found.
    """

    start: int
    end: int
    closed: bool = True

    @property
    def span(self) -> Span:
        """The region as a span."""
        return (self.start, self.end)


def _is_opening(text: str, i: int, length: int = 1) -> bool:
    char = text[i]
    if char in OPENING:
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + length] if i + length < len(text) else " "
    if char in CLOSING:
        # A closing mark typed where an opening one belongs (”Fear. I am afraid...):
        # at the start of a line or after a space, right before a letter.
        return char == "”" and before in "\n " and after.isalnum()
    return (before in _OPEN_BEFORE or before in OPENING) and not after.isspace()


def find_quoted_regions(
    text: str, paragraphs: list[Span], *, location: str | None = None
) -> tuple[list[QuotedRegion], list[Notice]]:
    """Find the quoted regions in the given paragraphs of ``text``.

    Args:
        text: The article text.
        paragraphs: Paragraph spans in text order (chrome excluded).
        location: The article's path, named in the warning about a paragraph with too
            many marks.

    Returns:
        The regions in text order, and warnings about unbalanced marks.
    """
    regions: list[QuotedRegion] = []
    notices: list[Notice] = []
    open_at: int | None = None
    previous_end = 0
    for index, (p_start, p_end) in enumerate(paragraphs):
        marks = [(m.start(), m.end()) for m in _MARK.finditer(text, p_start, p_end)]
        if len(marks) > MAX_QUOTE_MARKS:
            if open_at is not None:  # a quote continued from the paragraph before
                regions.append(QuotedRegion(open_at, previous_end, closed=False))
                notices.append(_unclosed(open_at))
                open_at = None
            notices.append(
                Notice(
                    "too_many_quote_marks",
                    (f"{location}: " if location else "")
                    + f"{len(marks):,} quotation marks in one paragraph (more than "
                    f"{MAX_QUOTE_MARKS:,}); its quotes were not looked for",
                    ((p_start, p_end),),
                )
            )
            previous_end = p_end
            continue
        previous_end = p_end
        if not marks and open_at is None:
            regions.extend(_single_quoted(text, p_start, p_end))
            continue
        for i, end in marks:
            mark = text[i:end]
            opening = _is_opening(text, i, end - i)
            if open_at is None:
                if opening:
                    open_at = i
                continue
            if opening and i == p_start:
                continue  # the opening mark of a continued multi-paragraph quote
            # "„" (German, Polish) is closed by "“", which elsewhere opens a quote.
            if not opening or mark in _STRAIGHTS or (mark == "“" and text[open_at] == "„"):
                regions.append(QuotedRegion(open_at, end))
                open_at = None
        if open_at is None:
            continue
        next_start = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else -1
        next_mark = _MARK.match(text, next_start) if next_start >= 0 else None
        next_starts_quote = (
            next_mark is not None
            and next_mark.group() not in CLOSING
            and _is_opening(text, next_start, next_mark.end() - next_start)
            and _same_style(text[open_at : open_at + 2], next_mark.group())
        )
        if next_starts_quote and open_at >= 0:
            continue  # the quote goes on in the next paragraph
        regions.append(QuotedRegion(open_at, p_end, closed=False))
        notices.append(_unclosed(open_at))
        open_at = None
    return regions, notices


def _same_style(opening: str, mark: str) -> bool:
    """Whether a paragraph's first mark continues a quote opened with ``opening``.

    A quote that runs on repeats its own opening mark at each new paragraph; a straight
    quote followed by a paragraph that opens with a curly one ("The first time ... then
    “It never crossed my mind,” she said) is an unclosed excerpt and a new quotation.
    """
    if opening.startswith(_STRAIGHTS):
        return mark in _STRAIGHTS
    return mark == opening[0]


def _single_quoted(text: str, start: int, end: int) -> list[QuotedRegion]:
    """Quotations in single curly marks (‘like this’) in a paragraph with no double marks.

    British and AP headline style. "’" is also the apostrophe: never a closing mark
    before a letter (Clinton’s, don’t); after a letter and before a space
    (Democrats’ plan) it closes only when no mark before punctuation (win,’ he said;
    system’.) closes the quotation before the next opening "‘". An opening mark without
    a closing one is left alone, with no warning: it is as often a stray apostrophe.
    """
    found: list[QuotedRegion] = []
    i = start
    while (opening := text.find(SINGLE_OPENING, i, end)) >= 0:
        i = opening + 1
        if not _is_opening(text, opening):
            continue
        limit = opening + 1
        while (limit := text.find(SINGLE_OPENING, limit, end)) >= 0 and not _is_opening(
            text, limit
        ):
            limit += 1
        limit = end if limit < 0 else limit
        closing = fallback = None
        j = opening + 1
        while (mark := text.find(SINGLE_CLOSING, j, limit)) >= 0:
            j = mark + 1
            before = text[mark - 1]
            after = text[mark + 1] if mark + 1 < len(text) else "\n"
            if before.isspace() or after.isalnum():
                continue  # an apostrophe: Clinton’s, don’t, ’90s
            if after in _CLOSE_BEFORE or before in ",.!?…" or mark + 1 >= end:
                closing = mark
                break
            if fallback is None:
                fallback = mark  # ’ between a letter and a space: the end, or Democrats’
        closing = closing if closing is not None else fallback
        if closing is not None:
            found.append(QuotedRegion(opening, closing + 1))
            i = closing + 1
    return found


def _unclosed(mark: int) -> Notice:
    return Notice(
        "unclosed_quote",
        "quotation mark opened and not closed before the end of the paragraph",
        ((mark, mark + 1),),
    )


def contains(region: Span, span: Span) -> bool:
    """Whether ``span`` lies inside ``region``."""
    return region[0] <= span[0] and span[1] <= region[1]
