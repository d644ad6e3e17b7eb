"""Turning one saved or fetched HTML page into a ``RawDocument``: the article body.

Owns main-text extraction (trafilatura, tuned for precision, which scores higher on news
than its default: see ``onrecord eval extraction``) and the page's metadata — title,
authors, publication date (trafilatura's htmldate), site name, canonical URL and the
declared language. A hostile page is cut down to size before any of that runs: past
``HtmlSettings.max_page_chars`` characters of text or ``max_page_elements`` elements the
rest of the page is dropped (with a notice), and a page nested deeper than libxml2's
limit is reported as such (the parser stops at that depth). Does not find pages in
containers (``ingest.warc``, ``ingest.feeds``, ``ingest.jsonl``) and does not identify
the text's language (``clean.language``).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from typing import Any

from onrecord.ingest.errors import InputError
from onrecord.models import Notice, RawDocument

MAX_PAGE_CHARS = int(os.environ.get("ONRECORD_MAX_PAGE_CHARS", "2000000"))
"""Text of a page past this many characters (scripts and styles not counted) is dropped
before extraction; extraction takes about 2 s per MB of page (a setting)."""
MAX_PAGE_ELEMENTS = int(os.environ.get("ONRECORD_MAX_PAGE_ELEMENTS", "200000"))
"""Elements of a page past this many are dropped before extraction; news pages have a
few thousand (a setting)."""
PARSER_MAX_DEPTH = 255
"""libxml2 stops parsing HTML nested this deep (its limit of 256, not a setting here):
what lies deeper, and everything after it, is not in the tree."""
_DEPTH_PROBE = "/".join(["*"] * PARSER_MAX_DEPTH)
_UNCOUNTED = frozenset({"script", "style", "template", "noscript"})


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
        max_page_chars: Text past this many characters is dropped before extraction.
        max_page_elements: Elements past this many are dropped before extraction.
    """

    favor_precision: bool = True
    include_tables: bool = True
    fast: bool = False
    with_metadata: bool = True
    min_words: int = 10
    max_page_chars: int = MAX_PAGE_CHARS
    max_page_elements: int = MAX_PAGE_ELEMENTS


DEFAULT_HTML_SETTINGS = HtmlSettings()

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
    notices: list[Notice] = []
    too_deep = bool(tree.xpath(_DEPTH_PROBE))
    if too_deep:
        notices.append(
            Notice(
                "html_too_deep",
                f"{location}: HTML nested {PARSER_MAX_DEPTH} or more elements deep; the "
                "parser stops at that depth, so text deeper in or after it is missing",
            )
        )
    cut = cut_page(tree, settings.max_page_chars, settings.max_page_elements)
    if cut is not None:
        notices.append(Notice("page_truncated", f"{location}: {cut}; the rest was not read"))
    declared = _declared_language(tree)
    try:
        # Metadata first: extraction prunes the tree in place.
        meta = page_metadata(tree, url) if settings.with_metadata else PageMetadata()
        _lighten(tree)
        extracted: Any = bare_extraction(
            tree,
            url=meta.url or url,
            favor_precision=settings.favor_precision,
            include_tables=settings.include_tables,
            include_comments=False,
            fast=settings.fast,
            with_metadata=False,
        )
    except (ValueError, TypeError, AttributeError) as exc:  # trafilatura on malformed trees
        return InputError(
            location, "unparseable_html", f"{location}: HTML extraction failed ({exc})"
        )
    body = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not body or len(body.split()) < settings.min_words:
        if too_deep:
            return InputError(
                location,
                "unparseable_html",
                f"{location}: HTML nested {PARSER_MAX_DEPTH} or more elements deep; the "
                "parser stops at that depth and found no article text before it",
            )
        return InputError(
            location,
            "no_body",
            f"{location}: no article text found in the HTML"
            + (f" (only {len(body.split())} words)" if body else ""),
        )
    return RawDocument(
        path=location,
        text=body,
        encoding="utf-8",
        notices=notices,
        format=source_format,
        title=meta.title,
        url=meta.url or url,
        authors=split_authors(meta.author),
        published=meta.date,
        site=meta.site,
        language=declared,
    )


@dataclass(frozen=True)
class PageMetadata:
    """What a page says about itself (all optional).

    Attributes:
        title: Headline.
        author: Authors, ``"; "``-separated as trafilatura gives them.
        url: Canonical URL.
        date: Publication date, ISO 8601 (``YYYY-MM-DD``).
        site: Site name.
    """

    title: str | None = None
    author: str | None = None
    url: str | None = None
    date: str | None = None
    site: str | None = None


