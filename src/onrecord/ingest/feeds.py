"""Turning an RSS or Atom feed into one ``RawDocument`` per entry.

Owns reading feeds with feedparser: each entry becomes an article whose text is the
entry's full HTML content when the feed carries it (``content:encoded``, Atom
``content``), else its summary; title, link, authors, publication date and the feed's
title (as the site) come from the feed. Entity declarations are disarmed before
parsing: feedparser's fallback parser expands the entities it deems safe, so a feed of
a few MB could otherwise inflate to GBs ("billion laughs" and its quadratic cousin);
external entities are never fetched (expat's external entities are off, and the
declarations never reach a parser). Does not fetch the linked pages (see ``onrecord
fetch``) and does not extract quotes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from onrecord.ingest.errors import InputError
from onrecord.ingest.html import HtmlSettings, html_to_document
from onrecord.models import Notice, RawDocument

_FRAGMENT_SETTINGS = HtmlSettings(favor_precision=False, with_metadata=False, min_words=1)
"""A feed's content is the article already: keep all of it."""
_ENTITY_CODECS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")
"""Encodings feedparser reads a feed in, for which the declarations are disarmed."""


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

    data, declared = disarm_entities(data)
    try:
        parsed: Any = feedparser.parse(data)
    except ValueError as exc:  # feedparser on an XML declaration naming an odd encoding
        yield InputError(location, "not_a_feed", f"{location}: not a well-formed feed ({exc})")
        return
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
        document = _entry_document(f"{location}#entry={number}", entry, site, language)
        if declared and isinstance(document, RawDocument):
            document.notices.append(
                Notice(
                    "xml_entities",
                    f"{location}: the feed declares XML entities ({declared}); "
                    "they were neither expanded nor fetched",
                )
            )
        yield document


def disarm_entities(data: bytes) -> tuple[bytes, int]:
    """Break every XML entity declaration in a feed, so that no parser defines them.

    ``<!ENTITY`` becomes ``<!-ENTITY``, which is no declaration: the strict parser
    rejects the DOCTYPE and feedparser's fallback parser finds no entities to expand, so
    ``&name;`` stays as written. Done in each encoding feedparser may read the feed in,
    as feedparser transcodes before it looks for declarations.

    Args:
        data: The feed's bytes.

    Returns:
        The bytes, and how many declarations were disarmed.
    """
    count = 0
    for codec in _ENTITY_CODECS:
        declaration = "<!ENTITY".encode(codec)
        found = data.count(declaration)
        if found:
            count += found
            data = data.replace(declaration, "<!-ENTITY".encode(codec))
    return data, count


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
        # dict.get: FeedParserDict.get maps updated_parsed to published_parsed (and warns);
        # this loop already falls back in its own order.
        value = dict.get(entry, key)
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
