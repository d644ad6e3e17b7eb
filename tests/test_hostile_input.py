"""Hostile and odd input finishes within time and memory bounds, and says what was wrong.

Every input is made here, in ``tmp_path``: HTML nested 100,000 elements deep, a page just
over and one just under the 50 MiB limit, feeds declaring exponential, quadratic and
external entities, gzip, JSONL.gz and WARC.gz bombs that inflate to GBs, nested gzip,
invalid UTF-8, NUL bytes, right-to-left text with bidi controls, 100,000 quotation marks
in one article and a paragraph of a million words. The command line runs them in a
subprocess whose wall time and peak RSS (``os.wait4``) are measured; each bad input must
be reported by name with its problem while the good files of the same batch are still
extracted. The limits are documented in ``docs/limits.md``; the costs measured before
and after they were added are there too.
"""

from __future__ import annotations

import gzip
import http.server
import itertools
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from builders import STORY, html_page, write_warc
from conftest import ROOT
from onrecord.ingest.compressed import iter_lines
from onrecord.ingest.feeds import disarm_entities, read_feed
from onrecord.ingest.html import cut_page, html_to_document
from onrecord.ingest.sources import ReadSettings, iter_documents
from onrecord.models import RawDocument
from onrecord.nlp.parse import MAX_TOKEN_CHARS, paragraph_pieces, parse_paragraphs
from onrecord.nlp.pipeline import extract_article
from onrecord.nlp.quotes.marks import MAX_QUOTE_MARKS, find_quoted_regions
from onrecord.nlp.quotes.rules import QuoteRules
from onrecord.serve.cli import app

MiB = 1 << 20
STORY_TEXT = "Ferry fares to be cut by a third\n\n" + "\n\n".join(STORY) + "\n"
SPEAKER = "Anna Kowalski"


# --------------------------------------------------------------------------- harness


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    def records(self) -> dict[str, dict]:  # type: ignore[type-arg]
        found = {}
        for line in self.stdout.splitlines():
            if line.strip():
                record = json.loads(line)
                found[record["path"]] = record
        return found


def run_cli(args: list[str], tmp_path: Path, *, timeout: float, **env: str) -> Run:
    """Run ``onrecord`` in a subprocess; measure its wall time and its own peak RSS.

    The child runs under an address-space cap (8 GiB), so that a bound broken by a
    regression fails this test instead of the machine.
    """
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))

    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "onrecord", *args],
            stdout=stdout,
            stderr=stderr,
            env={**os.environ, "COLUMNS": "400", **env},
            preexec_fn=cap_memory,
        )
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    run = Run(
        process.returncode,
        out.read_text(encoding="utf-8"),
        err.read_text(encoding="utf-8"),
        seconds,
        usage.ru_maxrss / 1024,
    )
    print(f"onrecord {args[0]}: {run.seconds:.1f} s, peak RSS {run.peak_mb:.0f} MB")
    assert run.code >= 0, f"killed (signal {-run.code}) after {seconds:.0f} s:\n{run.stderr}"
    return run