def page_metadata(tree: Any, url: str | None = None) -> PageMetadata:
    """Read a page's metadata with trafilatura's and htmldate's extractors.

    The same steps as ``trafilatura.extract_metadata`` (meta tags, then JSON-LD, then
    the page's markup; the date from htmldate), minus the categories, tags and licence
    that onrecord does not keep: they cost a tenth of the time per page.

    Args:
        tree: The parsed page (not modified).
        url: The URL it was fetched from, if known.

    Returns:
        The metadata found.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm
    from trafilatura.settings import set_date_params

    found = tm.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a handle or a single word is not a byline
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reader fails on odd markup
        found = tm.extract_meta_json(tree, found)
    title = found.title or tm.extract_title(tree)
    author = found.author or tm.extract_author(tree)
    page_url = found.url or tm.extract_url(tree, url)
    date_params = {**set_date_params(True), "url": page_url}
    date = find_date(tree, **date_params)
    site = found.sitename or tm.extract_sitename(tree)
    if site:
        site = site.lstrip("@")
        if site and "." not in site and not site[0].isupper():
            site = site.title()
    elif page_url:
        match = tm.META_URL.match(page_url)
        site = match[1] if match else None
    return PageMetadata(_clean(title), _clean(author), _clean(page_url), _clean(date), _clean(site))


_NEVER_ARTICLE = (
    "style", "svg", "noscript", "iframe", "button", "select", "nav", "footer", "aside",
    "canvas", "video", "audio", "object", "embed", "map",
)  # fmt: skip
"""Elements that never hold article text; removed before extraction for speed (the
extractor drops them too, but only after several passes over the whole tree). Not
``form``: some sites wrap the whole page in one."""
_POPUP_CLASS = re.compile(r"(?:^|[\s-])(?:tooltip|popover|hovercard|rollover)")
"""Classes of pop-ups a style sheet shows on hover: a person's card beside each linked
name ("Kristi NoemKristi Lynn NoemSouth Dakota governor" was glued into a sentence);
``onrecord eval extraction`` F1 0.9716 → 0.9733 on the Zyte pages, for about 0.7 ms a
page."""


def cut_page(tree: Any, max_chars: int, max_elements: int) -> str | None:
    """Drop everything after the first ``max_chars`` characters or ``max_elements`` elements.

    Extraction and metadata search pass over the whole tree several times, so a huge
    page is cut, in document order, before they run. Text in scripts and styles is not
    counted (pages carry MBs of it, and it is removed before extraction anyway).

    Args:
        tree: The parsed page, changed in place.
        max_chars: Text characters kept.
        max_elements: Elements kept.

    Returns:
        What was over the limit, for a notice; None when nothing was cut.
    """
    chars = 0
    for count, element in enumerate(tree.iter(), start=1):
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag not in _UNCOUNTED:
            chars += len(element.text or "")
        chars += len(element.tail or "")
        if count <= max_elements and chars <= max_chars:
            continue
        node = element
        while (parent := node.getparent()) is not None:
            for later in list(node.itersiblings()):
                parent.remove(later)
            node = parent
        if element.getparent() is not None:
            element.getparent().remove(element)
        else:
            element.clear()
        if count > max_elements:
            return f"page has more than {max_elements:,} elements"
        return f"page has more than {max_chars:,} characters of text"
    return None


def _lighten(tree: Any) -> None:
    from lxml import etree

    body = tree.find("body")
    if body is None:
        return
    etree.strip_elements(body, *_NEVER_ARTICLE, with_tail=False)
    for script in list(body.iter("script")):
        if "ld+json" not in (script.get("type") or "") and script.getparent() is not None:
            script.drop_tree()
    marked = [e for e in body.iter() if _POPUP_CLASS.search(e.get("class") or "")]
    for popup in marked:
        if popup.tag == "a" or popup.getparent() is None:
            continue
        if any(_POPUP_CLASS.search(link.get("class") or "") for link in popup.iter("a")):
            # the hover element around the linked name itself ("Gov. <span
            # class=rollover-people><a class=rollover-people-link>Kristi Noem</a><span
            # class=rollover-people-block>card</span></span>"): only its card goes
            continue
        popup.drop_tree()


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
