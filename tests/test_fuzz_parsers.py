"""Property-based fuzzing of every parser onrecord owns, on arbitrary and on mangled input.

Readers (``ingest``) get arbitrary bytes and well-formed inputs built with the formats'
own libraries (``builders.py``) and then cut, spliced and bit-flipped; clean-up, quote
pairing and search-query building get arbitrary text and text made of the characters
that matter to them. The invariants are the documented contracts: readers report
``InputError`` objects and never raise, every span lies inside its text, spans that are
promised in order are in order and disjoint, and the same input gives the same output.
Extraction itself (spaCy) is fuzzed in ``test_properties.py``. Example budgets and the
``make fuzz`` profile are in ``fuzzing.py``.
"""

from __future__ import annotations

import functools
import gzip
import io
import itertools
import json
import re
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from builders import STORY, html_page, write_feed, write_warc
from fuzzing import parser_settings, tally
from onrecord.clean.language import MIN_LETTERS, SAMPLE_CHARS, identify_language
from onrecord.clean.layout import analyse_layout, iter_lines, published_date
from onrecord.clean.scripts import char_script, find_foreign_words, word_script
from onrecord.ingest.compressed import inflate, is_gzip, read_file
from onrecord.ingest.compressed import iter_lines as iter_stream_lines
from onrecord.ingest.errors import InputError
from onrecord.ingest.feeds import read_feed
from onrecord.ingest.fetch import FetchError, _parse_content_type, _parse_retry_after, read_url_list
from onrecord.ingest.files import decode_document
from onrecord.ingest.html import HtmlSettings, html_to_document, looks_like_html
from onrecord.ingest.jsonl import JsonlFields, read_jsonl
from onrecord.ingest.parts import read_part, split_file
from onrecord.ingest.polnear import classify_quote_type, quoted_mask, read_gold
from onrecord.ingest.sniff import FORMATS, detect_format, format_from_name
from onrecord.ingest.sources import ReadSettings, iter_documents
from onrecord.ingest.warc import read_warc
from onrecord.models import ArticleRecord, Quote, RawDocument, Span
from onrecord.nlp.quotes.marks import (
    ALL_MARKS,
    SINGLE_CLOSING,
    SINGLE_OPENING,
    find_quoted_regions,
)
from onrecord.query.quotes import QuoteFilter, QuoteRow, find_quotes, fts_query, pg_tsquery
from onrecord.store.db import Database, open_database

# --------------------------------------------------------------------------- strategies

PIECES = st.sampled_from(
    [
        '"',
        "“",
        "”",
        "«",
        "»",
        "„",
        "‘",
        "’",
        "'",
        " said ",
        " told reporters ",
        " according to ",
        "Jane Roe",
        "NATO Secretary General Mark Rutte",
        " he ",
        ",",
        ".",
        ":",
        " — ",
        "…",
        "x",
        " ",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "\u2028",
        "\x85",
        "\x00",
        "\u200b",
        "\ufeff",
        "RKS NEWS",
        "2 Min Read",
        "By Jane Roe",
        "March 3, 2024",
        "2024-02-30",
        "Ünïcödé",
        "שלום",
        "Привет",
        "東京",
        "e\u0301",
        "🙂",
    ]
)
NOISE = st.text(max_size=6)
TEXTS = st.lists(st.one_of(PIECES, NOISE), max_size=80).map("".join)
"""Text made of quotation marks, cue words, line breaks of every kind and noise."""

HEADER_LINES = st.one_of(
    st.sampled_from(["RKS NEWS", "2 Min Read", "5-minute read", "By Jane Roe", "|", "·"]),
    st.dates().map(lambda d: d.strftime("%B %d, %Y")),
    st.dates().map(lambda d: d.strftime("%b. %d %Y")),
    st.dates().map(date.isoformat),
    # impossible dates, as a scraper may print them
    st.tuples(st.integers(1900, 2099), st.integers(0, 19), st.integers(0, 39)).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"
    ),
    st.tuples(st.sampled_from(["Feb", "February", "Apr", "Sept", "Mayo"]), st.integers(0, 99)).map(
        lambda t: f"{t[0]} {t[1]}, 2024"
    ),
    TEXTS,
)
LAYOUT_TEXTS = st.builds(
    lambda title, header, body, sep: sep.join([title, *header, *body]),
    st.one_of(st.sampled_from(["Ferry fares cut", ""]), TEXTS),
    st.lists(HEADER_LINES, max_size=6),
    st.lists(st.sampled_from(STORY) | TEXTS, max_size=4),
    st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]),
)
"""Scraped-article shapes: headline, chrome lines (dates real and impossible), body."""

INTERESTING_BYTES = st.sampled_from(
    [
        b"\x00",
        b"\xff\xfe",
        b"\xef\xbb\xbf",
        b"\x1f\x8b",
        b"\r\n",
        b"\r\n\r\n",
        b"<",
        b">",
        b"</",
        b"&amp;",
        b"&#0;",
        b"&#xD800;",
        b"&#1114112;",
        b"<![CDATA[",
        b"]]>",
        b"<!--",
        b"-->",
        b'"',
        b"'",
        b"<p>",
        b"<script>",
        b"<html lang='x-\xff'>",
        b"<?xml version='1.0' encoding='utf-16'?>",
        b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/hostname'>]>",
        b"&e;",
        b"Content-Length: 99999999\r\n",
        b"Content-Length: -1\r\n",
        b"WARC/1.0\r\n",
        b"HTTP/1.1 200 OK\r\n",
        b"Content-Type: text/html\r\n",
        "“Quoted,” she said. ".encode(),
        "é".encode("cp1252"),
        "\u2028".encode(),
    ]
)


