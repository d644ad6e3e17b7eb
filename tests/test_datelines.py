"""Datelines at the start of a wire story (``onrecord.nlp.quotes.datelines``)."""

from __future__ import annotations

import pytest

from onrecord.nlp.quotes.datelines import after_dateline, dateline_end, without_dateline


@pytest.mark.parametrize(
    "dateline",
    [
        "WASHINGTON — ",
        "WASHINGTON -- ",
        "NEW YORK (AP) — ",
        "LONDON (Reuters) - ",
        "MANCHESTER, N.H. - ",
        "TRENTON, N.J. (AP) — ",
        "FLINT, Mich., Oct. 4 (UPI) — ",
        "MEXICO CITY - ",
    ],
)
def test_datelines_are_recognised(dateline: str) -> None:
    text = f"Headline\n{dateline}The mayor said the harbour would open."
    start = text.index(dateline)
    assert dateline_end(text, start) == start + len(dateline)
    assert dateline_end(text, start + 3) == start + len(dateline)
    assert dateline_end(text, start + len(dateline)) is None


@pytest.mark.parametrize(
    "line",
    [
        "The mayor - who had been away - said it.",
        "Washington — the city, not the state — voted.",
        "IT was over.",
        "US-backed forces said they had taken the town.",
    ],
)
def test_ordinary_lines_have_no_dateline(line: str) -> None:
    assert dateline_end(line, 0) is None


@pytest.mark.parametrize(
    "dateline", ["Indianapolis – ", "San Francisco, Calif. — ", "Kyiv (AP) - ", "New York -- "]
)
def test_title_case_datelines_near_the_top(dateline: str) -> None:
    text = f"Teachers rally at the Statehouse\n{dateline}Several thousand teachers rallied."
    start = text.index(dateline)
    assert dateline_end(text, start) == start + len(dateline)
    far = "Headline\n" + "A paragraph of the story.\n" * 40 + dateline + "Teachers rallied."
    assert dateline_end(far, far.index(dateline)) is None  # too far down for a dateline


def test_a_title_case_aside_is_no_dateline() -> None:
    text = "Headline\nWashington — the city, not the state — voted on Tuesday."
    assert dateline_end(text, text.index("Washington")) is None
    text = "Indianapolis – Several thousand teachers rallied."  # the first line: a headline
    assert dateline_end(text, 0) is None


def test_fragments_start_after_the_dateline() -> None:
    text = "BRUSSELS - European leaders said the talks would go on."
    source = [(0, text.index(" said"))]
    assert [text[s:e] for s, e in after_dateline(text, source)] == ["European leaders"]
    wholly_inside = [(0, len("BRUSSELS"))]
    assert after_dateline(text, wholly_inside) == []
    later = [(text.index("European"), text.index(" said"))]
    assert after_dateline(text, later) == later
    assert after_dateline(text, []) == []


def test_a_source_head_inside_the_dateline_is_dropped() -> None:
    text = "LONDON (Reuters) - The bank said on Monday that rates would rise."
    content = [(text.index("that rates"), len(text) - 1)]
    agency = [(0, text.index(")"))]
    assert without_dateline(text, content, agency, 0) == (content, [], False)
    leaders = [(0, text.index(" said"))]
    the_bank = [(text.index("The bank"), text.index(" said"))]
    assert without_dateline(text, content, leaders, text.index("bank")) == (
        content,
        the_bank,
        True,
    )
    assert without_dateline(text, content, leaders, 0)[2] is False
    assert without_dateline(text, content, the_bank, text.index("bank")) == (
        content,
        the_bank,
        True,
    )
