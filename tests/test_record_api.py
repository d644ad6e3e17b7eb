"""The stored record through the Python API and the command line: same answers from both."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pandas
import pytest
from typer.testing import CliRunner

import onrecord
from onrecord.models import Entity
from onrecord.serve.cli import app
from onrecord.store.db import open_database
from test_identity import article


@pytest.fixture
def news_db(database_url: str) -> str:
    path = database_url
    with open_database(path) as db:
        first = article(
            [("Mark Rutte", "Prime Minister of the Netherlands")],
            context=("Netherlands",),
            published="2023-03-01",
        )
        first.site = "Dutch Daily"
        first.text = "Mark Rutte said the Dutch economy is strong and Ukraine must win."
        first.quotes[0].content = [(16, 64)]
        first.quotes[0].type = "indirect"
        db.save_article(first)
        second = article(
            [("Mark Rutte", "NATO Secretary General"), ("Jens Berg", "analyst")],
            context=("NATO", "Ukraine"),
            published="2025-06-24",
        )
        second.site = "Alliance Post"
        second.text = "Rutte said Ukraine needs security guarantees. Berg said costs rise."
        second.quotes[0].content = [(11, 44)]
        second.quotes[0].type = "indirect"
        second.quotes[1].content = [(56, 66)]
        second.quotes[1].type = "direct"
        db.save_article(second)
        third = article(
            [("Rutte", "NATO chief")], context=("NATO", "Ukraine"), published="2025-07-01"
        )
        third.text = "Rutte said allies must spend more on defence this year."
        third.quotes[0].content = [(11, 54)]
        third.quotes[0].type = "mixed"
        third.entities.append(Entity("Kyiv", "GPE", "Kyiv", [], []))
        db.save_article(third)
    return path


def test_python_api_filters(news_db: str) -> None:
    with onrecord.Record(news_db) as record:
        everything = record.quotes()
        assert len(everything) == 4
        rutte = record.quotes(speaker="rutte")
        assert {q.speaker for q in rutte} == {"Mark Rutte"} and len(rutte) == 3
        assert {q.content_text for q in record.quotes(speaker="rutte", about="ukraine")} == {
            "Ukraine needs security guarantees",
            "the Dutch economy is strong and Ukraine must win",
        }
        assert len(record.quotes(role="secretary general")) == 1
        assert len(record.quotes(outlet="alliance")) == 2
        assert len(record.quotes(since="2025-01-01")) == 3
        assert len(record.quotes(until="2023")) == 1
        assert len(record.quotes(since="2025-06-24", until="2025-06-24")) == 2
        assert len(record.quotes(mentions="kyiv")) == 1
        assert [q.speaker for q in record.quotes(type="direct")] == ["Jens Berg"]
        with pytest.raises(ValueError, match="ISO 8601"):
            record.quotes(since="last week")
        (person,) = record.speakers(search="rutte")
        assert person.name == "Mark Rutte" and person.quotes == 3
        assert set(person.aliases) == {"Mark Rutte", "Rutte"}
        roles = {r.role: (r.first, r.last) for r in person.roles}
        assert roles["Prime Minister of the Netherlands"] == ("2023-03-01", "2023-03-01")
        assert roles["NATO Secretary General"] == ("2025-06-24", "2025-06-24")


def test_cli_and_api_agree(news_db: str) -> None:
    result = CliRunner().invoke(
        app, ["quotes", "--db", news_db, "--speaker", "rutte", "--about", "ukraine", "-f", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    cli_ids = [json.loads(line)["quote_id"] for line in result.stdout.splitlines()]
    with onrecord.Record(news_db) as record:
        assert cli_ids == [q.quote_id for q in record.quotes(speaker="rutte", about="ukraine")]
    bad = CliRunner().invoke(app, ["quotes", "--db", news_db, "--since", "soon"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.stderr


def test_speakers_merge_and_split_commands(news_db: str) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["speakers", "--db", news_db, "-f", "jsonl"])
    names = [json.loads(line)["name"] for line in listed.stdout.splitlines()]
    assert names == ["Mark Rutte", "Jens Berg"]
    split = runner.invoke(
        app,
        [
            "split-speaker",
            "Mark Rutte",
            "--when",
            "Prime Minister",
            "--as",
            "Mark Rutte (PM)",
            "--db",
            news_db,
        ],
    )
    assert split.exit_code == 0, split.output
    assert "1 quote(s) of Mark Rutte given to Mark Rutte (PM)" in split.stderr
    merged = runner.invoke(
        app, ["merge-speakers", "Mark Rutte (PM)", "Mark Rutte", "--db", news_db]
    )
    assert merged.exit_code == 0, merged.output
    unknown = runner.invoke(app, ["merge-speakers", "Nobody", "Mark Rutte", "--db", news_db])
    assert unknown.exit_code == 2 and "no speaker called 'Nobody'" in unknown.stderr
    missing = runner.invoke(app, ["speakers", "--db", str(Path(news_db).with_name("none.db"))])
    assert missing.exit_code == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_each_table(news_db: str, tmp_path: Path, fmt: str) -> None:
    runner = CliRunner()
    for table in ("quotes", "speakers", "articles", "entities"):
        out = tmp_path / f"{table}.{fmt}"
        result = runner.invoke(app, ["export", table, "--db", news_db, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.exists()
    quotes = tmp_path / f"quotes.{fmt}"
    if fmt == "parquet":
        frame = pandas.read_parquet(quotes)
        assert len(frame) == 4 and set(frame["speaker"]) == {"Mark Rutte", "Jens Berg"}
        counted = duckdb.sql(
            f"SELECT speaker, count(*) FROM read_parquet('{quotes}') GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert counted == [("Jens Berg", 1), ("Mark Rutte", 3)]
        aliases = duckdb.sql(
            f"SELECT aliases FROM read_parquet('{tmp_path / 'speakers.parquet'}') WHERE name = 'Mark Rutte'"
        ).fetchall()
        assert set(aliases[0][0]) == {"Mark Rutte", "Rutte"}
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(quotes.read_text(encoding="utf-8"))))
        assert len(rows) == 4
        assert len(pandas.read_csv(tmp_path / "articles.csv")) == 3
    else:
        rows = [json.loads(line) for line in quotes.read_text(encoding="utf-8").splitlines()]
        assert len(rows) == 4 and {"speaker", "content_text", "outlets"} <= set(rows[0])


def test_export_with_filters_to_stdout(news_db: str) -> None:
    result = CliRunner().invoke(
        app,
        [
            "export",
            "quotes",
            "--db",
            news_db,
            "--speaker",
            "rutte",
            "--since",
            "2025-01-01",
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and {r["speaker"] for r in rows} == {"Mark Rutte"}
    articles = CliRunner().invoke(app, ["export", "articles", "--db", news_db, "--outlet", "dutch"])
    (only,) = [json.loads(line) for line in articles.stdout.splitlines()]
    assert only["site"] == "Dutch Daily" and only["quotes"] == 1


def test_article_search(news_db: str) -> None:
    with onrecord.Record(news_db) as record:
        found = record.articles(about="economy")
        assert [a.site for a in found] == ["Dutch Daily"]
        assert found[0].quotes == 1 and "[economy]" in (found[0].snippet or "")
        assert len(record.articles()) == 3
        assert [a.published for a in record.articles(since="2025-01-01")] == [
            "2025-07-01",
            "2025-06-24",
        ]
        assert len(record.articles(mentions="kyiv")) == 1
        assert record.articles(about="nothing-like-this") == []
    listed = CliRunner().invoke(
        app, ["articles", "--db", news_db, "--about", "ukraine", "-f", "jsonl"]
    )
    assert listed.exit_code == 0, listed.output
    assert len([json.loads(line) for line in listed.stdout.splitlines()]) == 2