@st.composite
def mangled(draw: st.DrawFn, base: bytes) -> bytes:
    """``base`` cut short, spliced, bit-flipped or with a slice repeated, a few times."""
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 4))):
        operation = draw(st.sampled_from(["cut", "insert", "delete", "flip", "repeat"]))
        i = draw(st.integers(0, len(data)))
        j = min(len(data), i + draw(st.integers(0, 200)))
        if operation == "cut":
            del data[i:]
        elif operation == "insert":
            data[i:i] = draw(st.binary(max_size=16) | INTERESTING_BYTES)
        elif operation == "delete":
            del data[i:j]
        elif operation == "flip" and i < len(data):
            data[i] ^= draw(st.integers(1, 255))
        elif operation == "repeat":
            data[i:i] = data[i:j] * draw(st.integers(1, 3))
    return bytes(data)


def _scratch_dir() -> Path:
    return Path(_scratch().name)


@functools.cache
def _scratch() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="onrecord-fuzz-")


def _scratch_file(name: str, data: bytes) -> str:
    """Write ``data`` to a reusable file (Hypothesis examples cannot use ``tmp_path``)."""
    path = _scratch_dir() / name
    path.write_bytes(data)
    return str(path)


def _inside(span: Span, size: int) -> bool:
    return 0 <= span[0] <= span[1] <= size


def _ordered_and_disjoint(spans: list[Span]) -> bool:
    return all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


# --------------------------------------------------------------------------- quote pairing


@st.composite
def text_and_paragraphs(draw: st.DrawFn) -> tuple[str, list[Span]]:
    """A text and paragraph spans: its lines, or any ordered, disjoint, non-empty spans."""
    text = draw(TEXTS)
    if not text or draw(st.booleans()):
        return text, iter_lines(text)
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=20)) | {0, len(text)})
    spans = [(a, b) for a, b in itertools.pairwise(cuts) if a < b]
    keep = draw(st.lists(st.booleans(), min_size=len(spans), max_size=len(spans)))
    return text, [s for s, k in zip(spans, keep, strict=True) if k]


@parser_settings("marks", ci=400)
@given(text_and_paragraphs())
@example(("‘’", [(0, 2)]))  # a British single-quoted region (found by this test in CI)
def test_quoted_regions_are_ordered_disjoint_and_inside_paragraphs(
    case: tuple[str, list[Span]],
) -> None:
    tally("marks")
    text, paragraphs = case
    regions, notices = find_quoted_regions(text, paragraphs)

    def paragraph_of(offset: int) -> int:
        found = [i for i, (s, e) in enumerate(paragraphs) if s <= offset < e]
        assert found, f"offset {offset} lies in no paragraph"
        return found[0]

    spans = [r.span for r in regions]
    assert _ordered_and_disjoint(spans)
    # Single curly marks quote too (British style), though they are not in ALL_MARKS:
    # they double as apostrophes.
    marks = (*ALL_MARKS, SINGLE_OPENING, SINGLE_CLOSING)
    for region in regions:
        assert 0 <= region.start < region.end <= len(text)
        assert any(text.startswith(mark, region.start) for mark in marks)
        first, last = paragraph_of(region.start), paragraph_of(region.end - 1)
        assert first <= last
        if region.closed:
            assert any(text.startswith(mark, region.end - len(mark)) for mark in marks)
        else:
            assert region.end == paragraphs[last][1]
    unclosed = [r for r in regions if not r.closed]
    assert [n.spans for n in notices] == [((r.start, r.start + 1),) for r in unclosed]
    assert find_quoted_regions(text, paragraphs) == (regions, notices)


# --------------------------------------------------------------------------- clean-up


@parser_settings("layout", ci=300)
@given(st.one_of(LAYOUT_TEXTS, TEXTS), st.booleans())
@example("Ferry fares cut\nSITE\n2024-02-30\n" + STORY[0] + "\n", True)
def test_layout_reports_spans_of_lines_and_real_dates(text: str, headline: bool) -> None:
    tally("layout")
    layout = analyse_layout(text, headline_in_text=headline)
    lines = iter_lines(text)
    assert _ordered_and_disjoint(lines)
    assert all(_inside(span, len(text)) and span[0] < span[1] for span in lines)
    assert set(layout.paragraphs) <= set(lines)
    assert layout.paragraphs == sorted(layout.paragraphs)
    assert set(layout.boilerplate) <= set(lines)
    assert not set(layout.boilerplate) & set(layout.paragraphs)
    if layout.title_span is not None:
        assert headline and layout.title_span == lines[0]
        assert layout.title == text[slice(*layout.title_span)]
        assert layout.title_span not in layout.paragraphs
    for notice in layout.notices:
        assert all(_inside(span, len(text)) for span in notice.spans)
    published = published_date(text, layout)
    if published is not None:
        assert date.fromisoformat(published).isoformat() == published
    assert analyse_layout(text, headline_in_text=headline) == layout


WORDS_IN_SCRIPTS = st.one_of(
    st.sampled_from(["the", "minister", "said", "NATO", "Democrats’", "well-known"]),
    st.text(st.characters(categories=["L", "M"]), min_size=1, max_size=8),
)


@parser_settings("scripts", ci=300)
@given(
    st.one_of(
        TEXTS,
        st.lists(WORDS_IN_SCRIPTS, max_size=40).map(" ".join),
    )
)
def test_foreign_words_are_words_of_the_text(text: str) -> None:
    tally("scripts")
    notices = find_foreign_words(text)
    spans = [notice.spans[0] for notice in notices]
    assert all(notice.code == "foreign_script" and len(notice.spans) == 1 for notice in notices)
    assert _ordered_and_disjoint(spans)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert word_script(text[start:end]) != "LATIN"
    for char in text:
        assert char_script(char)


