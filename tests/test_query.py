from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onrecord.models import ArticleRecord, Quote, Span
from onrecord.query.quotes import QuoteRow, find_quotes, fts_query
from onrecord.store.db import Database, open_database

BERG_TEXT = (
    "Berg pledges more money for rural schools\n"
    "\n"
    "Education minister Anna Berg said rural schools would receive more funding next year. "
    '"Every child deserves a good school close to home," Berg said. '
    '"We will not close another village school," she added. '
    "A spokesperson said the budget was final.\n"
)

OKAFOR_TEXT = (
    "Opposition scoffs at school plan\n"
    "\n"
    '"Schools, schools, schools: that is all we hear," Tom Okafor said. '
    '"The minister promises schools, but she closes hospitals," the opposition leader added. '
    '"Ólafur is right about NATO," said Ólafur Ragnarsson\'s colleague Okafor.\n'
)


def at(text: str, fragment: str) -> Span:
    start = text.index(fragment)
    return (start, start + len(fragment))


def quote(text: str, fragment: str, speaker: str | None, role: str | None = None) -> Quote:
    return Quote(content=[at(text, fragment)], speaker=speaker, speaker_role=role)


def berg_record() -> ArticleRecord:
    t = BERG_TEXT
    return ArticleRecord(
        path="berg.txt",
        text=t,
        title="Berg pledges more money for rural schools",
        site="Daily Example",
        published="2024-03-01",
        quotes=[
            Quote(
                content=[at(t, "rural schools would receive more funding next year")],
                cue=[at(t, "said")],
                source=[at(t, "Anna Berg")],
                speaker="Anna Berg",
                speaker_role="Education minister",
                type="indirect",
                confidence=0.8,
            ),
            quote(t, "Every child deserves a good school close to home,", "Anna Berg"),
            quote(t, "We will not close another village school,", "Anna Berg"),
            quote(t, "the budget was final", None),
        ],
    )


def okafor_record() -> ArticleRecord:
    t = OKAFOR_TEXT
    return ArticleRecord(
        path="okafor.txt",
        text=t,
        title="Opposition scoffs at school plan",
        published="2024-04-10",
        quotes=[
            quote(t, "Schools, schools, schools: that is all we hear,", "Tom Okafor", "leader"),
            quote(t, "The minister promises schools, but she closes hospitals,", "Tom Okafor"),
            quote(t, "Ólafur is right about NATO,", "Ólafur Ragnarsson"),
        ],
    )


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    with open_database(database_url) as database:
        # Saved newest first, so that the date order below is not just insertion order.
        database.save_article(okafor_record())
        database.save_article(berg_record())
        yield database


def test_no_filter_orders_by_date_then_position(db: Database) -> None:
    rows = find_quotes(db)
    assert [r.content_text for r in rows] == [
        "rural schools would receive more funding next year",
        "Every child deserves a good school close to home,",
        "We will not close another village school,",
        "the budget was final",
        "Schools, schools, schools: that is all we hear,",
        "The minister promises schools, but she closes hospitals,",
        "Ólafur is right about NATO,",
    ]
    assert all(r.snippet is None for r in rows)
    first = rows[0]
    assert (first.speaker, first.speaker_role, first.type, first.confidence) == (
        "Anna Berg",
        "Education minister",
        "indirect",
        0.8,
    )
    assert (first.cue_text, first.source_text) == ("said", "Anna Berg")
    assert (first.article_title, first.article_path, first.site, first.published) == (
        "Berg pledges more money for rural schools",
        "berg.txt",
        "Daily Example",
        "2024-03-01",
    )
    assert rows[3].speaker is None
    assert rows[3].cue_text is None


def test_limit(db: Database) -> None:
    assert len(find_quotes(db, limit=2)) == 2
    with pytest.raises(ValueError, match="limit"):
        find_quotes(db, limit=0)


