"""Reading every input format: HTML, feeds, WARC, JSONL, gzip — and their broken forms."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from builders import HARBOUR_HTML, STORY, html_page, write_feed, write_jsonl, write_warc
from onrecord.ingest.errors import InputError
from onrecord.ingest.jsonl import JsonlFields
from onrecord.ingest.sniff import detect_format
from onrecord.ingest.sources import ReadSettings, iter_documents
from onrecord.models import RawDocument


def _read(*paths: Path | str, **settings: object) -> list[RawDocument | InputError]:
    return list(iter_documents([str(p) for p in paths], ReadSettings(**settings)))  # type: ignore[arg-type]


def _docs(items: list[RawDocument | InputError]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def _errors(items: list[RawDocument | InputError]) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b"Headline\n\nBody text.", "text"),
        ("a", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("a.txt", b"  <html lang='en'><head></head></html>", "html"),
        ("a.bin", b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed"),
        (
            "a",
            b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
            "feed",
        ),
        ("x", b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        ("x", b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
        ("crawl.warc.gz", b"", "warc"),
        ("export.jsonl", b"not json at all", "jsonl"),
        ("notes.txt", b'{"looks": "like json"', "text"),
    ],
)
def test_format_is_detected_from_content_then_name(name: str, head: bytes, expected: str) -> None:
    assert detect_format(name, head) == expected


def test_html_body_and_metadata() -> None:
    (document,) = _read(HARBOUR_HTML)
    assert isinstance(document, RawDocument)
    assert document.format == "html"
    assert document.title == "Harbour council backs flood wall after long debate"
    assert document.site == "The Eastport Gazette"
    assert document.url == "https://gazette.example.org/news/2026/03/harbour-flood-wall"
    assert document.authors == ["Priya Raman"]
    assert document.published == "2026-03-14"
    assert document.language == "en"
    assert "seven to two on Thursday night" in document.text
    assert "Margaret Olsen" in document.text
    for chrome in ("Subscribe today", "Most read", "Privacy policy", "Ferry timetable"):
        assert chrome not in document.text


_CARD = (
    '<span class="rollover-people-block"><span class="rollover-block">'
    '<a class="name" href="/people/jo-evans">Joanna Lynn Evans</a>'
    '<a href="/news/1">Island mayor doubles down on ferry fares</a></span></span>'
)


@pytest.mark.parametrize(
    "name",
    [
        f'<a href="/people/jo-evans">Jo Evans</a>{_CARD}',
        # the linked name and its card inside one hover element, as on thehill.com
        '<span class="rollover-people"><a class="rollover-people-link" '
        f'href="/people/jo-evans">Jo Evans</a>{_CARD}</span>',
    ],
)
def test_html_hover_cards_are_not_article_text(tmp_path: Path, name: str) -> None:
    page = tmp_path / "card.html"
    page.write_text(
        html_page(
            "Ferry fares rise again",
            [
                f"Island Mayor {name} said on "
                "Monday that the ferry fares would rise by a tenth in the spring.",
                "The council will vote on the new fares next week, and the ferry company "
                "said it had not been asked for its view on the matter before the vote.",
            ],
        ),
        encoding="utf-8",
    )
    (document,) = _docs(_read(page))
    assert "Island Mayor Jo Evans said on Monday" in document.text
    assert "Joanna Lynn Evans" not in document.text


def test_html_without_article_text_is_an_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>")
    items = _read(empty, HARBOUR_HTML)
    (error,) = _errors(items)
    assert error.code == "no_body" and str(empty) in error.message
    assert len(_docs(items)) == 1


def test_gzipped_html_and_truncated_gzip(tmp_path: Path) -> None:
    data = HARBOUR_HTML.read_bytes()
    whole = tmp_path / "page.html.gz"
    whole.write_bytes(gzip.compress(data))
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(gzip.compress(data)[:-40])
    items = _read(whole, cut)
    docs = _docs(items)
    assert docs[0].title == "Harbour council backs flood wall after long debate"
    (error,) = _errors(items)
    assert error.code == "truncated_gzip" and str(cut) in error.message


def test_rss_entries_with_full_html_content(tmp_path: Path) -> None:
    feed = tmp_path / "herald.rss"
    write_feed(
        feed,
        [
            {
                "title": "Ferry fares cut by a third",
                "link": "https://herald.example.com/ferry",
                "html": "".join(f"<p>{p}</p>" for p in STORY),
                "summary": "Fares fall in April.",
                "author": "Jo Evans",
            },
            {
                "title": "Library reopens",
                "link": "https://herald.example.com/library",
                "summary": "The town library reopened on Saturday after two years of repairs, "
                "the mayor said.",
            },
            {"title": "Photo gallery", "link": "https://herald.example.com/photos"},
        ],
    )
    items = _read(feed)
    first, second = _docs(items)
    assert first.format == "feed"
    assert first.title == "Ferry fares cut by a third"
    assert first.url == "https://herald.example.com/ferry"
    assert first.site == "Island Herald"
    assert first.authors and "Jo Evans" in first.authors[0]
    assert first.published == "2026-04-02T08:00:00Z"
    assert first.path == f"{feed}#entry=1"
    assert "Anna Kowalski" in first.text and "<p>" not in first.text
    assert second.text.startswith("The town library reopened")
    (error,) = _errors(items)
    assert error.code == "no_body" and error.path == f"{feed}#entry=3"


def test_atom_feed(tmp_path: Path) -> None:
    feed = tmp_path / "herald.atom"
    write_feed(
        feed,
        [
            {
                "title": "Ferry fares",
                "link": "https://h.example/f",
                "html": "<p>" + STORY[0] + "</p>",
            }
        ],
        atom=True,
    )
    (document,) = _read(feed)
    assert isinstance(document, RawDocument)
    assert document.text == STORY[0]


def test_feed_that_is_not_xml(tmp_path: Path) -> None:
    feed = tmp_path / "broken.rss"
    feed.write_text("this is { not a feed")
    (error,) = _read(feed)
    assert isinstance(error, InputError)
    assert error.code == "not_a_feed" and str(feed) in error.message


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses_and_damaged_records(tmp_path: Path, gz: bool) -> None:
    warc = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    page = html_page("Ferry fares cut by a third", STORY).encode()
    write_warc(
        warc,
        [
            ("https://herald.example.com/news/ferry-fares", "request", b"", None),
            (
                "https://herald.example.com/news/ferry-fares",
                "response",
                page,
                "text/html; charset=utf-8",
            ),
            ("https://herald.example.com/logo.png", "response", b"\x89PNG....", "image/png"),
            (
                "https://herald.example.com/broken",
                "headerless",
                b"<html><body>x</body></html>",
                None,
            ),
            ("https://gazette.example.org/h", "resource", HARBOUR_HTML.read_bytes(), "text/html"),
        ],
        gz=gz,
    )
    items = _read(warc)
    first, second = _docs(items)
    assert first.format == "warc"
    assert first.title == "Ferry fares cut by a third"
    assert first.url == "https://herald.example.com/news/ferry-fares"
    assert "Anna Kowalski" in first.text
    assert first.path.startswith(f"{warc}@")
    assert second.site == "The Eastport Gazette"
    (error,) = _errors(items)
    assert error.code == "no_http_headers" and error.path.startswith(f"{warc}@")


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    warc = tmp_path / "cut.warc.gz"
    pages = [
        html_page(f"Story {n}", STORY, url=f"https://h.example/{n}").encode() for n in range(3)
    ]
    write_warc(
        warc,
        [(f"https://h.example/{n}", "response", p, "text/html") for n, p in enumerate(pages)],
        gz=True,
    )
    warc.write_bytes(warc.read_bytes()[:-200])
    items = _read(warc)
    assert [d.title for d in _docs(items)] == ["Story 0", "Story 1"]
    (error,) = _errors(items)
    assert error.code in ("truncated_record", "bad_warc")


def test_file_named_warc_that_is_not_one(tmp_path: Path) -> None:
    fake = tmp_path / "fake.warc"
    fake.write_text("hello, I am plain text pretending to be a crawl\n\n")
    (error,) = _read(fake)
    assert isinstance(error, InputError) and error.code == "bad_warc"


def test_jsonl_field_mapping_and_bad_lines(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    write_jsonl(
        export,
        [
            {
                "body": "\n\n".join(STORY),
                "meta": {"headline": "Ferry fares"},
                "link": "https://h/1",
                "byline": ["Jo Evans", "Sam Lee"],
                "date": "2026-04-02",
            },
            "{not json",
            [1, 2, 3],
            {"headline": "no body here"},
            {"raw": HARBOUR_HTML.read_text()},
        ],
    )
    fields = JsonlFields(
        text="body",
        html="raw",
        title="meta.headline",
        url="link",
        authors="byline",
        published="date",
    )
    items = _read(export, jsonl=fields)
    first, from_html = _docs(items)
    assert first.path == f"{export}:1" and first.format == "jsonl"
    assert first.title == "Ferry fares" and first.url == "https://h/1"
    assert first.authors == ["Jo Evans", "Sam Lee"] and first.published == "2026-04-02"
    assert from_html.path == f"{export}:5"
    assert from_html.title == "Harbour council backs flood wall after long debate"
    assert "Olsen" in from_html.text and "<p>" not in from_html.text
    errors = _errors(items)
    assert [(e.path, e.code) for e in errors] == [
        (f"{export}:2", "bad_json"),
        (f"{export}:3", "bad_json"),
        (f"{export}:4", "missing_field"),
    ]


def test_gzipped_jsonl_truncated_mid_file(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl.gz"
    items = [{"text": f"Article number {n}. " + STORY[0]} for n in range(200)]
    write_jsonl(export, items, gz=True)
    export.write_bytes(export.read_bytes()[:-100])
    read = _read(export)
    docs = _docs(read)
    assert 100 < len(docs) < 200
    assert docs[0].text.startswith("Article number 0.")
    assert _errors(read)[-1].code == "truncated_gzip"


def test_directory_walk_finds_every_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n\n" + STORY[0])
    (tmp_path / "b.html").write_bytes(HARBOUR_HTML.read_bytes())
    write_jsonl(tmp_path / "c.jsonl.gz", [{"text": STORY[0]}], gz=True)
    (tmp_path / "d.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("secret")
    docs = _docs(_read(tmp_path))
    assert sorted(d.format for d in docs) == ["html", "jsonl", "text"]


def test_stdin_html(tmp_path: Path) -> None:
    import io

    items = list(iter_documents(["-"], stdin=io.BytesIO(gzip.compress(HARBOUR_HTML.read_bytes()))))
    (document,) = items
    assert isinstance(document, RawDocument) and document.format == "html"
