"""Where statements reach: spans by start, and statements nested inside others.

Owns ``Reach`` (how far the spans that start up to a point run: whether a span lies
inside statements found already) and ``mark_nested`` (tagging a statement whose cue
lies inside another statement's content with a ``+nested`` rule key). Does not find
statements (see ``nlp.quotes.rules``) nor weigh them (``nlp.quotes.calibration``).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right

from onrecord.models import Span
from onrecord.nlp.quotes.attribution import Attribution


class Reach:
    """Spans by start, with the furthest end reached by those that start up to a point."""

    def __init__(self, spans: list[Span]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach = list(itertools.accumulate((e for _, e in ordered), max))

    def furthest_end(self, at: int) -> int:
        """The furthest end of the spans that start at or before ``at`` (-1 if none)."""
        index = bisect_right(self._starts, at)
        return self._reach[index - 1] if index else -1


def mark_nested(found: list[Attribution]) -> None:
    """Tag statements whose cue lies inside another statement's content.

    "She says it underscores that ...": annotators usually record only the outer
    statement, so the inner one gets a rule key of its own (``+nested``) and with it its
    own calibrated confidence.
    """
    # Fragments by start; for each prefix, the furthest end reached, and the furthest
    # reached by a statement other than that one: enough to tell whether some other
    # statement's fragment holds a cue.
    fragments = sorted((s, e, n) for n, a in enumerate(found) for s, e in a.content)
    starts = [s for s, _, _ in fragments]
    best: list[tuple[int, int]] = []  # (end, statement)
    runner_up: list[tuple[int, int]] = []  # furthest end of another statement than best's
    top, other = (-1, -1), (-1, -1)
    for _, end, number in fragments:
        if end > top[0]:
            if number != top[1]:
                other = top
            top = (end, number)
        elif number != top[1] and end > other[0]:
            other = (end, number)
        best.append(top)
        runner_up.append(other)
    for number, inner in enumerate(found):
        if not inner.cue:
            continue
        start, end = inner.cue[0]
        index = bisect_right(starts, start) - 1
        if index < 0:
            continue
        reach = best[index] if best[index][1] != number else runner_up[index]
        if reach[0] >= end:
            inner.rule += "+nested"
