"""Pairing quotation marks into quoted regions (``onrecord.nlp.quotes.marks``).

All texts are invented for the test; no parse is needed at this level.
"""

from __future__ import annotations

import re
import time

import pytest

from onrecord.models import Span
from onrecord.nlp.quotes.marks import QuotedRegion, contains, find_quoted_regions


def paragraphs_of(text: str) -> list[Span]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def regions(text: str) -> tuple[list[str], list[str]]:
    found, notices = find_quoted_regions(text, paragraphs_of(text))
    return [text[r.start : r.end] for r in found], [n.code for n in notices]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"We were there," he said.', ['"We were there,"']),
        ("“We were there,” he said.", ["“We were there,”"]),
        ("«We were there», he said.", ["«We were there»"]),
        ("„We were there“, he said.", ["„We were there“"]),
        (
            '"We were there," he said, "and we will be back."',
            ['"We were there,"', '"and we will be back."'],
        ),
        ("He called the plan “bold” and “costly”.", ["“bold”", "“costly”"]),
        ('He said: "The port is open."', ['"The port is open."']),
        ('("The port is open.")', ['"The port is open."']),
        # archive text with two apostrophes for a straight double quote
        (
            "''It's open,'' he said. ''We'll stay.'' The Smiths' boat left.",
            ["''It's open,''", "''We'll stay.''"],
        ),
        ("He called it ''bold'' and 'costly'.", ["''bold''"]),
        # British and AP-headline style: single curly marks
        ("‘We will rebuild the pier,’ she said.", ["‘We will rebuild the pier,’"]),
        ("The mayor called it a ‘bold gamble’ on Tuesday.", ["‘bold gamble’"]),
        ("It is ‘the heart of this city.’", ["‘the heart of this city.’"]),
        # an apostrophe after a plural inside the quote does not close it
        ("‘The Democrats’ plan is dead,’ he said.", ["‘The Democrats’ plan is dead,’"]),
        # nor does it pair two quotations into one
        ("A ‘bold gamble’ and a ‘bad deal’.", ["‘bold gamble’", "‘bad deal’"]),
        # apostrophes alone are no quotation: Clinton’s, don’t, the ’90s
        ("Clinton’s plan, don’t worry, dates from the ’90s.", []),
        # an opening mark that is never closed is left alone, without a warning
        ("The ‘plan was dropped.", []),
    ],
)
def test_balanced_marks(text: str, expected: list[str]) -> None:
    assert regions(text) == (expected, [])


def test_multi_sentence_quote_is_one_region() -> None:
    text = "“We will rebuild. It will take years. Nobody should doubt it,” she said."
    assert regions(text) == (["“We will rebuild. It will take years. Nobody should doubt it,”"], [])


@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_multi_paragraph_quote_is_one_region(separator: str) -> None:
    text = separator.join(
        ["“The first phase starts now.", "“The second follows.", "“The third ends it,” she said."]
    )
    assert regions(text) == ([text[: text.index(" she")]], [])


def test_straight_excerpt_does_not_run_into_a_curly_quote() -> None:
    # A pasted excerpt opens each paragraph with a straight mark and never closes; the
    # paragraph after it that opens with a curly mark is a quotation of its own.
    text = "\n".join(
        [
            '"The first time she saw the harbour, she was ten.',
            '"Maria thought the plan was outrageous.',
            "“It never crossed my mind,” she said.",
        ]
    )
    found, notices = find_quoted_regions(text, paragraphs_of(text))
    assert [text[r.start : r.end] for r in found] == [
        text[: text.index("\n“")],
        "“It never crossed my mind,”",
    ]
    assert [r.closed for r in found] == [False, True]
    assert [n.code for n in notices] == ["unclosed_quote"]


@pytest.mark.parametrize(
    "text",
    [
        "Democrats’ objections date from the ’90s.",
        "The workers' union met in the '80s.",
        "Nobody’s plan worked; the mayor’s did not either.",
        "Rock ’n’ roll returned to the harbour.",
    ],
)
def test_apostrophes_never_open_quotes(text: str) -> None:
    assert regions(text) == ([], [])


def test_unclosed_mark_stops_at_paragraph_end_with_warning() -> None:
    text = "Officials said the plan was “ambitious and costly.\nThe next paragraph stays outside."
    found, notices = find_quoted_regions(text, paragraphs_of(text))
    assert [text[r.start : r.end] for r in found] == ["“ambitious and costly."]
    assert found[0].closed is False
    assert [n.code for n in notices] == ["unclosed_quote"]
    assert [text[s:e] for s, e in notices[0].spans] == ["“"]


def test_unclosed_mark_does_not_pair_with_a_later_paragraph() -> None:
    text = 'He said "the plan was costly.\nLater she wrote: "We agree."'
    found, notices = find_quoted_regions(text, paragraphs_of(text))
    assert [text[r.start : r.end] for r in found] == ['"the plan was costly.', '"We agree."']
    assert [n.code for n in notices] == ["unclosed_quote"]


def test_thousand_stray_marks_finish_fast() -> None:
    marks = ['"', "“", "”", "«", "»", "„", "’"]
    text = "\n".join(
        " ".join(f"w{i} {marks[(i * 3 + j) % len(marks)]}" for i in range(50)) for j in range(20)
    )
    assert sum(text.count(m) for m in marks) == 1000
    started = time.perf_counter()
    found, _notices = find_quoted_regions(text, paragraphs_of(text))
    assert time.perf_counter() - started < 1
    for region in found:
        assert 0 <= region.start < region.end <= len(text)
    assert all(not contains(a.span, b.span) for a in found for b in found if a is not b)


def test_region_span_property() -> None:
    assert QuotedRegion(3, 9).span == (3, 9)
    assert contains((0, 10), (2, 5))
    assert not contains((2, 5), (0, 10))


def test_closing_mark_typed_as_opening_mark() -> None:
    text = "”Fear. I am truly afraid of what comes next.” ― Edwin Monroy\n"
    regions, notices = find_quoted_regions(text, [(0, len(text) - 1)])
    assert [text[r.start : r.end] for r in regions] == [
        "”Fear. I am truly afraid of what comes next.”"
    ]
    assert notices == []


def test_single_marks_inside_a_paragraph_with_double_marks_are_not_paired() -> None:
    # “... ‘nested’ ...”: the double marks are the quotation; the single ones nest in it
    text = "“She called it ‘a disgrace,’ and left,” he said."
    assert regions(text) == (["“She called it ‘a disgrace,’ and left,”"], [])