def gzip_member(prefix: bytes, chunk: bytes, count: int, suffix: bytes = b"") -> bytes:
    """One gzip member of ``prefix + chunk * count + suffix``, built without compressing
    ``count`` chunks: after a full flush, deflate codes each equal chunk the same way."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    first = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == first
    tail = packer.compress(suffix) + packer.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    size = (len(prefix) + len(chunk) * count + len(suffix)) & 0xFFFFFFFF
    return (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        + head
        + first * count
        + tail
        + crc.to_bytes(4, "little")
        + size.to_bytes(4, "little")
    )


def multi_member_bomb(chunk: bytes, mebibytes: int) -> bytes:
    """Gzip data inflating to ``mebibytes`` MiB of ``chunk``: one small member, repeated."""
    member = gzip.compress(chunk * (MiB // len(chunk)), 9)
    return member * mebibytes


def warc_bomb_record(uri: str, gibibytes: int) -> bytes:
    """A gzipped WARC response record whose HTML body inflates to ``gibibytes`` GiB."""
    chunk = b"<p>" + b"a" * (MiB - 7) + b"</p>\n"
    body_size = len(chunk) * 1024 * gibibytes
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {body_size}\r\n\r\n"
    warc = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2026-04-02T08:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000b0b0>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http) + body_size}\r\n\r\n"
    )
    return gzip_member((warc + http).encode(), chunk, 1024 * gibibytes, b"\r\n\r\n")


def paragraphs_page(title: str, paragraphs: list[str]) -> str:
    return html_page(title, paragraphs)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"LEAKED-OVER-HTTP")

    def log_message(self, format: str, *args: object) -> None:
        pass


# --------------------------------------------------------------------------- the batch


def test_a_batch_of_hostile_files_is_read_within_bounds_and_each_problem_named(
    tmp_path: Path,
) -> None:
    """One ``onrecord extract`` over every kind of hostile file beside two good ones."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    port = server.server_address[1]

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(STORY_TEXT)
    (inputs / "good.html").write_text(paragraphs_page("Ferry fares cut", STORY))
    paragraph = "".join(f"<p>{p}</p>" for p in STORY)
    deep = "<div>" * 100_000 + paragraph + "</div>" * 100_000
    (inputs / "deep.html").write_text(f"<html><body>{deep}</body></html>")
    deep_after = paragraph + "<div>" * 1000 + "<p>lost</p>"
    (inputs / "deep_after.html").write_text(
        f"<html><head><title>Ferry fares</title></head><body><article>{deep_after}"
        "</article></body></html>"
    )
    over = b"<html><body><p>" + b"x" * (50 * MiB) + b"</p></body></html>"
    (inputs / "over_limit.html").write_bytes(over)

    item = "<item><title>{t}</title><description>{d}</description></item>"
    laughs = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    ]
    (inputs / "laughs.rss").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(laughs) + "\n]>\n"
        '<rss version="2.0"><channel><title>Laughs</title>'
        + item.format(t="One", d="&lol9; " + STORY[0])
        + item.format(t="Two", d=STORY[1].replace('"', "&quot;"))
        + "</channel></rss>"
    )
    # feedparser's fallback parser expands entities it deems safe: 300 MB from 100 kB
    (inputs / "quadratic.rss").write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "a" * 100_000 + '">]>'
        '<rss version="2.0"><channel><title>Q</title>'
        + item.format(t="One", d="&a;" * 3000)
        + item.format(t="Two", d=STORY[0])
        + "</channel></rss>"
    )
    (inputs / "xxe.rss").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY file SYSTEM "file://{secret}">\n'
        f'<!ENTITY web SYSTEM "http://127.0.0.1:{port}/entity">\n'
        f'<!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/dtd"> %dtd;]>\n'
        '<rss version="2.0"><channel><title>XXE</title>'
        + item.format(t="One", d="&file; &web; " + STORY[0])
        + "</channel></rss>"
    )

    (inputs / "bomb.txt.gz").write_bytes(multi_member_bomb(b"The minister said. ", 4096))
    (inputs / "nested.txt.gz").write_bytes(gzip.compress(multi_member_bomb(b"\0", 1024)))
    good_line = json.dumps({"text": STORY_TEXT, "title": "Ferry fares"}).encode() + b"\n"
    (inputs / "bomb.jsonl.gz").write_bytes(
        gzip.compress(good_line)
        + gzip.compress(b'{"text": "')
        + multi_member_bomb(b"a", 4096)
        + gzip.compress(b'"}\n' + good_line)
    )
    warc = inputs / "crawl.warc.gz"
    page = paragraphs_page("Ferry fares cut", STORY[::-1]).encode()
    write_warc(warc, [("https://herald.example.com/one", "response", page, "text/html")], gz=True)
    bomb_at = warc.stat().st_size
    with open(warc, "ab") as handle:
        handle.write(warc_bomb_record("https://herald.example.com/bomb", 1))

    mangled = STORY_TEXT.encode().replace(b"euros", b"\xe9\xff\xfe\x80 euros")
    (inputs / "invalid_utf8.txt").write_bytes(mangled)
    (inputs / "nul.txt").write_bytes(STORY_TEXT.encode().replace(b". ", b".\0 ", 3))
    bidi = (
        "Ferry fares to be cut\n\n"
        + STORY[0]
        + " \u202eمرحبا بالعالم\u202c \u2067שלום\u2069 \u200f\n\n"
        + '"\u202bנמשיך בשיחות\u202c," said Anna Kowalski, the director, in Hebrew.\n\n'
        + "\n\n".join(STORY[1:])
        + "\n"
    )
    (inputs / "bidi.txt").write_text(bidi)

    run = run_cli(["extract", *sorted(str(p) for p in inputs.iterdir())], tmp_path, timeout=180)
    server.shutdown()
    server.server_close()
    assert run.seconds < 90, run.stderr
    assert run.peak_mb < 1500
    assert run.code == 1  # some inputs failed; the others were processed
    records = run.records()
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]

    def error_for(name: str, *words: str) -> None:
        assert any(f"{inputs / name}" in e and all(w in e for w in words) for e in errors), (
            f"no error for {name} saying {words} in:\n{run.stderr}"
        )

    # the good files, and everything readable beside the damage
    for name in ("good.txt", "good.html", "invalid_utf8.txt", "nul.txt", "bidi.txt"):
        record = records[str(inputs / name)]
        assert SPEAKER in {q["speaker"] for q in record["quotes"]}, name
    assert records[f"{inputs / 'bomb.jsonl.gz'}:1"]["title"] == "Ferry fares"
    assert f"{warc}@0" in records

    # HTML nested deeper than the parser goes
    error_for("deep.html", "nested 255 or more elements deep")
    cut = records[str(inputs / "deep_after.html")]
    assert "lost" not in cut["text"] and "ferry fares" in cut["text"]
    assert "html_too_deep" in {w["code"] for w in cut["warnings"]}
    error_for("over_limit.html", "larger than the limit of 52,428,800 bytes")

    # feeds: entities neither expanded nor fetched
    laughing = records[f"{inputs / 'laughs.rss'}#entry=1"]
    assert "lollol" not in laughing["text"]
    assert "xml_entities" in {w["code"] for w in laughing["warnings"]}
    assert records[f"{inputs / 'laughs.rss'}#entry=2"]["quotes"]
    quadratic = records[f"{inputs / 'quadratic.rss'}#entry=1"]
    assert len(quadratic["text"]) < 20_000
    assert f"{inputs / 'quadratic.rss'}#entry=2" in records
    exposed = records[f"{inputs / 'xxe.rss'}#entry=1"]
    assert "TOP-SECRET" not in run.stdout and "LEAKED" not in run.stdout
    assert "ferry fares" in exposed["text"]
    assert _Recorder.requests == []

    # compression
    error_for("bomb.txt.gz", "gzip data inflates to more than the limit")
    error_for("nested.txt.gz", "gzip data inside gzip data")
    error_for("bomb.jsonl.gz:2", "line longer than the limit")
    error_for("bomb.jsonl.gz", "decompression bomb")
    error_for(f"crawl.warc.gz@{bomb_at}", "decompression bomb")

    # odd text: decoded, flagged, offsets intact
    warnings = {line for line in run.stderr.splitlines() if line.startswith("warning:")}
    assert any(f"{inputs / 'invalid_utf8.txt'}: not valid UTF-8" in w for w in warnings)
    assert any(f"{inputs / 'nul.txt'}: contains NUL" in w for w in warnings)
    rtl = records[str(inputs / "bidi.txt")]
    assert rtl["text"] == bidi  # bidi controls kept: every offset points into the input
    for quote in rtl["quotes"]:
        for start, end in quote["content"]:
            assert 0 <= start < end <= len(bidi)


