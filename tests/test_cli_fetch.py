"""``onrecord fetch``: a URL list fetched from a local server, extracted or stored."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from builders import HARBOUR_HTML, STORY, write_feed
from local_site import Reply, Site
from onrecord.serve.cli import app


def _serve_news(site: Site, tmp_path: Path) -> Path:
    feed = tmp_path / "feed.xml"
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
    site.routes["/robots.txt"] = Reply(
        body=b"User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"}
    )
    site.routes["/news/harbour"] = Reply(body=HARBOUR_HTML.read_bytes())
    site.routes["/feed.xml"] = Reply(
        body=feed.read_bytes(), headers={"Content-Type": "application/rss+xml"}
    )
    site.routes["/private/memo"] = Reply(body=HARBOUR_HTML.read_bytes())
    site.routes["/logo.png"] = Reply(body=b"\x89PNG\r\n", headers={"Content-Type": "image/png"})
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "# today's list\n"
        + "\n".join(
            site.url(p)
            for p in ("/news/harbour", "/feed.xml", "/missing", "/private/memo", "/logo.png")
        )
        + "\nnot a url\n"
    )
    return urls


def test_fetch_extracts_pages_and_reports_each_failed_url(site: Site, tmp_path: Path) -> None:
    urls = _serve_news(site, tmp_path)
    result = CliRunner().invoke(
        app, ["fetch", str(urls), "--per-host-interval", "0", "--retries", "0"]
    )
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    page, entry = records
    assert page["path"] == site.url("/news/harbour")
    assert page["title"] == "Harbour council backs flood wall after long debate"
    assert {q["speaker"] for q in page["quotes"]} >= {"Margaret Olsen", "Tom Becker"}
    assert entry["path"] == site.url("/feed.xml") + "#entry=1"
    assert entry["quotes"]
    errors = result.stderr
    assert f"{site.url('/missing')}: HTTP 404" in errors
    assert site.url("/private/memo") in errors and "robots.txt" in errors
    assert site.url("/logo.png") in errors and "image/png" in errors
    assert "not a url" in errors
    assert "/private/memo" not in site.paths()  # disallowed: never requested
    assert all(hit.user_agent.startswith("onrecord/") for hit in site.hits)


def test_fetch_into_a_database(site: Site, tmp_path: Path) -> None:
    urls = _serve_news(site, tmp_path)
    db = str(tmp_path / "news.db")
    result = CliRunner().invoke(app, ["fetch", str(urls), "--db", db, "--per-host-interval", "0"])
    assert result.exit_code == 1
    assert "2 article(s) stored" in result.stderr
    listed = CliRunner().invoke(app, ["quotes", "--db", db, "--speaker", "olsen", "-f", "jsonl"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert rows and rows[0]["article_path"] == site.url("/news/harbour")