@parser_settings("language", ci=150)
@given(
    st.one_of(
        TEXTS,
        st.text(st.characters(categories=["L", "M", "Zs", "P"]), min_size=30, max_size=400),
    )
)
def test_language_guess_is_a_code_and_a_probability(text: str) -> None:
    tally("language")
    guess = identify_language(text)
    letters = len(re.findall(r"[^\W\d_]", text[:SAMPLE_CHARS]))
    assert (guess is None) == (letters < MIN_LETTERS)
    if guess is None:
        return
    assert re.fullmatch(r"[a-z]{2,3}", guess.code)
    assert 0.0 <= guess.probability <= 1.0


# --------------------------------------------------------------------------- readers


def _check_reader_output(item: object, location_prefix: str, fmt: str) -> None:
    """What every reader promises about each item it yields."""
    assert isinstance(item, (RawDocument, InputError)), type(item)
    if isinstance(item, InputError):
        assert item.path.startswith(location_prefix)
        assert item.code and item.message
        return
    assert item.path.startswith(location_prefix)
    assert item.format == fmt
    assert item.text.strip()
    for value in (item.title, item.url, item.published, item.site, item.language):
        assert value is None or (isinstance(value, str) and value.strip())
    assert all(isinstance(a, str) and a.strip() for a in item.authors)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
JSON_OBJECTS = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(TEXTS, JSON_VALUES),
        "html": st.one_of(
            st.just(html_page("Ferry fares cut", STORY[:3])), st.text(max_size=50), JSON_VALUES
        ),
        "title": JSON_VALUES,
        "url": JSON_VALUES,
        "published": JSON_VALUES,
        "authors": st.one_of(st.lists(JSON_VALUES, max_size=3), JSON_VALUES),
        "site": JSON_VALUES,
        "language": JSON_VALUES,
        "meta": st.dictionaries(st.sampled_from(["body", "title"]), JSON_VALUES, max_size=2),
    },
)
JSON_LINES = st.one_of(
    JSON_OBJECTS.map(lambda o: json.dumps(o).encode()),
    JSON_OBJECTS.flatmap(lambda o: mangled(json.dumps(o).encode())),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
    # nesting around and far beyond the decoder's recursion limit
    st.tuples(
        st.sampled_from([b"[", b'{"a":']), st.integers(0, 3000) | st.sampled_from([10**4, 10**5])
    ).map(lambda t: t[0] * t[1]),
    st.sampled_from([b"", b"  ", b"\r", b"\xef\xbb\xbf{}", b'{"text": "\\ud800"}', b"1" * 5000]),
)


@parser_settings("jsonl", ci=250)
@given(
    st.lists(JSON_LINES, max_size=6),
    st.sampled_from([JsonlFields(), JsonlFields(text="meta.body", title="meta.title")]),
)
def test_jsonl_reports_every_bad_line_and_never_raises(
    lines: list[bytes], fields: JsonlFields
) -> None:
    tally("jsonl")
    blob = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    stream_lines = list(iter_stream_lines("x.jsonl", io.BytesIO(blob)))
    items = list(read_jsonl("x.jsonl", stream_lines, fields))
    numbered = [n for n, line in enumerate(stream_lines, start=1) if line.strip()]  # type: ignore[union-attr]
    assert [item.path for item in items] == [f"x.jsonl:{n}" for n in numbered]
    for item in items:
        _check_reader_output(item, "x.jsonl:", "jsonl")


def _feed_bytes(atom: bool) -> bytes:
    return _base_feeds()[atom]


@functools.cache
def _base_feeds() -> dict[bool, bytes]:
    feeds = {}
    for atom in (False, True):
        path = _scratch_dir() / f"base.{'atom' if atom else 'rss'}"
        write_feed(
            path,
            [
                {
                    "title": "Fares cut",
                    "link": "https://herald.example.com/a",
                    "html": "".join(f"<p>{p}</p>" for p in STORY[:3]),
                    "author": "Jo Evans",
                },
                {
                    "title": "Short",
                    "link": "https://herald.example.com/b",
                    "summary": "Doyle said the cut was overdue.",
                },
            ],
            atom=atom,
        )
        feeds[atom] = path.read_bytes()
    return feeds


FEED_TEMPLATE = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>{site}</title>'
    "<language>{lang}</language><item><title>{title}</title><link>{link}</link>"
    "<pubDate>{date}</pubDate><author>{author}</author><description>{body}</description>"
    "</item></channel></rss>"
)
FEED_FIELD = st.one_of(
    TEXTS,
    st.sampled_from(
        ["<![CDATA[<p>A “quoted” line, she said.</p>]]>", "&lt;p&gt;x&lt;/p&gt;", "&bogus;", ""]
    ),
    st.sampled_from(["Mon, 32 Jan 2024 25:61:61 +9999", "2024-02-30T00:00:00Z", "Tue, 1 Jan 0"]),
)


@parser_settings("feeds", ci=200)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.booleans().flatmap(lambda atom: mangled(_feed_bytes(atom))),
        st.builds(
            lambda *f: FEED_TEMPLATE.format(
                site=f[0], lang=f[1], title=f[2], link=f[3], date=f[4], author=f[5], body=f[6]
            ).encode("utf-8", "surrogatepass"),
            *[FEED_FIELD] * 7,
        ).flatmap(mangled),
    )
)
def test_feed_entries_are_documents_or_errors(data: bytes) -> None:
    tally("feeds")
    items = list(read_feed("f.xml", data))
    assert items
    if any(isinstance(i, InputError) and i.code == "not_a_feed" for i in items):
        assert len(items) == 1
        return
    for number, item in enumerate(items, start=1):
        assert item.path == f"f.xml#entry={number}"
        _check_reader_output(item, "f.xml#entry=", "feed")
        if isinstance(item, RawDocument):
            assert item.published is None or re.fullmatch(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item.published
            )


