"""Turning one saved or fetched HTML page into a ``RawDocument``: the article body.

Owns main-text extraction (trafilatura, tuned for precision, which scores higher on news
than its default: see ``onrecord eval extraction``) and the page's metadata — title,
authors, publication date (trafilatura's htmldate), site name, canonical URL and the
declared language. Does not find pages in containers (``ingest.warc``, ``ingest.feeds``,
``ingest.jsonl``) and does not identify the text's language (``clean.language``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from onrecord.ingest.errors import InputError
from onrecord.models import Notice, RawDocument


@dataclass(frozen=True)
class HtmlSettings:
    """How the article body is told from the rest of a page.

    Attributes:
        favor_precision: Leave out doubtful blocks (trafilatura's option); on the news
            benchmark this wins more precision than it costs recall.
        include_tables: Keep tables that are part of the body.
        fast: Skip trafilatura's fallback extractors (faster, lower recall).
        with_metadata: Read title, authors, date and site name.
        min_words: A page whose body has fewer words than this has no article (a menu
            or a cookie notice is all that was found).
    """

    favor_precision: bool = True
    include_tables: bool = True
    fast: bool = False
    with_metadata: bool = True
    min_words: int = 10


DEFAULT_HTML_SETTINGS = HtmlSettings()
PLAIN_TRAFILATURA = HtmlSettings(favor_precision=False, with_metadata=False, min_words=0)
"""trafilatura's own defaults: the baseline ``onrecord eval extraction`` compares against."""

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*$")


def looks_like_html(data: bytes) -> bool:
    """Tell whether bytes start like an HTML page (doctype, ``<html>``, ``<head>``)."""
    return bool(_HTML_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")))


def html_to_document(
    location: str,
    html: bytes | str,
    *,
    url: str | None = None,
    settings: HtmlSettings = DEFAULT_HTML_SETTINGS,
    source_format: str = "html",
) -> RawDocument | InputError:
    """Extract the article body and metadata of one HTML page.

    Args:
        location: Where the page came from, for messages (a path, ``path@offset``,
            ``path#entry=3``).
        html: The page, as bytes (the charset is detected) or text.
        url: The URL it was fetched from; helps the extractor and is kept when the page
            names no canonical URL.
        settings: Extraction options.
        source_format: The ``format`` to record (``html``, ``warc``, ``feed``, ``jsonl``).

    Returns:
        The document, whose text is the body alone, or an ``InputError`` (``no_body``,
        ``unparseable_html``) when no article text can be found.
    """
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)
    except (ValueError, TypeError) as exc:
        return InputError(location, "unparseable_html", f"{location}: cannot parse HTML ({exc})")
    if tree is None:
        return InputError(location, "unparseable_html", f"{location}: not parseable as HTML")
    declared = _declared_language(tree)
    try:
        extracted: Any = bare_extraction(
            tree,
            url=url,
            favor_precision=settings.favor_precision,
            include_tables=settings.include_tables,
            include_comments=False,
            fast=settings.fast,
            with_metadata=settings.with_metadata,
        )
    except (ValueError, TypeError, AttributeError) as exc:  # trafilatura on malformed trees
        return InputError(
            location, "unparseable_html", f"{location}: HTML extraction failed ({exc})"
        )
    body = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not body or len(body.split()) < settings.min_words:
        return InputError(
            location,
            "no_body",
            f"{location}: no article text found in the HTML"
            + (f" (only {len(body.split())} words)" if body else ""),
        )
    notices: list[Notice] = []
    return RawDocument(
        path=location,
        text=body,
        encoding="utf-8",
        notices=notices,
        format=source_format,
        title=_clean(getattr(extracted, "title", None)),
        url=_clean(getattr(extracted, "url", None)) or url,
        authors=split_authors(getattr(extracted, "author", None)),
        published=_clean(getattr(extracted, "date", None)),
        site=_clean(getattr(extracted, "sitename", None)),
        language=declared,
    )


def split_authors(value: str | None) -> list[str]:
    """Split trafilatura's ``"A; B"`` (or a feed's ``"A and B"``) into names.

    Args:
        value: The author string, or None.

    Returns:
        The names, stripped, without duplicates, in order.
    """
    if not value:
        return []
    names: list[str] = []
    for part in re.split(r";|\s+and\s+|\s*&\s*", value):
        name = part.strip(" ,")
        if name and name not in names:
            names.append(name)
    return names


def _declared_language(tree: Any) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang or not _LANG.match(lang.strip()):
        return None
    return str(lang.strip().split("-")[0].split("_")[0].lower())


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