# --------------------------------------------------------------------------- big pages


def test_a_page_just_under_the_size_limit_is_cut_to_size_and_finishes(tmp_path: Path) -> None:
    """50 MiB of distinct paragraphs: the text past ``max_page_chars`` is dropped first."""
    paragraphs = [f"{n}. {STORY[n % len(STORY)]}" for n in range(180_000)]
    page = paragraphs_page("Ferry fares cut", paragraphs).encode()
    page += b" " * (50 * MiB - 2000 - len(page))
    assert 49 * MiB < len(page) < 50 * MiB
    (tmp_path / "huge.html").write_bytes(page)
    (tmp_path / "good.txt").write_text(STORY_TEXT)

    run = run_cli(
        [
            "extract",
            "--max-chars",
            "20000",
            str(tmp_path / "huge.html"),
            str(tmp_path / "good.txt"),
        ],
        tmp_path,
        timeout=180,
    )
    assert run.code == 0, run.stderr
    assert run.seconds < 60
    assert run.peak_mb < 1500
    records = run.records()
    huge = records[str(tmp_path / "huge.html")]
    codes = {w["code"] for w in huge["warnings"]}
    assert {"page_truncated", "analysis_truncated"} <= codes
    assert 1_000_000 < len(huge["text"]) <= 2_000_000
    assert records[str(tmp_path / "good.txt")]["quotes"]


