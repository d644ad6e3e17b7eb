"""Recognising the parts of a scraped plain-text article: headline, site chrome, body.

Owns the ``Layout`` of a text: the headline (first line), the site name and
reading-time lines that scrapers leave at the top ("RKS NEWS", "2 Min Read"), repeated
chrome lines, a publication date printed in the header, and the body paragraphs that
the NLP stages should read. The text itself is never rewritten; everything is reported
as spans and metadata. Foreign-script words are flagged by ``onrecord.clean.scripts``.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from onrecord.clean.scripts import find_foreign_words
from onrecord.models import Layout, Span

_READING_TIME = re.compile(r"\b\d{1,3}\s*(?:-\s*)?(?:min(?:ute)?s?)\.?\s*(?:read|reading)\b", re.I)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_DATE_LINE = re.compile(
    r"\b(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d\d)\b"
    r"|\b(?P<iso>(?:19|20)\d\d-\d\d-\d\d)\b"
)
_SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]?\s*$")
_MAX_TITLE_WORDS = 30
_MAX_CHROME_WORDS = 8
_BODY_MIN_WORDS = 12


def iter_lines(text: str, max_chars: int | None = None) -> list[Span]:
    """Return the spans of the non-blank lines of ``text``, trimmed of outer whitespace.

    Args:
        text: The article text.
        max_chars: Look at the first this many characters only (a line running past
            them is cut there); None: all of them.

    Returns:
        One span per non-blank line, in order.
    """
    spans: list[Span] = []
    end = len(text) if max_chars is None else min(max_chars, len(text))
    for match in re.compile(r"[^\r\n]+").finditer(text, 0, end):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        spans.append((start, start + len(stripped)))
    return spans


def analyse_layout(
    text: str, *, headline_in_text: bool = True, max_chars: int | None = None
) -> Layout:
    """Find headline, site chrome, reading time, header date and body paragraphs.

    Args:
        text: The article text, exactly as decoded.
        headline_in_text: Whether the first line may be the headline (scraped text); an
            article body extracted from HTML or a feed has its headline elsewhere.
        max_chars: Look at the first this many characters only (the part that will be
            analysed; a paragraph running past them ends there); None: all of them.

    Returns:
        The layout; ``paragraphs`` excludes the headline and every chrome line.
    """
    lines = iter_lines(text, max_chars)
    layout = Layout()
    if not lines:
        return layout
    first = lines[0]
    first_text = text[first[0] : first[1]]
    rest = lines[1:]
    if headline_in_text and rest and _looks_like_title(first_text):
        layout.title = first_text
        layout.title_span = first
        lines = rest
    header = _header_lines(text, lines)
    _classify_chrome(text, header, layout)
    chrome = set(layout.boilerplate)
    layout.paragraphs = [span for span in lines if span not in chrome]
    layout.notices.extend(find_foreign_words(text if max_chars is None else text[:max_chars]))
    return layout


def published_date(text: str, layout: Layout) -> str | None:
    """Return an ISO date printed on a chrome line in the header, if there is one.

    Args:
        text: The article text.
        layout: The layout found by ``analyse_layout``.

    Returns:
        ``YYYY-MM-DD`` or None.
    """
    for start, end in layout.boilerplate:
        match = _DATE_LINE.search(text[start:end])
        if not match:
            continue
        if match.group("iso"):
            try:  # 2024-02-30 is no date
                return date.fromisoformat(match.group("iso")).isoformat()
            except ValueError:
                continue
        month = _MONTHS.get(match.group("month").lower()) or _month_abbreviation(
            match.group("month")
        )
        if month:
            try:
                return date(int(match.group("year")), month, int(match.group("day"))).isoformat()
            except ValueError:
                continue
    return None


def _month_abbreviation(word: str) -> int | None:
    word = word.lower()
    for name, number in _MONTHS.items():
        if len(word) >= 3 and name.startswith(word):
            return number
    return None


def _looks_like_title(line: str) -> bool:
    words = line.split()
    if len(words) > _MAX_TITLE_WORDS:
        return False
    # A long line ending like a sentence is the first paragraph of an untitled article.
    return not (len(words) > 15 and line.rstrip().endswith("."))


def _header_lines(text: str, lines: list[Span]) -> list[Span]:
    """The short lines before the first real paragraph: where scrapers leave chrome."""
    header: list[Span] = []
    for span in lines:
        line = text[span[0] : span[1]]
        if len(line.split()) >= _BODY_MIN_WORDS or _SENTENCE_END.search(line):
            break
        header.append(span)
    return header


def _classify_chrome(text: str, header: list[Span], layout: Layout) -> None:
    """Mark header lines that are site name, reading time, dates or repeats as chrome."""
    residues: dict[Span, str] = {}
    for span in header:
        line = text[span[0] : span[1]]
        reading = _READING_TIME.search(line)
        if reading and layout.reading_time is None:
            layout.reading_time = reading.group()
        residue = _READING_TIME.sub("", line).strip(" \t|·•-–—:")
        residues[span] = residue
    counts = Counter(r for r in residues.values() if r)
    repeated = [r for r, n in counts.items() if n > 1]
    if repeated:
        layout.site = max(repeated, key=lambda r: (counts[r], -len(r)))
    elif len(counts) == 1:
        only = next(iter(counts))
        # A lone all-caps line beside a reading time is a masthead, not a byline.
        if only.isupper() and layout.reading_time and not only.startswith("BY "):
            layout.site = only
    for span, residue in residues.items():
        line = text[span[0] : span[1]]
        short = len(line.split()) <= _MAX_CHROME_WORDS
        if (
            short
            and (
                not residue
                or residue == layout.site
                or counts[residue] > 1
                or _DATE_LINE.search(line)
            )
        ) or (short and _READING_TIME.search(line)):
            layout.boilerplate.append(span)
