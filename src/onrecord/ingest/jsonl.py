"""Reading JSONL exports: one article per line, with a documented field mapping.

Owns turning each JSON object into a ``RawDocument`` through ``JsonlFields`` (which key
holds the text, or the raw HTML, and which the title, URL, date, authors, site and
language; dotted names reach into nested objects). Lines are named ``path:N``. A line
that is not JSON, not an object, or has no text is reported and the next line read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from onrecord.ingest.errors import InputError
from onrecord.ingest.html import DEFAULT_HTML_SETTINGS, HtmlSettings, html_to_document
from onrecord.models import RawDocument


@dataclass(frozen=True)
class JsonlFields:
    """Which key of each JSON object holds what (``a.b`` reaches into nested objects).

    Attributes:
        text: The article's plain text.
        html: The article's raw HTML, used when there is no text (the body is
            extracted as for an HTML file).
        title: The headline.
        url: Its URL.
        published: Its publication date.
        authors: A name or a list of names.
        site: The outlet.
        language: Its declared language.
    """

    text: str = "text"
    html: str = "html"
    title: str = "title"
    url: str = "url"
    published: str = "published"
    authors: str = "authors"
    site: str = "site"
    language: str = "language"


def read_jsonl(
    path: str,
    lines: Iterable[bytes | InputError],
    fields: JsonlFields = JsonlFields(),
    *,
    settings: HtmlSettings = DEFAULT_HTML_SETTINGS,
    first_line: int = 1,
) -> Iterator[RawDocument | InputError]:
    """Read the articles of a JSONL export.

    Args:
        path: The file's path, for locations.
        lines: Its lines (an ``InputError`` among them, from a truncated gzip, is passed
            through).
        fields: Which keys hold what.
        settings: How to extract the body of an HTML field.
        first_line: The number of the first line (for a part of a file), in locations.

    Yields:
        A document per usable line, an ``InputError`` per other non-blank line.
    """
    for number, line in enumerate(lines, start=first_line):
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        location = f"{path}:{number}"
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
            yield InputError(location, "bad_json", f"{location}: not valid JSON ({exc})")
            continue
        if not isinstance(item, dict):
            yield InputError(
                location, "bad_json", f"{location}: a JSON {type(item).__name__}, not an object"
            )
            continue
        yield _document(location, item, fields, settings)


def _document(
    location: str, item: dict[str, Any], fields: JsonlFields, settings: HtmlSettings
) -> RawDocument | InputError:
    text = _string(lookup(item, fields.text))
    html = _string(lookup(item, fields.html))
    url = _string(lookup(item, fields.url))
    if text and text.strip():
        document: RawDocument | InputError = RawDocument(path=location, text=text, format="jsonl")
    elif html and html.strip():
        document = html_to_document(
            location, html, url=url, settings=settings, source_format="jsonl"
        )
    else:
        return InputError(
            location,
            "missing_field",
            f"{location}: no text in field {fields.text!r} or HTML in field {fields.html!r}",
        )
    if isinstance(document, InputError):
        return document
    document.title = _string(lookup(item, fields.title)) or document.title
    document.url = url or document.url
    document.published = _string(lookup(item, fields.published)) or document.published
    document.site = _string(lookup(item, fields.site)) or document.site
    document.language = _string(lookup(item, fields.language)) or document.language
    authors = lookup(item, fields.authors)
    if isinstance(authors, list):
        document.authors = [a for a in (_string(x) for x in authors) if a]
    elif _string(authors):
        document.authors = [str(_string(authors))]
    return document


def lookup(item: dict[str, Any], key: str) -> Any:
    """Return ``item[key]``, following dots into nested objects; None when absent.

    Args:
        item: The JSON object.
        key: A key, or a dotted path such as ``meta.title``.
    """
    if key in item:
        return item[key]
    value: Any = item
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _string(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text if text.strip() else None