def test_cut_page_keeps_the_start_of_a_wide_page_in_document_order() -> None:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(
        "<html><body><div><p>one two</p><script>"
        + "x" * 50
        + "</script><p>three</p></div>"
        + "<p>four</p>" * 10
        + "</body></html>"
    )
    assert cut_page(tree, max_chars=1000, max_elements=1000) is None
    assert cut_page(tree, max_chars=12, max_elements=1000) == (
        "page has more than 12 characters of text"
    )
    assert tree.text_content() == "one two" + "x" * 50 + "three"
    tree = lxml_html.fromstring("<html><body>" + "<p>a</p>" * 100 + "</body></html>")
    assert cut_page(tree, max_chars=1000, max_elements=10) == "page has more than 10 elements"
    assert len(list(tree.iter())) == 10


# --------------------------------------------------------------------------- long texts


def test_a_hundred_thousand_quotation_marks_are_analysed_within_bounds(tmp_path: Path) -> None:
    """100,000 quotation marks in one paragraph, in a run and as pairs around words."""
    (tmp_path / "marks.txt").write_text(
        "Marks\n\nHe said " + '"' * 100_000 + " today.\n\n" + STORY[1] + "\n"
    )
    pairs = " ".join(f'"{w}"' for w in ["yes", "no"] * 5_000)
    (tmp_path / "pairs.txt").write_text(f"Marks\n\n{pairs} the minister said.\n")
    (tmp_path / "good.txt").write_text(STORY_TEXT)

    names = ("marks.txt", "pairs.txt", "good.txt")
    run = run_cli(["extract", *(str(tmp_path / n) for n in names)], tmp_path, timeout=180)
    assert run.code == 0, run.stderr
    assert run.seconds < 60
    assert run.peak_mb < 1000
    records = run.records()
    for name in ("marks.txt", "pairs.txt"):
        warnings = records[str(tmp_path / name)]["warnings"]
        too_many = [w for w in warnings if w["code"] == "too_many_quote_marks"]
        assert too_many and str(tmp_path / name) in too_many[0]["message"]
    marks = records[str(tmp_path / "marks.txt")]
    assert SPEAKER in {q["speaker"] for q in marks["quotes"]}  # the next paragraph's quote
    assert SPEAKER in {q["speaker"] for q in records[str(tmp_path / "good.txt")]["quotes"]}