@functools.cache
def _base_warcs() -> dict[bool, bytes]:
    warcs = {}
    page = html_page("Ferry fares cut", STORY).encode()
    for gz in (False, True):
        path = _scratch_dir() / f"base.warc{'.gz' if gz else ''}"
        write_warc(
            path,
            [
                ("https://herald.example.com/a", "response", page, "text/html; charset=utf-8"),
                ("https://herald.example.com/a", "request", b"", None),
                ("https://herald.example.com/b", "resource", page, "text/html"),
                ("https://herald.example.com/c", "headerless", page, None),
                ("https://herald.example.com/d", "response", b"\x89PNG", "image/png"),
            ],
            gz=gz,
        )
        warcs[gz] = path.read_bytes()
    return warcs


WARC_HEADERS = st.lists(
    st.sampled_from(
        [
            b"WARC-Type: response",
            b"WARC-Type: resource",
            b"WARC-Type: warcinfo",
            b"Content-Type: application/http; msgtype=response",
            b"Content-Type: text/html",
            b"Content-Length: 40",
            b"Content-Length: 0",
            b"Content-Length: x",
            b"WARC-Target-URI: http://a/",
            b"WARC-Record-ID: <urn:uuid:1>",
        ]
    ),
    max_size=6,
)


@parser_settings("warc", ci=150)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.booleans().flatmap(lambda gz: mangled(_base_warcs()[gz])),
        st.tuples(WARC_HEADERS, st.binary(max_size=80)).map(
            lambda t: b"WARC/1.0\r\n" + b"\r\n".join(t[0]) + b"\r\n\r\n" + t[1]
        ),
    ),
    st.sampled_from([0, 100, 50_000]),
)
def test_warc_records_are_documents_or_errors(data: bytes, max_bytes: int) -> None:
    tally("warc")
    path = _scratch_file("fuzz.warc", data)
    items = list(read_warc(path, max_record_bytes=max_bytes))
    for item in items:
        _check_reader_output(item, path, "warc")
        if isinstance(item, RawDocument):
            assert item.path.startswith(f"{path}@")


HTML_FIELD = st.one_of(
    TEXTS, st.sampled_from(['"><script>x</script>', "&amp;&#0;&#xD800;", "x-\udcff", ""])
)


@st.composite
def html_inputs(draw: st.DrawFn) -> bytes | str:
    page = html_page(
        draw(HTML_FIELD),
        draw(st.lists(st.sampled_from(STORY) | TEXTS, max_size=5)),
        site=draw(HTML_FIELD),
        author=draw(HTML_FIELD),
        published=draw(st.sampled_from(["2026-04-02", "2026-02-30", "0000-00-00", ""])),
        lang=draw(st.sampled_from(["en", "EN_gb", "x-klingon", "", "e\u0301n", "zz-ZZ-1"])),
    )
    data = page.encode("utf-8", "surrogateescape")
    kind = draw(st.sampled_from(["bytes", "mangled", "str", "deep"]))
    if kind == "mangled":
        return draw(mangled(data))
    if kind == "str":
        return page
    if kind == "deep":
        depth = draw(st.integers(0, 3000))
        return b"<html><body>" + b"<div>" * depth + STORY[0].encode() + b"</div>" * depth
    return data


@parser_settings("html", ci=150)
@given(
    st.one_of(st.binary(max_size=300), st.text(max_size=200), html_inputs()),
    st.sampled_from([HtmlSettings(), HtmlSettings(fast=True, favor_precision=False, min_words=1)]),
)
def test_html_gives_a_body_of_enough_words_or_an_error(
    html: bytes | str, settings: HtmlSettings
) -> None:
    tally("html")
    item = html_to_document("page.html", html, settings=settings)
    _check_reader_output(item, "page.html", "html")
    if isinstance(item, RawDocument):
        assert item.text == item.text.strip()
        assert len(item.text.split()) >= settings.min_words
        assert item.language is None or re.fullmatch(r"[a-z]{2,3}", item.language)
    else:
        assert item.code in {"no_body", "unparseable_html"}
    assert html_to_document("page.html", html, settings=settings) == item


ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "cp1252",
    "latin-1",
    "koi8-r",
    "shift_jis",
]


@parser_settings("decode", ci=300)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.tuples(TEXTS, st.sampled_from(ENCODINGS)).map(
            lambda t: t[0].encode(t[1], errors="replace")
        ),
        st.tuples(TEXTS, st.sampled_from(ENCODINGS)).flatmap(
            lambda t: mangled(t[0].encode(t[1], errors="replace"))
        ),
        st.sampled_from([b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", b"\xff\xfe \x00", b"\xfe\xff\x00\t"]),
    ),
    st.sampled_from([1, 64, 50 * 1024 * 1024]),
)
def test_decoding_gives_text_or_a_documented_error(data: bytes, max_bytes: int) -> None:
    tally("decode")
    item = decode_document("a.txt", data, max_bytes=max_bytes)
    if len(data) > max_bytes:
        assert isinstance(item, InputError) and item.code == "too_large"
        return
    if not data.strip():
        assert isinstance(item, InputError) and item.code == "empty"
        return
    if isinstance(item, InputError):
        assert item.code in {"binary", "undecodable", "empty"}
        return
    assert item.text.strip(), "a document with nothing to extract should be an 'empty' error"
    assert {n.code for n in item.notices} <= {"encoding_detected", "nul_bytes"}
    assert ("\x00" in item.text) == any(n.code == "nul_bytes" for n in item.notices)
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        assert item.encoding != "utf-8"
    else:
        assert item.encoding == "utf-8" and item.text == utf8.removeprefix("\ufeff")


