"""Builders for test inputs in every format, made with the formats' own libraries."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from feedgen.feed import FeedGenerator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DATA = Path(__file__).resolve().parent / "data"
HARBOUR_HTML = DATA / "html" / "harbour_vote.html"

STORY = [
    "The regional transport authority said on Monday it would cut ferry fares by a third "
    "from April, after a year of falling passenger numbers on the island routes.",
    '"We want families back on the boats," said Anna Kowalski, the authority\'s director. '
    '"A cheaper ticket is the fastest way to do that."',
    "Kowalski said the cut would cost about four million euros a year and would be paid for "
    "from the regional budget.",
    "Island councillors welcomed the decision but warned that timetables mattered as much "
    "as prices.",
    "Passenger numbers on the three island routes fell by twelve percent last year, "
    "according to figures published by the authority in January, after two fare rises "
    "in eighteen months.",
    "Mark Doyle, who chairs the islanders' association, said the cut was overdue and that "
    "older residents had stopped visiting the mainland hospital because of the cost.",
    '"People were choosing between the ferry and their medicine," Doyle said. "That should '
    'never have happened."',
    "The authority will review the new fares after twelve months and publish the passenger "
    "figures for each route every quarter.",
]


def html_page(
    title: str,
    paragraphs: list[str],
    *,
    site: str = "Island Herald",
    author: str = "Jo Evans",
    published: str = "2026-04-02",
    url: str = "https://herald.example.com/news/ferry-fares",
    chrome: str = "",
    lang: str = "en",
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<link rel="canonical" href="{url}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{published}T08:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>{chrome}
{body}
</article>
<footer><p>© 2026 {site}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def write_warc(path: Path, records: list[tuple[str, str, bytes, str | None]], *, gz: bool) -> None:
    """Write records (uri, kind, payload, content type) where kind is ``response``,
    ``request``, ``resource`` or ``headerless`` (a response without HTTP headers)."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for uri, kind, payload, content_type in records:
            stream = io.BytesIO(payload)
            if kind == "response":
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", content_type or "text/html")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    uri, "response", payload=stream, length=len(payload), http_headers=headers
                )
            elif kind == "request":
                headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
                record = writer.create_warc_record(
                    uri, "request", payload=stream, length=len(payload), http_headers=headers
                )
            elif kind == "headerless":
                record = writer.create_warc_record(
                    uri,
                    "resource",
                    payload=stream,
                    length=len(payload),
                    warc_content_type="application/http; msgtype=response",
                )
                record.rec_headers.replace_header("WARC-Type", "response")
                record.rec_type = "response"
            else:
                record = writer.create_warc_record(
                    uri,
                    "resource",
                    payload=stream,
                    length=len(payload),
                    warc_content_type=content_type or "text/html",
                )
            writer.write_record(record)


def write_feed(path: Path, entries: list[dict[str, str]], *, atom: bool = False) -> None:
    """Write an RSS 2.0 (or Atom) feed; entries have title, link, html, summary, author."""
    feed = FeedGenerator()
    feed.id("https://herald.example.com/")
    feed.title("Island Herald")
    feed.link(href="https://herald.example.com/", rel="alternate")
    feed.description("News from the islands")
    feed.language("en")
    for item in entries:
        entry = feed.add_entry(order="append")
        entry.id(item["link"])
        entry.title(item["title"])
        entry.link(href=item["link"])
        if "html" in item:
            entry.content(item["html"], type="CDATA" if not atom else "html")
        if "summary" in item:
            entry.description(item["summary"])
        if "author" in item:
            entry.author({"name": item["author"], "email": "desk@herald.example.com"})
        entry.published("2026-04-02T08:00:00+00:00")
    if atom:
        feed.atom_file(str(path))
    else:
        feed.rss_file(str(path))


def write_jsonl(path: Path, items: list[object], *, gz: bool = False) -> None:
    lines = "".join((json.dumps(i) if not isinstance(i, str) else i) + "\n" for i in items)
    data = lines.encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
