"""The invariants the atheris harnesses check on every input, and the two entry points.

``check_text_input`` runs bytes through the plain-text path (decoding, layout clean-up,
quote pairing, extraction); ``check_html_input`` runs them through the HTML path (body
and metadata extraction, then extraction). Each raises ``AssertionError`` when a
documented promise is broken and lets any unexpected exception through, which is what
the fuzzer reports as a crash. ``tests/test_fuzz_regressions.py`` replays the inputs kept
in ``tests/data/fuzz_regressions`` through the same functions, without atheris.
"""

from __future__ import annotations

import itertools
from typing import Any

from onrecord.clean.layout import analyse_layout, iter_lines, published_date
from onrecord.ingest.errors import InputError
from onrecord.ingest.files import decode_document
from onrecord.ingest.html import HtmlSettings, html_to_document
from onrecord.models import ArticleRecord, RawDocument, Span
from onrecord.nlp.pipeline import extract_article
from onrecord.nlp.quotes.marks import ALL_MARKS, find_quoted_regions

MAX_INPUT_BYTES = 64 * 1024
"""Inputs larger than this are refused by the decoder (``too_large``), as a small limit."""

_DECODE_ERRORS = {"too_large", "empty", "binary", "undecodable"}
_HTML_ERRORS = {"no_body", "unparseable_html"}
_FRAGMENT_SETTINGS = HtmlSettings(favor_precision=False, with_metadata=False, min_words=1)


def _ordered_disjoint(spans: list[Span], size: int) -> None:
    for start, end in spans:
        assert 0 <= start < end <= size, (start, end, size)
    for before, after in itertools.pairwise(spans):
        assert before[1] <= after[0], (before, after)


def check_layout_and_marks(text: str) -> None:
    """Layout spans are lines of the text; quoted regions are ordered, disjoint, inside."""
    lines = iter_lines(text)
    _ordered_disjoint(lines, len(text))
    layout = analyse_layout(text)
    assert set(layout.paragraphs) <= set(lines)
    assert set(layout.boilerplate) <= set(lines)
    assert not set(layout.boilerplate) & set(layout.paragraphs)
    if layout.title_span is not None:
        assert layout.title == text[layout.title_span[0] : layout.title_span[1]]
    published = published_date(text, layout)
    if published is not None:
        from datetime import date

        assert date.fromisoformat(published).isoformat() == published
    regions, notices = find_quoted_regions(text, layout.paragraphs)
    _ordered_disjoint([r.span for r in regions], len(text))
    for region in regions:
        assert any(text.startswith(mark, region.start) for mark in ALL_MARKS)
    assert len(notices) == sum(1 for r in regions if not r.closed)
    assert find_quoted_regions(text, layout.paragraphs) == (regions, notices)


def check_record(record: ArticleRecord, text: str) -> None:
    """Every span of an extracted record lies inside its text, fragments in order."""
    assert record.text == text
    size = len(text)
    for quote in record.quotes:
        assert quote.content
        _ordered_disjoint(quote.content, size)
        _ordered_disjoint(quote.cue, size)
        _ordered_disjoint(quote.source, size)
        assert 0.0 <= quote.confidence <= 1.0
    for entity in record.entities:
        assert all(0 <= s < e <= size for s, e in entity.spans)
    for warning in record.warnings:
        assert all(0 <= s <= e <= size for s, e in warning.spans)
    as_dict = record.to_dict()
    assert ArticleRecord.from_dict(as_dict).to_dict() == as_dict


def check_text_input(data: bytes, nlp: Any) -> None:
    """Bytes as a plain-text article: decode, clean up, pair marks, extract."""
    item = decode_document("fuzz.txt", data, max_bytes=MAX_INPUT_BYTES)
    if isinstance(item, InputError):
        assert item.code in _DECODE_ERRORS, item
        return
    assert isinstance(item, RawDocument) and item.text.strip()
    check_layout_and_marks(item.text)
    check_record(extract_article(item, nlp), item.text)


def check_html_input(data: bytes, nlp: Any) -> None:
    """Bytes as an HTML page: body and metadata, then extraction of the body.

    The first byte chooses the settings: odd for those of a feed entry's content (every
    word kept), so that short bodies reach extraction too.
    """
    settings = _FRAGMENT_SETTINGS if data[:1] and data[0] & 1 else HtmlSettings()
    item = html_to_document("fuzz.html", data, settings=settings)
    if isinstance(item, InputError):
        assert item.code in _HTML_ERRORS, item
        return
    assert item.text == item.text.strip() and len(item.text.split()) >= settings.min_words
    for value in (item.title, item.url, item.published, item.site, item.language):
        assert value is None or value.strip()
    check_layout_and_marks(item.text)
    check_record(extract_article(item, nlp), item.text)