@st.composite
def gzip_cases(draw: st.DrawFn) -> tuple[bytes, bytes, str]:
    """Original bytes, gzip data made from them, and how it was damaged."""
    data = draw(st.binary(max_size=400) | TEXTS.map(str.encode))
    members = [gzip.compress(part) for part in (data, b"")[: draw(st.integers(1, 2))]]
    packed = b"".join(members) + draw(st.sampled_from([b"", b"\x00" * 8]))
    damage = draw(st.sampled_from(["none", "cut", "mangle"]))
    if damage == "cut":
        packed = packed[: draw(st.integers(1, max(1, len(members[0]) - 1)))]
    elif damage == "mangle":
        packed = draw(mangled(packed))
    return data, packed, damage


@parser_settings("compressed", ci=300)
@given(gzip_cases(), st.integers(0, 500), st.integers(1, 64))
def test_gzip_reading_keeps_what_is_intact_and_reports_damage(
    case: tuple[bytes, bytes, str], max_bytes: int, chunk: int
) -> None:
    tally("compressed")
    data, packed, damage = case
    chunks = [packed[i : i + chunk] for i in range(0, len(packed), chunk)]
    out, error = inflate("a.gz", chunks, max_bytes)
    assert len(out) <= max_bytes + 1
    assert error is None or error.code in {"bad_gzip", "truncated_gzip"}
    if damage == "none":
        assert out == data[: max_bytes + 1] and error is None
    elif damage == "cut":
        assert data.startswith(out)
        assert error is not None or len(out) > max_bytes
    # The same bytes through a file and through the line reader.
    path = _scratch_file("fuzz.gz", packed)
    whole, file_error = read_file(path, max_bytes)
    if is_gzip(packed):  # read as one piece, which may find damage that chunks stop short of
        out, error = inflate("a.gz", [packed], max_bytes)
        assert (whole, file_error and file_error.code) == (out, error and error.code)
    else:  # not gzip (cut inside the magic number): read as it is
        assert (whole, file_error) == (packed[: max_bytes + 1], None)
    with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
        lines = list(iter_stream_lines("a.gz", stream))  # type: ignore[arg-type]
    assert all(isinstance(line, bytes) for line in lines[:-1])
    if lines and isinstance(lines[-1], InputError):
        assert lines[-1].code in {"bad_gzip", "truncated_gzip"}
    if damage == "none":
        assert b"".join(lines) == data  # type: ignore[arg-type]


HEADS = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.sampled_from(
            [
                b"\xef\xbb\xbf",
                b" \r\n\t",
                b"WARC/1.0",
                b"<rss",
                b"<feed ",
                b"<rdf:RDF",
                b"<!doctype html>",
                b"<html>",
                b"<!-- x -->",
                b"<?xml version='1.0'?>",
                b"{",
                b'{"text": "x"}',
                b"}",
                b"\n",
            ]
        )
        | st.binary(max_size=8),
        max_size=8,
    ).map(b"".join),
)
NAMES = st.one_of(
    st.text(max_size=30),
    st.tuples(st.sampled_from(["a", ".x", "dir/a", ""]), st.lists(st.sampled_from(
        [".warc", ".gz", ".txt", ".HTML", ".jsonl", ".xml", ".", ".tar"]
    ), max_size=3)).map(lambda t: t[0] + "".join(t[1])),
)  # fmt: skip


@parser_settings("sniff", ci=400)
@given(NAMES, HEADS)
def test_format_detection_always_names_a_format(name: str, head: bytes) -> None:
    tally("sniff")
    kind = detect_format(name, head)
    assert kind in FORMATS
    assert format_from_name(name) in (*FORMATS, None)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"WARC/"):
        assert kind == "warc"
    elif looks_like_html(head.lstrip(b"\xef\xbb\xbf \t\r\n")):
        assert kind == "html"


DISPATCH_DATA = st.one_of(
    st.binary(max_size=200),
    st.booleans().flatmap(lambda atom: mangled(_feed_bytes(atom))),
    st.booleans().flatmap(lambda gz: mangled(_base_warcs()[gz])),
    html_inputs().map(lambda h: h.encode("utf-8", "surrogateescape") if isinstance(h, str) else h),
    st.lists(JSON_LINES, max_size=3).map(b"\n".join),
    TEXTS.map(lambda t: t.encode("utf-8", "surrogateescape")),
)


@parser_settings("dispatch", ci=100)
@given(
    DISPATCH_DATA,
    st.booleans(),
    st.sampled_from([None, *FORMATS]),
    st.sampled_from(["in.txt", "in.html", "in.warc.gz", "in.jsonl", "in.xml", "in"]),
)
def test_any_input_through_the_dispatcher_gives_documents_or_errors(
    data: bytes, compress: bool, input_format: str | None, name: str
) -> None:
    tally("dispatch")
    payload = gzip.compress(data) if compress else data
    settings = ReadSettings(input_format=input_format, max_bytes=100_000)
    path = _scratch_file(name, payload)
    for source, items in (
        ("-", iter_documents(["-"], settings, stdin=io.BytesIO(payload))),
        (path, iter_documents([path], settings)),
    ):
        for item in items:
            assert isinstance(item, (RawDocument, InputError))
            assert item.path.startswith(source)
            if isinstance(item, RawDocument):
                assert item.text.strip()


WARC_RECORDS = st.sampled_from(
    [
        ("https://herald.example.com/a", "response", "page", "text/html"),
        ("https://herald.example.com/b", "request", "", None),
        ("https://herald.example.com/c", "resource", "page", "text/html"),
        ("https://herald.example.com/d", "headerless", "page", None),
        ("https://herald.example.com/e", "response", "short", "text/html"),
        ("https://herald.example.com/f", "resource", "short", "image/png"),
    ]
)
_PAYLOADS = {
    "page": html_page("Ferry fares cut", STORY[:3]).encode(),
    "short": b"<p>Hi.</p>",
    "": b"",
}


