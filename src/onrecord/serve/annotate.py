"""Turning an article's text and its quote spans into highlighted, accessible HTML.

Owns ``annotate``: the text cut at every span boundary, each piece escaped and wrapped
in ``<mark>`` (what was said, coloured by speaker, with the speaker, cue and confidence
in its title and aria label), ``<b class="cue">`` and ``<u class="source">``; paragraphs
become ``<p>``. Used by the article and extract pages; the data comes from
``query.articles`` or an extract record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

PALETTE = 8
"""Speakers are coloured with this many classes (``s0`` .. ``s7``), in order of appearance."""


@dataclass(frozen=True)
class Highlight:
    """One quote to show: its spans and what to say about it."""

    quote_id: int | None
    speaker: str | None
    cue_text: str | None
    confidence: float
    type: str
    content: Sequence[Sequence[int]]
    cue: Sequence[Sequence[int]]
    source: Sequence[Sequence[int]]


def annotate(text: str, highlights: Sequence[Highlight]) -> Markup:
    """The text as HTML paragraphs with every quote highlighted.

    Args:
        text: The article text (all offsets index it).
        highlights: The quotes.

    Returns:
        Safe HTML.
    """
    colours: dict[str, int] = {}
    marks: list[tuple[int, int, str, str]] = []  # start, end, open tag, close tag
    for quote in highlights:
        key = quote.speaker or "?"
        colour = colours.setdefault(key, len(colours) % PALETTE)
        label = (
            f"{quote.speaker or 'unknown speaker'} ({quote.type}, cue “{quote.cue_text or '—'}”, "
            f"confidence {quote.confidence:.2f})"
        )
        anchor = f' id="q{quote.quote_id}"' if quote.quote_id is not None else ""
        for n, (start, end) in enumerate(quote.content):
            marks.append(
                (
                    int(start),
                    int(end),
                    f'<mark class="quote s{colour}" tabindex="0" title="{escape(label)}" '
                    f'aria-label="{escape(label)}" data-speaker="{escape(key)}"'
                    f"{anchor if n == 0 else ''}>",
                    "</mark>",
                )
            )
        marks += [(int(s), int(e), '<b class="cue">', "</b>") for s, e in quote.cue]
        marks += [
            (int(s), int(e), f'<u class="source s{colour}">', "</u>") for s, e in quote.source
        ]
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    pieces: list[str] = []
    for start, end in pairwise(cuts):
        if start >= end:
            continue
        active = [m for m in marks if m[0] <= start and end <= m[1]]
        active.sort(key=lambda m: (m[0], -m[1]))
        chunk = str(escape(text[start:end])).replace("\n\n", "</p><p>").replace("\n", "<br>")
        pieces.append(
            "".join(m[2] for m in active) + chunk + "".join(m[3] for m in reversed(active))
        )
    return Markup("<p>" + "".join(pieces) + "</p>")


def highlight_snippet(snippet: str) -> Markup:
    """An FTS snippet with its ``[match]`` brackets as ``<mark>``."""
    return Markup(str(escape(snippet)).replace("[", '<mark class="hit">').replace("]", "</mark>"))
