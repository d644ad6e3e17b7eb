"""Quote provenance: one statement across reports, its first sighting and its variants."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import onrecord
from onrecord.query.provenance import word_diff
from onrecord.serve.cli import app
from onrecord.store.db import open_database
from onrecord.store.provenance import content_key, same_statement
from test_identity import article

ORIGINAL = "We cannot keep pumping out the same basements every winter"


def test_content_keys_ignore_case_punctuation_and_reporting_that() -> None:
    assert content_key('"We cannot keep pumping," … "out the same basements."') == (
        "we cannot keep pumping out the same basements"
    )
    assert content_key("that the wall would cut the town off") == "the wall would cut the town off"


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (ORIGINAL, True),
        ("We can't keep pumping out the same basements every winter", True),  # a word changed
        ("We cannot keep pumping out basements every winter", True),  # words dropped
        ("We cannot keep pumping out the same basements", True),  # a shorter excerpt
        ("We will build the wall along the old quay next year", False),
        ("basements", False),
    ],
)
def test_same_statement(other: str, same: bool) -> None:
    assert same_statement(content_key(ORIGINAL), content_key(other)) is same


def test_word_diff_shows_what_changed() -> None:
    variant = word_diff(ORIGINAL, "We can't keep pumping out basements every single winter.")
    assert variant.changed == [["cannot", "can't"]]
    assert variant.dropped == ["the same"]
    assert variant.added == ["single"]


@pytest.fixture
def reported(database_url: str) -> str:
    """The same statement in three outlets over three days, one of them misquoting it."""
    path = database_url
    wordings = [
        ("2026-03-12", "Gazette", ORIGINAL),
        ("2026-03-13", "Courier", "We can't keep pumping out the same basements every winter"),
        ("2026-03-11", "Herald", ORIGINAL),
        ("2026-03-14", "Gazette", "Nothing to do with it at all, we will see next year"),
    ]
    with open_database(path) as db:
        for published, site, wording in wordings:
            record = article([("Margaret Olsen", "chair")], published=published)
            record.site = site
            record.text = f"{wording}, said Margaret Olsen. ({site})"
            record.quotes[0].content = [(0, len(wording))]
            db.save_article(record)
    return path


def test_one_statement_listed_once_at_its_first_sighting(reported: str) -> None:
    with onrecord.Record(reported) as record:
        rows = record.quotes(speaker="olsen")
        assert len(rows) == 2
        statement = next(r for r in rows if r.occurrences == 3)
        assert statement.site == "Herald" and statement.published == "2026-03-11"
        assert statement.outlets == 3
        history = record.history(statement.quote_id)
        assert history is not None
        assert history.first.site == "Herald"
        assert [o.published for o in history.occurrences] == [
            "2026-03-11",
            "2026-03-12",
            "2026-03-13",
        ]
        assert len(history.variants) == 2
        assert history.variants[1].changed == [["cannot", "can't"]]
        assert record.history(10_000) is None


def test_quote_command(reported: str) -> None:
    runner = CliRunner()
    rows = [
        json.loads(line)
        for line in runner.invoke(
            app, ["quotes", "--db", reported, "-f", "jsonl"]
        ).stdout.splitlines()
    ]
    statement = next(r for r in rows if r["occurrences"] == 3)
    shown = runner.invoke(app, ["quote", str(statement["quote_id"]), "--db", reported])
    assert shown.exit_code == 0, shown.output
    assert "first seen 2026-03-11 in Herald" in shown.stdout
    assert "3 report(s) by 3 outlet(s)" in shown.stdout
    assert "cannot → can't" in shown.stdout
    as_json = runner.invoke(
        app, ["quote", str(statement["quote_id"]), "--db", reported, "-f", "json"]
    )
    (history,) = json.loads(as_json.stdout)
    assert history["outlets"] == 3 and len(history["occurrences"]) == 3
    missing = runner.invoke(app, ["quote", "999", "--db", reported])
    assert missing.exit_code == 2 and "no quote 999" in missing.stderr


def test_an_identical_copy_elsewhere_is_another_report(reported: str) -> None:
    with open_database(reported) as db:
        record = article([("Margaret Olsen", "chair")], published="2026-03-10")
        record.site = "Wire"
        record.text = f"{ORIGINAL}, said Margaret Olsen. (Herald)"
        record.path = "wire/copy.txt"
        record.quotes[0].content = [(0, len(ORIGINAL))]
        assert db.save_article(record).status == "copy"
    with onrecord.Record(reported) as stored:
        statement = next(r for r in stored.quotes(speaker="olsen") if r.occurrences > 1)
        assert statement.occurrences == 4 and statement.outlets == 4
        history = stored.history(statement.quote_id)
        assert history is not None and history.first.site == "Wire"
        assert history.first.published == "2026-03-10"


def test_an_outlet_filter_shows_that_outlets_report(reported: str) -> None:
    with onrecord.Record(reported) as record:
        (row,) = record.quotes(speaker="olsen", outlet="courier")
        assert row.site == "Courier" and "can't" in row.content_text
        assert row.occurrences == 3 and row.outlets == 3
        (earliest,) = record.quotes(speaker="olsen", about="basements")
        assert earliest.site == "Herald"