def test_speaker_filter_is_case_insensitive_substring(db: Database) -> None:
    assert {r.speaker for r in find_quotes(db, speaker="berg")} == {"Anna Berg"}
    assert len(find_quotes(db, speaker="BERG")) == 3
    assert [r.speaker for r in find_quotes(db, speaker="okafor")] == ["Tom Okafor"] * 2
    # Non-ASCII case folding, which SQLite's LIKE would miss.
    assert [r.speaker for r in find_quotes(db, speaker="ólafur")] == ["Ólafur Ragnarsson"]
    assert find_quotes(db, speaker="nobody") == []
    assert find_quotes(db, speaker="%") == []
    assert len(find_quotes(db, speaker="  ")) == 7


def test_search_finds_and_ranks(db: Database) -> None:
    rows = find_quotes(db, search="schools")
    # Porter stemming: "school" and "schools" both match; the threefold one ranks first.
    assert rows[0].content_text == "Schools, schools, schools: that is all we hear,"
    assert {r.content_text for r in rows} == {
        "Schools, schools, schools: that is all we hear,",
        "The minister promises schools, but she closes hospitals,",
        "rural schools would receive more funding next year",
        "Every child deserves a good school close to home,",
        "We will not close another village school,",
    }
    assert [r.content_text for r in find_quotes(db, search="village school")] == [
        "We will not close another village school,"
    ]
    assert find_quotes(db, search="hospital")[0].speaker == "Tom Okafor"
    assert find_quotes(db, search="submarine") == []


def test_search_snippet_highlights(db: Database) -> None:
    (row,) = find_quotes(db, search="hospitals")
    assert row.snippet is not None
    assert "[hospitals]" in row.snippet
    assert row.snippet.replace("[", "").replace("]", "") in row.content_text


def test_search_combined_with_speaker(db: Database) -> None:
    rows = find_quotes(db, speaker="berg", search="school")
    assert {r.speaker for r in rows} == {"Anna Berg"}
    assert len(rows) == 3


def test_prefix_search(db: Database) -> None:
    assert [r.content_text for r in find_quotes(db, search="hosp*")] == [
        "The minister promises schools, but she closes hospitals,"
    ]


def test_search_ignores_diacritics(db: Database) -> None:
    assert len(find_quotes(db, search="olafur")) == 1


@pytest.mark.parametrize(
    "hostile",
    [
        'NATO"',
        "AND (",
        "-x",
        '"',
        '""""',
        "NEAR(",
        "*",
        "a OR",
        "NOT",
        "content_text:foo",
        "^start",
        "') DROP TABLE quotes; --",
        "schools\"'",
        "\x00",
        "((((",
        "a + b",
        "{col}",
    ],
)
def test_hostile_search_does_not_raise(db: Database, hostile: str) -> None:
    assert isinstance(find_quotes(db, search=hostile), list)
    assert db.counts()["quotes"] == 7


def test_hostile_term_still_matches_its_word(db: Database) -> None:
    assert [r.content_text for r in find_quotes(db, search='NATO"')] == [
        "Ólafur is right about NATO,"
    ]


def test_fts_query_quotes_every_term() -> None:
    assert fts_query("hello world") == '"hello" "world"'
    assert fts_query('NATO"') == '"NATO"""'
    assert fts_query("AND (") == '"AND"'
    assert fts_query("-x") == '"-x"'
    assert fts_query("scho*") == '"scho"*'
    assert fts_query("( ) *") is None
    assert fts_query("") is None


def test_to_dict(db: Database) -> None:
    row = find_quotes(db, search="village")[0]
    data = row.to_dict()
    assert list(data) == list(QuoteRow.__dataclass_fields__)
    assert data["snippet"] == "We will not close another [village] school,"
    assert data["speaker"] == "Anna Berg"


def test_query_after_reopen(tmp_path: Path) -> None:
    path = tmp_path / "onrecord.db"
    with open_database(path) as database:
        database.save_article(berg_record())
    with open_database(path) as database:
        assert [r.speaker for r in find_quotes(database, search="village")] == ["Anna Berg"]