@functools.cache
def _built_warc(records: tuple[tuple[str, str, str, str | None], ...], gz: bool) -> bytes:
    """The same bytes for the same records (warcio stamps each record with the time)."""
    path = _scratch_dir() / "build.warc"
    write_warc(path, [(u, k, _PAYLOADS[p], t) for u, k, p, t in records], gz=gz)
    return path.read_bytes()


@st.composite
def splittable_files(draw: st.DrawFn) -> tuple[str, bytes, bool]:
    """A WARC (plain or gzipped per record) or JSONL file, intact or mangled."""
    kind = draw(st.sampled_from(["warc", "warc.gz", "jsonl"]))
    if kind == "jsonl":
        lines = draw(
            st.lists(
                st.one_of(JSON_OBJECTS.map(json.dumps).map(str.encode), JSON_LINES), max_size=8
            )
        )
        data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
        data += draw(st.sampled_from([b"", b"\n"]))
    else:
        data = _built_warc(tuple(draw(st.lists(WARC_RECORDS, max_size=7))), kind.endswith(".gz"))
    intact = draw(st.booleans())
    return f"parts.{kind}", data if intact else draw(mangled(data)), intact


def _summary(items: list[RawDocument | InputError]) -> list[tuple[str, str, str]]:
    return [
        (i.path, "doc", i.text) if isinstance(i, RawDocument) else (i.path, i.code, "")
        for i in items
    ]


@parser_settings("parts", ci=60)
@given(splittable_files(), st.integers(1, 3))
def test_parts_of_a_file_read_as_the_whole_file(case: tuple[str, bytes, bool], size: int) -> None:
    tally("parts")
    name, data, intact = case
    path = _scratch_file(name, data)
    parts = split_file(path, size)
    if parts is None:
        return
    assert parts[0].start == 0 and parts[-1].end == len(data)
    assert all(a.end == b.start and a.start < a.end for a, b in itertools.pairwise(parts))
    pieces = [item for part in parts for item in read_part(part, ReadSettings(max_bytes=50_000))]
    for item in pieces:
        assert isinstance(item, (RawDocument, InputError)) and item.path.startswith(path)
    if not intact:
        return  # damage is reported part by part, so the two readings may differ
    if parts[0].kind == "warc":
        whole = list(read_warc(path, max_record_bytes=50_000))
    else:
        with open(path, "rb") as handle:
            lines = iter_stream_lines(path, handle, max_line_bytes=50_000)
            whole = list(read_jsonl(path, lines))
    assert _summary(pieces) == _summary(whole)


# --------------------------------------------------------------------------- other parsers


BRAT_LINES = st.one_of(
    st.sampled_from(
        [
            "T1\tContent 0 5\thello",
            "T2\tCue 6 10\tsaid",
            "T3\tSource 11 14;15 18\tJo Ev",
            "T4\tContent 5 0\tbad",
            "T5\tContent x y\tbad",
            "T6\tContent\t",
            "E1\tAttribution:T2 Content:T1 Source:T3",
            "E2\tAttribution-no-source:T2 Content2:T1",
            "E3\tAttribution:T9 Content:T1",
            "E4\tAttribution",
            "A1\tFactuality E1 x",
            "#1\tAnnotatorNotes T1\tnote",
            "continued text",
            "",
        ]
    ),
    st.text(max_size=30),
)
QUOTE_LINES = st.lists(
    st.sampled_from(["“", "”", '"', "''", "‘", "’", "'", "90s", " ", "said", ".", "Democrats"])
    | NOISE,
    max_size=20,
).map("".join)


@parser_settings("polnear", ci=200)
@given(st.lists(BRAT_LINES, max_size=8).map("\n".join), st.lists(QUOTE_LINES, max_size=3))
def test_polnear_annotations_parse_or_raise_value_error(ann: str, fragments: list[str]) -> None:
    tally("polnear")
    path = _scratch_dir() / "fuzz.ann"
    path.write_text(ann, encoding="utf-8", errors="surrogatepass")
    try:
        attributions = read_gold(path)
    except ValueError:  # documented: a malformed line or an unknown text-bound
        pass
    else:
        for attribution in attributions:
            for start, end in attribution.content + attribution.cue + attribution.source:
                assert 0 <= start <= end
    for line in fragments:
        assert len(quoted_mask(line)) == len(line)
    assert classify_quote_type(fragments) in {"direct", "indirect", "mixed"}


URL_LINES = st.one_of(
    st.sampled_from(
        [
            "https://example.com/a",
            "http://[::1]/",
            "http://[::1",
            "http://a:b@/",
            "http://:80/",
            "HTTPS://EXAMPLE.COM",
            "ftp://x/",
            "# comment",
            "http://exa mple.com",
            "http://\u2100.com",
            "http://x:99999999/",
        ]
    ),
    st.text(max_size=30),
)
RETRY_AFTER = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["120", "²", "١٢", " 3 ", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999"]),
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
)


@parser_settings("url_list", ci=150)
@given(st.lists(URL_LINES, max_size=6), RETRY_AFTER, st.text(max_size=40))
@example(["https://example.com/a"], "²", "text/html; charset=")
def test_fetch_inputs_parse_or_are_reported(
    lines: list[str], retry_after: str | None, content_type: str
) -> None:
    tally("url_list")
    path = _scratch_dir() / "urls.txt"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        items = list(read_url_list(str(path)))
    except UnicodeDecodeError:  # documented: the list is not UTF-8
        return
    for item in items:
        assert isinstance(item, (str, FetchError))
        if isinstance(item, FetchError):
            assert item.code == "invalid_url"
        else:
            assert item.lower().startswith(("http://", "https://"))
    delay = _parse_retry_after(retry_after)
    assert delay is None or delay >= 0
    media_type, charset = _parse_content_type(content_type)
    assert media_type == media_type.strip().lower()
    assert charset is None or charset


