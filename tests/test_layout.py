"""Scraped-text clean-up: headline, site chrome, reading time, foreign-script words."""

from __future__ import annotations

from onrecord.clean.layout import analyse_layout, published_date
from onrecord.clean.scripts import find_foreign_words

BODY = "The council said on Monday that the harbour wall would be rebuilt before the winter storms arrive."


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_masthead_reading_time_and_date_are_chrome() -> None:
    text = f"Wall To Be Rebuilt\n\nDAILY TIDE\nDAILY TIDE | 3 min read\nMarch 4, 2025\n\n{BODY}\n"
    layout = analyse_layout(text)
    assert layout.title == "Wall To Be Rebuilt"
    assert layout.site == "DAILY TIDE"
    assert layout.reading_time == "3 min read"
    assert _texts(text, layout.boilerplate) == [
        "DAILY TIDE",
        "DAILY TIDE | 3 min read",
        "March 4, 2025",
    ]
    assert _texts(text, layout.paragraphs) == [BODY]
    assert published_date(text, layout) == "2025-03-04"


def test_plain_article_has_no_chrome() -> None:
    text = f"Wall To Be Rebuilt\n\n{BODY}\n\nThe mayor agreed.\n"
    layout = analyse_layout(text)
    assert layout.title == "Wall To Be Rebuilt"
    assert layout.site is None and layout.boilerplate == [] and layout.reading_time is None
    assert len(layout.paragraphs) == 2


def test_byline_is_not_a_site() -> None:
    text = f"Wall To Be Rebuilt\n\nBy Jane Roe\n\n{BODY}\n"
    layout = analyse_layout(text)
    assert layout.site is None
    assert "By Jane Roe" in _texts(text, layout.paragraphs)


def test_untitled_article_starting_with_a_sentence() -> None:
    text = BODY + " " + BODY + "\n\nMore text follows here.\n"
    layout = analyse_layout(text)
    assert layout.title is None
    assert layout.paragraphs[0][0] == 0


def test_text_is_never_rewritten() -> None:
    text = "  Title  \r\n\r\nSITE\r\nSITE 2 Min Read\r\n\r\n" + BODY + "\r\n"
    layout = analyse_layout(text)
    assert layout.title == "Title"
    for start, end in layout.paragraphs + layout.boilerplate:
        assert text[start:end] == text[start:end].strip()


def test_foreign_word_in_english_is_flagged_with_offsets() -> None:
    text = "Talks held in Brussels במסגרת the summit and Москва too, but café and naïve are fine."
    notices = find_foreign_words(text)
    assert [text[s:e] for n in notices for s, e in n.spans] == ["במסגרת", "Москва"]
    assert "Hebrew" in notices[0].message and "Cyrillic" in notices[1].message


def test_text_mostly_in_another_script_is_not_flagged_word_by_word() -> None:
    assert find_foreign_words("Министр сказал, что бюджет сбалансирован, NATO.") == []