@pytest.mark.slow
def test_a_million_word_paragraph_is_analysed_up_to_the_default_limit(tmp_path: Path) -> None:
    """The default limit (a million characters) bounds the work on one article."""
    words = ["the", "minister", "said", "that", "talks", "would", "continue", "next", "week"]
    text = "One long paragraph\n\n" + " ".join(words[i % len(words)] for i in range(1_000_000))
    (tmp_path / "million.txt").write_text(text + ".\n")
    (tmp_path / "good.txt").write_text(STORY_TEXT)
    run = run_cli(
        [
            "extract",
            "--extractor",
            "rules",
            str(tmp_path / "million.txt"),
            str(tmp_path / "good.txt"),
        ],
        tmp_path,
        timeout=300,
    )
    assert run.code == 0, run.stderr
    assert run.seconds < 120
    assert run.peak_mb < 1200
    assert f"{tmp_path / 'million.txt'}: only the first 1,000,000 characters were analysed" in (
        run.stderr
    )
    records = run.records()
    assert records[str(tmp_path / "million.txt")]["text"] == text + ".\n"
    assert records[str(tmp_path / "good.txt")]["quotes"]


def test_many_quoted_regions_cost_the_rules_linear_time(nlp: object) -> None:
    """Thousands of quotes across paragraphs (each under the per-paragraph cap): the rules'
    look-ups are binary searches, not a walk over every region for every verb."""
    paragraph = '"Yes," he said. "No," she said. "Maybe," they said.'
    text = "Quotes\n\n" + "\n\n".join([paragraph] * 1500) + "\n"
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)][1:]
    parsed = parse_paragraphs(text, spans, nlp)  # type: ignore[arg-type]
    regions, _ = find_quoted_regions(text, spans)
    assert len(regions) == 4500
    started = time.process_time()
    found = QuoteRules(parsed, regions).extract()
    assert time.process_time() - started < 3.0
    assert len(found) >= 4000


# --------------------------------------------------------------------------- pieces


def test_paragraph_pieces_cover_the_text_and_bound_every_run() -> None:
    text = "x" * 5 + " " + '"' * 1000 + " " + "word " * 5000 + "y" * 450
    spans = [(0, len(text))]
    pieces = paragraph_pieces(text, spans)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    for start, end in pieces:
        assert end - start <= 10_000
        assert max(len(run) for run in text[start:end].split() or [""]) <= MAX_TOKEN_CHARS


def test_a_run_of_quotation_marks_parses_in_linear_time(nlp: object) -> None:
    """spaCy strips one mark at a time, quadratic in a run's length: runs are cut."""
    text = "He said " + '"' * 20_000 + " today."
    started = time.process_time()
    parsed = parse_paragraphs(text, [(0, len(text))], nlp)  # type: ignore[arg-type]
    assert time.process_time() - started < 6.0
    assert sum(len(p.doc) for p in parsed.paragraphs) > 20_000


