"""Re-using one copy's extraction for the other copies of a syndicated story.

Owns ``carry_over``: given the record extracted from the first copy of a story and the
document of another copy (same wire text, other site chrome), it moves every quote and
entity span onto the other copy's text — the same offsets when the texts are identical,
else the occurrence of the same words nearest to where they were. A quote any of whose
spans cannot be found in the copy is left out of it. Finding copies is
``clean.duplicates``; running the extractors is ``nlp.pipeline``.
"""

from __future__ import annotations

from dataclasses import replace

from onrecord.models import ArticleRecord, Entity, Quote, Span


def carry_over(first: ArticleRecord, copy_text: str) -> tuple[list[Quote], list[Entity], int]:
    """Move a record's quotes and entities onto another copy of the same story.

    Args:
        first: The record of the copy that was extracted.
        copy_text: The text of the other copy.

    Returns:
        The quotes and entities with spans into ``copy_text``, and the number of quotes
        that could not be placed (left out).
    """
    if copy_text == first.text:
        return (
            [replace(q) for q in first.quotes],
            [replace(e) for e in first.entities],
            0,
        )
    anchor = _Anchor(first.text, copy_text)
    quotes: list[Quote] = []
    lost = 0
    for quote in first.quotes:
        content = anchor.spans(quote.content)
        cue = anchor.spans(quote.cue)
        source = anchor.spans(quote.source)
        if content is None or cue is None or source is None:
            lost += 1
            continue
        quotes.append(replace(quote, content=content, cue=cue, source=source))
    entities: list[Entity] = []
    for entity in first.entities:
        spans = [s for s in (anchor.span(span) for span in entity.spans) if s is not None]
        if spans:
            entities.append(replace(entity, spans=spans))
    return quotes, entities, lost


class _Anchor:
    """Finds where a span of one text lies in a near-identical other text.

    Copies differ mostly by chrome added or removed around the shared text, so the
    offset shift is locally constant: each span is looked for nearest to its old start
    plus the shift of the last long span placed (content before its cue and source).
    """

    _LONG = 20

    def __init__(self, old: str, new: str) -> None:
        self.old = old
        self.new = new
        self.shift = 0

    def spans(self, spans: list[Span]) -> list[Span] | None:
        placed = [self.span(span) for span in sorted(spans, key=lambda s: -(s[1] - s[0]))]
        if any(p is None for p in placed):
            return None
        return sorted(p for p in placed if p is not None)

    def span(self, span: Span) -> Span | None:
        start, end = span
        needle = self.old[start:end]
        if not needle:
            return None
        expected = start + self.shift
        # the nearest occurrence on either side (the earlier one on a tie), without
        # walking every occurrence before it: a word repeated 100,000 times is no wait
        before = self.new.rfind(needle, 0, expected + len(needle)) if expected >= 0 else -1
        after = self.new.find(needle, max(expected + 1, 0))
        if before == -1 and after == -1:
            return None
        if before == -1 or (after != -1 and after - expected < expected - before):
            best = after
        else:
            best = before
        if len(needle) >= self._LONG:
            self.shift = best - start
        return (best, best + len(needle))
