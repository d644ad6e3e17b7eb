"""Every input format through the command line: HTML, feeds, WARC, JSONL, copies, languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import HARBOUR_HTML, STORY, html_page, write_feed, write_jsonl, write_warc
from onrecord.serve.cli import app

GERMAN = [
    "Der Bürgermeister der Stadt hat am Montag angekündigt, dass die neue Brücke im Mai "
    "eröffnet wird, obwohl die Bauarbeiten länger gedauert haben als geplant.",
    '„Wir sind sehr zufrieden mit dem Ergebnis", sagte er vor Journalisten im Rathaus. '
    "Die Opposition kritisierte die hohen Kosten des Projekts scharf.",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _records(output: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _quote_texts(record: dict) -> list[str]:  # type: ignore[type-arg]
    text = record["text"]
    return [" … ".join(text[s:e] for s, e in q["content"]) for q in record["quotes"]]


def test_extract_html_keeps_metadata_and_offsets_index_the_body(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(HARBOUR_HTML)])
    assert result.exit_code == 0, result.output
    (record,) = _records(result.stdout)
    assert record["url"] == "https://gazette.example.org/news/2026/03/harbour-flood-wall"
    assert record["authors"] == ["Priya Raman"]
    assert record["published"] == "2026-03-14"
    assert record["language"] == "en"
    assert record["site"] == "The Eastport Gazette"
    assert record["title"] == "Harbour council backs flood wall after long debate"
    assert record["metadata"]["format"] == "html"
    assert "<p>" not in record["text"] and "Subscribe" not in record["text"]
    speakers = {q["speaker"] for q in record["quotes"]}
    assert {"Margaret Olsen", "Tom Becker", "Daniel Mwangi"} <= speakers
    texts = _quote_texts(record)
    assert any(t.startswith('"We cannot keep pumping out the same basements') for t in texts)
    olsen = next(q for q in record["quotes"] if q["speaker"] == "Margaret Olsen")
    assert olsen["speaker_role"] == "chair"


def test_syndicated_copies_share_a_cluster_and_one_extraction(
    runner: CliRunner, tmp_path: Path
) -> None:
    wire = tmp_path / "wire"
    wire.mkdir()
    (wire / "herald.html").write_text(html_page("Ferry fares cut by a third", STORY))
    (wire / "courier.html").write_text(
        html_page(
            "Ferry fares to fall by a third",
            STORY,
            site="Coastal Courier",
            url="https://courier.example.net/2026/ferries",
            chrome="<p>Reporting by the Coastal Courier news desk with agency copy.</p>",
        )
    )
    (wire / "harbour.html").write_bytes(HARBOUR_HTML.read_bytes())
    result = runner.invoke(app, ["extract", str(wire)])
    assert result.exit_code == 0, result.output
    by_site = {r["site"]: r for r in _records(result.stdout)}
    courier, herald = by_site["Coastal Courier"], by_site["Island Herald"]
    assert courier["cluster"] == herald["cluster"] != by_site["The Eastport Gazette"]["cluster"]
    assert courier["quotes"] and _quote_texts(courier) == _quote_texts(herald)
    assert [w["code"] for w in herald["warnings"]] == ["syndicated_copy"]
    assert "courier.html" in herald["warnings"][0]["message"]
    for record in (courier, herald):  # every copy's spans index its own text
        for quote in record["quotes"]:
            for start, end in quote["content"] + quote["cue"] + quote["source"]:
                assert 0 <= start < end <= len(record["text"])

    separate = runner.invoke(app, ["extract", "--no-dedup", str(wire)])
    assert {r["cluster"] for r in _records(separate.stdout)} == {
        r["metadata"]["content_hash"] for r in _records(separate.stdout)
    }

    db = str(tmp_path / "news.db")
    stored = runner.invoke(app, ["ingest", str(wire), "--db", db])
    assert stored.exit_code == 0, stored.output
    listed = runner.invoke(app, ["quotes", "--db", db, "--speaker", "kowalski", "-f", "jsonl"])
    rows = _records(listed.stdout)
    assert rows and all(r["outlets"] == 2 for r in rows)
    assert len({r["content_text"] for r in rows}) == len(rows)  # each quote once


def test_identical_text_at_two_paths_is_one_article_with_two_sources(
    runner: CliRunner, tmp_path: Path
) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_bytes(HARBOUR_HTML.read_bytes())
    db = str(tmp_path / "news.db")
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "a.html"), str(tmp_path / "b.html"), "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert "1 article(s) stored, 1 identical copies recorded as sources" in result.stderr


def test_non_english_articles_are_stored_with_their_language_not_mangled(
    runner: CliRunner, tmp_path: Path
) -> None:
    german = tmp_path / "brucke.html"
    german.write_text(html_page("Neue Brücke öffnet im Mai", GERMAN, lang="de"))
    result = runner.invoke(app, ["extract", str(german), str(HARBOUR_HTML)])
    assert result.exit_code == 0, result.output
    first, second = _records(result.stdout)
    assert first["language"] == "de" and first["quotes"] == [] and first["entities"] == []
    assert [w["code"] for w in first["warnings"]] == ["not_english"]
    assert "not English" in result.stderr and "brucke.html" in result.stderr
    assert second["language"] == "en" and second["quotes"]


def test_a_batch_of_mixed_formats_reports_each_bad_item_and_processes_the_rest(
    runner: CliRunner, tmp_path: Path
) -> None:
    feed = tmp_path / "herald.rss"
    write_feed(
        feed,
        [
            {
                "title": "Ferry fares",
                "link": "https://h/1",
                "html": "<p>" + "</p><p>".join(STORY) + "</p>",
            }
        ],
    )
    (tmp_path / "broken.rss").write_text("this is { not a feed, nor XML")
    export = tmp_path / "export.jsonl"
    write_jsonl(export, [{"body": "\n\n".join(STORY), "headline": "Fares"}, "{oops"])
    crawl = tmp_path / "crawl.warc.gz"
    write_warc(
        crawl,
        [
            ("https://g/1", "response", HARBOUR_HTML.read_bytes(), "text/html"),
            ("https://g/2", "headerless", b"<html><body>x</body></html>", None),
        ],
        gz=True,
    )
    result = runner.invoke(
        app,
        [
            "extract",
            str(feed),
            str(tmp_path / "broken.rss"),
            str(export),
            str(crawl),
            "--text-field",
            "body",
            "--title-field",
            "headline",
            "--no-dedup",
        ],
    )
    assert result.exit_code == 1
    records = _records(result.stdout)
    assert [r["metadata"]["format"] for r in records] == ["feed", "jsonl", "warc"]
    assert records[1]["title"] == "Fares"
    assert all(r["quotes"] for r in records)
    assert "broken.rss" in result.stderr and "not a well-formed feed" in result.stderr
    assert f"{export}:2" in result.stderr and "not valid JSON" in result.stderr
    assert "response record without HTTP headers" in result.stderr
    assert "3 input(s) failed; the others were processed." in result.stderr


def test_input_format_can_be_forced(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(HARBOUR_HTML.read_bytes())
    as_text = _records(runner.invoke(app, ["extract", "--input-format", "text", str(page)]).stdout)
    assert "<p>" in as_text[0]["text"]
    detected = _records(runner.invoke(app, ["extract", str(page)]).stdout)
    assert detected[0]["metadata"]["format"] == "html"


def test_a_copy_ingested_later_joins_the_stored_story(runner: CliRunner, tmp_path: Path) -> None:
    herald = tmp_path / "herald.html"
    herald.write_text(html_page("Ferry fares cut by a third", STORY))
    courier = tmp_path / "courier.html"
    courier.write_text(
        html_page(
            "Ferry fares to fall",
            STORY,
            site="Coastal Courier",
            url="https://courier.example.net/ferries",
            chrome="<p>Reporting by the Coastal Courier news desk with agency copy.</p>",
        )
    )
    db = str(tmp_path / "news.db")
    assert runner.invoke(app, ["ingest", str(herald), "--db", db]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(courier), "--db", db]).exit_code == 0
    listed = runner.invoke(app, ["quotes", "--db", db, "--speaker", "doyle", "-f", "jsonl"])
    rows = _records(listed.stdout)
    assert rows and all(r["outlets"] == 2 for r in rows)
    assert len({r["content_text"] for r in rows}) == len(rows)
    # Extracted apart (no syndication check), the statements are still found to be the
    # same ones: quote provenance links them.
    apart = str(tmp_path / "apart.db")
    for page in (herald, courier):
        runner.invoke(app, ["ingest", str(page), "--db", apart, "--no-dedup"])
    rows = _records(
        runner.invoke(app, ["quotes", "--db", apart, "--speaker", "doyle", "-f", "jsonl"]).stdout
    )
    assert rows and all(r["outlets"] == 2 and r["occurrences"] == 2 for r in rows)


def test_ingest_search_and_export_on_each_engine(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    ingested = runner.invoke(app, ["ingest", str(HARBOUR_HTML), "--db", database_url])
    assert ingested.exit_code == 0, ingested.output
    assert "1 article(s) stored" in ingested.stderr
    again = runner.invoke(app, ["ingest", str(HARBOUR_HTML), "--db", database_url])
    assert "1 unchanged" in again.stderr
    found = _records(
        runner.invoke(
            app,
            [
                "quotes",
                "--db",
                database_url,
                "--speaker",
                "olsen",
                "--about",
                "basements",
                "-f",
                "jsonl",
            ],
        ).stdout
    )
    assert len(found) == 1 and "[basements]" in found[0]["snippet"]
    people = _records(runner.invoke(app, ["speakers", "--db", database_url, "-f", "jsonl"]).stdout)
    assert {"Margaret Olsen", "Tom Becker", "Daniel Mwangi"} <= {p["name"] for p in people}
    out = tmp_path / "quotes.parquet"
    exported = runner.invoke(app, ["export", "quotes", "--db", database_url, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    import pandas

    assert len(pandas.read_parquet(out)) == len(
        _records(runner.invoke(app, ["quotes", "--db", database_url, "-f", "jsonl"]).stdout)
    )