def test_too_many_marks_in_a_paragraph_are_not_paired() -> None:
    text = "A\n" + '"a" ' * (MAX_QUOTE_MARKS // 2 + 1) + "\n" + '"Yes," she said.'
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    regions, notices = find_quoted_regions(text, spans, location="story.txt")
    assert [r.span for r in regions] == [(spans[2][0], spans[2][0] + 6)]
    assert notices[0].code == "too_many_quote_marks"
    assert notices[0].message.startswith("story.txt: 1,002 quotation marks in one paragraph")


# --------------------------------------------------------------------------- readers


def test_an_overlong_jsonl_line_is_skipped_and_the_next_one_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": STORY_TEXT}).encode(),
        json.dumps({"text": "x " * 3000}).encode(),
        json.dumps({"text": STORY_TEXT.replace("Ferry", "Boat")}).encode(),
    ]
    for name, data in (
        ("plain.jsonl", b"\n".join(lines) + b"\n"),
        ("packed.jsonl.gz", gzip.compress(b"\n".join(lines) + b"\n")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        items = list(iter_documents([str(path)], ReadSettings(max_bytes=5000)))
        assert [getattr(i, "code", "document") for i in items] == [
            "document",
            "too_large",
            "document",
        ]
        assert items[1].path == f"{path}:2"  # type: ignore[union-attr]
        assert items[2].path == f"{path}:3"  # type: ignore[union-attr]


def test_iter_lines_stops_a_bomb_without_holding_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip.compress(b"first\n") + multi_member_bomb(b"a" * 1023 + b"\n", 2048))
    started = time.process_time()
    with gzip.open(path) as stream:
        lines = list(iter_lines(str(path), stream, max_line_bytes=5000))  # type: ignore[arg-type]
    assert time.process_time() - started < 5.0
    assert lines[0] == b"first\n"
    assert getattr(lines[-1], "code", None) == "decompression_bomb"
    assert len(lines) < 100_000  # it stopped well before the 2 million lines of the bomb


def test_a_stdin_gzip_bomb_is_refused() -> None:
    result = CliRunner().invoke(app, ["extract", "-"], input=multi_member_bomb(b"a", 1024))
    assert result.exit_code == 1
    assert "-: gzip data inflates to more than the limit" in result.output


def test_entity_declarations_are_disarmed_in_every_encoding_feedparser_reads() -> None:
    """A DOCTYPE on the XML declaration's line reaches expat, which expands up to 8 MiB
    freely (and then 100 times the input): 6 MB here, were the declaration not broken."""
    for codec in ("utf-8", "utf-16", "utf-16-be", "utf-32"):
        feed = (
            f'<?xml version="1.0" encoding="{codec.removesuffix("-be")}"?>'
            '<!DOCTYPE rss [<!ENTITY a "' + "a" * 100_000 + '">]>'
            '<rss version="2.0"><channel><title>T</title><item><title>One</title>'
            "<description>" + "&a;" * 60 + " The council said fares would fall.</description>"
            "</item></channel></rss>"
        )
        data = feed.encode(codec)
        assert disarm_entities(data)[1] == 1
        (entry,) = read_feed("feed.xml", data)
        assert isinstance(entry, RawDocument), codec
        assert "fares would fall" in entry.text and len(entry.text) < 1000, codec
        assert [n.code for n in entry.notices] == ["xml_entities"]


def test_an_html_page_nested_past_the_parser_depth_says_so() -> None:
    inner = "".join(f"<p>{p}</p>" for p in STORY)
    found = html_to_document("deep.html", f"<html><body>{'<b>' * 300}{inner}</body></html>")
    assert getattr(found, "code", None) == "unparseable_html"
    assert found.message.startswith("deep.html: HTML nested 255 or more")  # type: ignore[union-attr]


def test_hostile_text_extracts_in_process_with_exact_offsets(nlp: object) -> None:
    text = (
        "Talks\n\n\u202e"
        + STORY[1]
        + "\u202c\0\n\n"
        + "\u05d4\u05e9\u05e8 \u05d0\u05de\u05e8 \u00ab\u05e0\u05de\u05e9\u05d9\u05da\u00bb. "
        + STORY[6]
        + "\n"
    )
    record = extract_article(RawDocument(path="odd.txt", text=text), nlp)  # type: ignore[arg-type]
    assert record.text == text
    assert {q.speaker for q in record.quotes} >= {SPEAKER}


# --------------------------------------------------------------------------- docs


def test_every_limit_setting_is_documented() -> None:
    documented = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    sources = [
        p.read_text(encoding="utf-8")
        for layer in ("ingest", "clean", "nlp")
        for p in (ROOT / "src" / "onrecord" / layer).rglob("*.py")
    ]
    names = {n for s in sources for n in re.findall(r'"(ONRECORD_MAX_[A-Z_]+)"', s)}
    assert len(names) >= 9
    for name in sorted(names):
        assert f"`{name}`" in documented, name
