"""Turning an RSS or Atom feed into one ``RawDocument`` per entry.

Owns reading feeds with feedparser: each entry becomes an article whose text is the
entry's full HTML content when the feed carries it (``content:encoded``, Atom
``content``), else its summary; title, link, authors, publication date and the feed's
title (as the site) come from the feed. Does not fetch the linked pages (see
``onrecord fetch``) and does not extract quotes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from onrecord.ingest.errors import InputError
from onrecord.ingest.html import HtmlSettings, html_to_document
from onrecord.models import RawDocument

_FRAGMENT_SETTINGS = HtmlSettings(favor_precision=False, with_metadata=False, min_words=1)
"""A feed's content is the article already: keep all of it."""


def read_feed(location: str, data: bytes) -> Iterator[RawDocument | InputError]:
    """Read every entry of a feed.

    Args:
        location: The feed's path, for messages; entries are named ``location#entry=N``
            (N counts from 1).
        data: The feed's bytes.

    Yields:
        One document per entry with text, an ``InputError`` for each entry without any
        (``no_body``), or a single ``not_a_feed`` error when the data is not a feed.
    """
    import feedparser

    parsed: Any = feedparser.parse(data)
    entries = list(parsed.get("entries") or [])
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"not a well-formed feed ({problem})" if problem else "no entries found"
        if not parsed.get("version") and not problem:
            reason = "not an RSS or Atom feed"
        yield InputError(location, "not_a_feed", f"{location}: {reason}")
        return
    feed = parsed.get("feed") or {}
    site = _text(feed.get("title"))
    language = _language(feed.get("language"))
    for number, entry in enumerate(entries, start=1):
        yield _entry_document(f"{location}#entry={number}", entry, site, language)


def _entry_document(
    location: str, entry: Any, site: str | None, language: str | None
) -> RawDocument | InputError:
    link = _text(entry.get("link"))
    body_html, body_type = _body(entry)
    if body_html is None:
        return InputError(location, "no_body", f"{location}: entry has no content or summary")
    if "html" in body_type:
        document = html_to_document(
            location,
            f"<html><body><article>{body_html}</article></body></html>",
            url=link,
            settings=_FRAGMENT_SETTINGS,
            source_format="feed",
        )
        if isinstance(document, InputError):
            return document
    else:
        text = body_html.strip()
        if not text:
            return InputError(location, "no_body", f"{location}: entry has an empty body")
        document = RawDocument(path=location, text=text, format="feed")
    document.title = _text(entry.get("title")) or document.title
    document.url = link or document.url
    document.authors = _authors(entry) or document.authors
    document.published = _date(entry) or document.published
    document.site = site or document.site
    document.language = _language(entry.get("language")) or language or document.language
    return document


def _body(entry: Any) -> tuple[str | None, str]:
    """The richest body an entry carries: full content first, then the summary."""
    best: tuple[str | None, str] = (None, "")
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip() and len(value) > len(best[0] or ""):
            best = (value, content.get("type") or "text/html")
    if best[0] is None:
        summary = entry.get("summary")
        if summary and summary.strip():
            detail = entry.get("summary_detail") or {}
            best = (summary, detail.get("type") or "text/html")
    return best


def _authors(entry: Any) -> list[str]:
    names: list[str] = []
    for author in entry.get("authors") or []:
        name = _text(author.get("name"))
        if name and name not in names:
            names.append(name)
    return names


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
    return None


def _language(value: Any) -> str | None:
    text = _text(value)
    return text.split("-")[0].lower() if text else None


def _text(value: Any) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None