# --------------------------------------------------------------------------- search queries

SEARCH_PIECES = st.sampled_from(
    [
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "NEAR/2",
        "(",
        ")",
        '"',
        '""',
        "*",
        "-",
        "+",
        ":",
        "^",
        "{",
        "}",
        "content_text:",
        "quotes_fts",
        "'",
        "&",
        "|",
        "!",
        "<->",
        ":*",
        "\\",
        "\x00",
        "_",
        " ",
        "schools",
        "Ólafur",
        "NATO",
        "ʹ",
        "ː",
        "ŉ",
        "½",
        "⑴",
    ]
)
SEARCHES = st.lists(SEARCH_PIECES | NOISE | st.characters(categories=["Cs"]), max_size=12).map(
    "".join
)
"""Search strings: FTS5 and tsquery syntax, letters unaccent turns into syntax, surrogates
(from undecodable command-line bytes), NUL and noise."""

QUOTE_TEXTS = [
    "Every child deserves a good school close to home,",
    "Ólafur is right about NATO — it’s the 2024 budget,",
    "Schools, schools, schools: that is all we hear (really)!",
    "naïve_variable x*y a-b c:d",
]


def _search_record() -> ArticleRecord:
    text = "Search test\n\n" + " ".join(f"“{q}” Jo Roe said." for q in QUOTE_TEXTS) + "\n"
    quotes = []
    for quote in QUOTE_TEXTS:
        start = text.index(quote)
        quotes.append(Quote(content=[(start, start + len(quote))], speaker="Jo Roe"))
    return ArticleRecord(path="search.txt", text=text, title="Search test", quotes=quotes)


@pytest.fixture
def search_db(database_url: str) -> Any:
    with open_database(database_url) as database:
        database.save_article(_search_record())
        yield database


@parser_settings("fts_query", ci=200)
@given(SEARCHES)
@example("schools\x00")
@example("ʹ")
@example("ː NATO")
def test_any_search_string_is_a_valid_query_on_the_engine(search_db: Database, search: str) -> None:
    tally("fts_query")
    rows = find_quotes(search_db, search=search)
    assert all(isinstance(row, QuoteRow) for row in rows)
    assert all((row.snippet is not None) == bool(search.strip()) for row in rows)
    assert (fts_query(search) is None) == (not re.search(r"\w", search))


@parser_settings("fts_query", ci=60)
@given(
    st.sampled_from(QUOTE_TEXTS).flatmap(
        lambda q: st.tuples(st.just(q), st.sampled_from(q.split()))
    ),
    st.lists(st.sampled_from(["(", ")", '"', "-", "*", ":", "—", "\x00", "&", "!"]), max_size=3),
)
def test_searching_for_a_word_of_a_quote_finds_it(
    search_db: Database, quote_and_word: tuple[str, str], junk: list[str]
) -> None:
    tally("fts_query")
    quote, word = quote_and_word
    if search_db.dialect == "postgresql":
        # to_tsquery stems and drops stop words: only words that survive are searchable
        row = search_db.connection.execute(
            "SELECT numnode(to_tsquery('english', onrecord_unaccent(?)))", [pg_tsquery(word) or ""]
        ).fetchone()
        if not pg_tsquery(word) or not row[0]:
            return
    elif not re.search(r"\w", word):
        return
    rows = find_quotes(search_db, search=" ".join([*junk, word]))
    assert quote in [row.content_text for row in rows]


FILTER_TEXTS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.dates().map(date.isoformat),
    st.sampled_from(["2024", "2024-13", "2024-02-30", "2024-01-01T25:00", "'; DROP TABLE x", "%", "_"]),
    st.lists(st.sampled_from(["\x00", "\udcff", "Jo", "Roe", " "]), max_size=4).map("".join),
)  # fmt: skip
"""Filter texts: dates good and bad, SQL-ish text, NUL and surrogates (which PostgreSQL and
the drivers refuse to bind)."""


@parser_settings("fts_query", ci=60)
@given(FILTER_TEXTS, FILTER_TEXTS, FILTER_TEXTS, FILTER_TEXTS, FILTER_TEXTS)
def test_any_filter_text_gives_rows_or_a_documented_value_error(
    search_db: Database,
    since: str | None,
    until: str | None,
    speaker: str | None,
    role: str | None,
    entity: str | None,
) -> None:
    tally("fts_query")
    where = QuoteFilter(
        since=since, until=until, speaker=speaker, role=role, entity=entity, outlet=role
    )
    try:
        rows = find_quotes(search_db, where=where)
    except ValueError as error:  # documented: a date that is not ISO 8601
        assert "ISO 8601" in str(error)
        return
    assert all(isinstance(row, QuoteRow) for row in rows)


PG_TERM = re.compile(r"[^\W_]+(?::\*)?")


@parser_settings("pg_tsquery", ci=300)
@given(SEARCHES)
def test_pg_tsquery_is_terms_joined_by_and(search: str) -> None:
    tally("pg_tsquery")
    query = pg_tsquery(search)
    if query is None:
        # no letter or digit but the spacing modifiers that unaccent turns into syntax
        assert not re.search(r"[^\W_\u02b0-\u02ff]", unicodedata.normalize("NFKC", search))
        return
    terms = query.split(" & ")
    assert all(PG_TERM.fullmatch(term) for term in terms), query


def test_letters_and_digits_are_valid_search_terms(database_url: str) -> None:
    """Characters a search term may hold, run through the engine's own query parser.

    Every one of them on PostgreSQL, whose ``unaccent`` turns some letters into tsquery
    syntax (ʹ into ', ː into :, ⑴ into (1)); one in seven on SQLite, where each term costs
    an index lookup.
    """
    chars = [
        chr(i)
        for i in range(0x80, 0x30000)
        if unicodedata.category(chr(i)) != "Cs" and re.fullmatch(r"\w", chr(i))
    ]
    with open_database(database_url) as database:
        conn = database.connection
        if database.dialect == "postgresql":
            texts = [*chars, *(f"a{c}b" for c in chars), *(f"{c}{c}b*" for c in chars)]
            queries = [q for q in map(pg_tsquery, texts) if q]
            bad = _failing(
                conn,
                "SELECT count(to_tsquery('english', onrecord_unaccent(value))) FROM json_each(?)",
                queries,
            )
        else:
            # FTS5 looks up each term in the index: one character in seven keeps this fast
            queries = [
                q for q in map(fts_query, [*chars[::7], *(f"a{c}b*" for c in chars[3::7])]) if q
            ]
            bad = _failing(
                conn,
                "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH"
                " (SELECT group_concat(value, ' OR ') FROM json_each(?))",
                queries,
            )
    assert not bad, bad[:20]


def _failing(conn: Any, sql: str, queries: list[str]) -> list[str]:
    """The queries the engine refuses, found by halving batches that fail."""
    try:
        conn.execute(sql, [json.dumps(queries)]).fetchone()
        return []
    except Exception:
        if len(queries) == 1:
            return queries
    half = len(queries) // 2
    return _failing(conn, sql, queries[:half]) + _failing(conn, sql, queries[half:])


# --------------------------------------------------------------------------- regressions
# Inputs the fuzzing above found, each the smallest Hypothesis shrank it to (or the
# probe that confirmed it), with the fix named.


def test_jsonl_line_nested_too_deeply_is_bad_json() -> None:
    # json.loads raised RecursionError, which read_jsonl let out (ingest/jsonl.py)
    (item,) = read_jsonl("x.jsonl", [b"[" * 1991])  # as shrunk; any depth past the limit
    assert isinstance(item, InputError) and item.code == "bad_json"
    (item,) = read_jsonl("x.jsonl", [b'{"a":' * 100_000])
    assert isinstance(item, InputError) and item.code == "bad_json"


def test_warc_response_without_target_uri_is_bad_warc() -> None:
    # warcio raised AttributeError on uri.startswith (ingest/warc.py)
    path = _scratch_file("no_uri.warc", b"WARC/1.0\nWARC-Type:response")
    items = list(read_warc(path, max_record_bytes=0))
    assert [i.code for i in items if isinstance(i, InputError)] == ["bad_warc"]


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="\x80"?><rss/>',  # UnicodeDecodeError in feedparser
        b'<?xml version="1.0" encoding="a\x00"?><rss/>',  # ValueError: embedded null character
    ],
)
def test_feed_declaring_an_undecodable_encoding_is_not_a_feed(data: bytes) -> None:
    # feedparser.parse raised (ingest/feeds.py)
    (item,) = read_feed("f.xml", data)
    assert isinstance(item, InputError) and item.code == "not_a_feed"


def test_feed_entry_with_unparseable_date_reads_without_deprecation_warning() -> None:
    # FeedParserDict.get("updated_parsed") warned (an error under pytest) (ingest/feeds.py)
    (item,) = read_feed("f.xml", b"<item</pubDate<description<</description<")
    assert isinstance(item, RawDocument) and item.published is None


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", b"\xff\xfe \x00"])
def test_text_that_is_blank_once_decoded_is_empty(data: bytes) -> None:
    # a byte-order mark alone became a document with no text (ingest/files.py)
    item = decode_document("a.txt", data)
    assert isinstance(item, InputError) and item.code == "empty"


def test_impossible_header_date_is_not_a_publication_date() -> None:
    # 2024-02-30 on a chrome line became the article's date (clean/layout.py)
    text = "Ferry fares cut\nRKS NEWS\n2024-02-30\n" + STORY[0] + "\n"
    layout = analyse_layout(text)
    assert layout.boilerplate and published_date(text, layout) is None
    valid = text.replace("2024-02-30", "2024-02-29")
    assert published_date(valid, analyse_layout(valid)) == "2024-02-29"


@pytest.mark.parametrize(("header", "delay"), [("²", None), ("120", 120.0), ("١٢", None)])
def test_retry_after_with_non_ascii_digits_is_unusable(header: str, delay: float | None) -> None:
    # "²".isdigit() is true and float("²") raised (ingest/fetch.py)
    assert _parse_retry_after(header) == delay


@pytest.mark.parametrize("search", ["schools\x00", "a\x00b", "\udcff", "sch\udcffools*"])
def test_nul_and_surrogates_separate_search_terms(search_db: Database, search: str) -> None:
    # FTS5 read them as the end of a quoted term: "unterminated string" (query/quotes.py)
    find_quotes(search_db, search=search)
    assert "\x00" not in (fts_query(search) or "")


@pytest.mark.parametrize("search", ["ʹ", "ː", "ŉ", "aʼb", "ːb*", "a⑴b", "⑵⑵", "Hawaiʻi"])
def test_letters_unaccent_makes_syntax_of_are_separators(search_db: Database, search: str) -> None:
    # PostgreSQL: to_tsquery(unaccent('ʹ')) is a syntax error (query/quotes.py)
    find_quotes(search_db, search=search)


@pytest.mark.parametrize("text", ["a\x00", "\x00", "\udcff", "Jo\udcff"])
def test_nul_and_surrogates_in_filter_texts_are_left_out(search_db: Database, text: str) -> None:
    # PostgreSQL refused NUL (DataError); both drivers failed to encode surrogates
    # (UnicodeEncodeError) (query/quotes.py)
    for where in (QuoteFilter(role=text), QuoteFilter(outlet=text), QuoteFilter(entity=text)):
        find_quotes(search_db, where=where)
