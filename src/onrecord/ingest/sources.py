"""One entry point for every input form: files, directories, stdin, in any format.

Owns ``iter_documents``: expanding the user's paths, deciding each input's format
(``ingest.sniff``), decompressing gzip (``ingest.compressed``) and handing the input to
its reader — plain text (``ingest.files``), HTML (``ingest.html``), feeds
(``ingest.feeds``), WARC (``ingest.warc``) or JSONL (``ingest.jsonl``). Every problem
comes out as an ``InputError`` in the stream, beside the documents, so a batch always
runs to its end. ``iter_url_documents`` does the same for a list of URLs, fetched by
``ingest.fetch``.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from onrecord.ingest.compressed import (
    MAX_INFLATION_RATIO,
    inflate,
    is_gzip,
    iter_lines,
    open_stream,
    read_file,
)
from onrecord.ingest.errors import InputError
from onrecord.ingest.feeds import read_feed
from onrecord.ingest.fetch import FetchedPage, FetchError, FetchSettings, fetch_urls, read_url_list
from onrecord.ingest.files import DEFAULT_MAX_BYTES, decode_document, size_problem
from onrecord.ingest.html import DEFAULT_HTML_SETTINGS, HtmlSettings, html_to_document
from onrecord.ingest.jsonl import JsonlFields, read_jsonl
from onrecord.ingest.sniff import FORMATS, SUFFIXES, detect_format
from onrecord.ingest.warc import read_warc
from onrecord.models import RawDocument

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class ReadSettings:
    """How inputs are read.

    Attributes:
        max_bytes: Largest article (or page, or feed, or JSONL line, or WARC record)
            accepted, after decompression; WARC and JSONL files may be any size, as
            they are streamed.
        max_inflation_ratio: Streamed gzip data (JSONL, WARC) that inflates more than
            this many times its compressed size is a bomb; the file is not read further.
        input_format: Force one of ``FORMATS`` instead of detecting it.
        html: How article bodies are extracted from HTML.
        jsonl: Which JSONL keys hold what.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_inflation_ratio: int = MAX_INFLATION_RATIO
    input_format: str | None = None
    html: HtmlSettings = DEFAULT_HTML_SETTINGS
    jsonl: JsonlFields = field(default_factory=JsonlFields)


def iter_documents(
    paths: Iterable[str],
    settings: ReadSettings | None = None,
    *,
    stdin: BinaryIO | None = None,
) -> Iterator[RawDocument | InputError]:
    """Read every article in the given inputs, whatever their format.

    Args:
        paths: Files, directories (searched recursively for known suffixes, gzipped or
            not) or ``-`` for stdin.
        settings: Reading options; defaults to ``ReadSettings()``.
        stdin: The stream to read for ``-``; defaults to ``sys.stdin.buffer``.

    Yields:
        Documents and ``InputError``s, in input order.
    """
    settings = settings or ReadSettings()
    if settings.input_format is not None and settings.input_format not in FORMATS:
        raise ValueError(
            f"unknown input format {settings.input_format!r}; choose one of {', '.join(FORMATS)}"
        )
    for item in iter_input_files(paths):
        if isinstance(item, InputError):
            yield item
        elif item == "-":
            yield from _read_stdin(stdin or sys.stdin.buffer, settings)
        else:
            yield from _read_file(item, settings)


def iter_input_files(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Expand the user's paths: directories recursively (sorted), ``-`` kept as is.

    Inside directories, files with a known suffix (``.txt``, ``.html``, ``.warc``,
    ``.jsonl``, ``.xml``, ... optionally followed by ``.gz``) or none are taken, and
    hidden files and folders are skipped; a file named explicitly is always taken.

    Args:
        paths: Paths as given on the command line.

    Yields:
        Each file path, or an ``InputError`` for a missing path or an unlistable folder.
    """
    for given in paths:
        if given == "-":
            yield given
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk_directory(path)
        elif path.exists() or path.is_symlink():
            yield given
        else:
            yield InputError(given, "not_found", f"{given}: no such file or directory")


def _walk_directory(root: Path) -> Iterator[str | InputError]:
    errors: list[InputError] = []

    def on_error(exc: OSError) -> None:
        name = exc.filename or str(root)
        errors.append(
            InputError(str(name), "unreadable", f"{name}: cannot list directory ({exc.strerror})")
        )

    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and _wanted(name):
                found.append(os.path.join(dirpath, name))
    yield from sorted(found)
    yield from errors


def _wanted(name: str) -> bool:
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
        if not suffixes:
            return False
    return not suffixes or suffixes[-1] in SUFFIXES


def _read_file(path: str, settings: ReadSettings) -> Iterator[RawDocument | InputError]:
    try:
        with open(path, "rb") as raw:
            head = raw.read(SNIFF_BYTES)
    except OSError as exc:
        yield InputError(path, "unreadable", f"{path}: cannot read ({exc.strerror or exc})")
        return
    sniffed, gzipped = sniff_format(path, head)
    kind = settings.input_format or sniffed
    if kind == "warc":
        yield from read_warc(
            path,
            max_record_bytes=settings.max_bytes,
            settings=settings.html,
            max_ratio=settings.max_inflation_ratio,
        )
        return
    try:
        if kind == "jsonl":
            with open_stream(path) as stream:
                lines = iter_lines(
                    path,
                    stream,
                    max_line_bytes=settings.max_bytes,
                    max_ratio=settings.max_inflation_ratio,
                )
                yield from read_jsonl(path, lines, settings.jsonl, settings=settings.html)
            return
        data, damage = read_file(path, settings.max_bytes)
    except OSError as exc:
        yield InputError(path, "unreadable", f"{path}: cannot read ({exc.strerror or exc})")
        return
    if gzipped and (len(data) > settings.max_bytes or is_gzip(data)):
        yield _gzip_problem(path, data, settings.max_bytes)
        return
    if damage is not None:
        yield damage
        if not data.strip():
            return
    yield from _read_bytes(path, kind, data, settings)


def sniff_format(path: str, head: bytes) -> tuple[str, bool]:
    """A file's format from its first bytes (inflated first when gzipped).

    Args:
        path: The file, for its name.
        head: Its first ``SNIFF_BYTES`` bytes as stored.

    Returns:
        One of ``FORMATS``, and whether the file is gzipped.
    """
    gzipped = is_gzip(head)
    if gzipped:
        head, _ = inflate(path, [head], SNIFF_BYTES)
    return detect_format(path, head), gzipped


def _gzip_problem(location: str, data: bytes, max_bytes: int) -> InputError:
    """The error for gzip data that inflates past the limit, or holds gzip data again."""
    if len(data) > max_bytes:
        return InputError(
            location,
            "too_large",
            f"{location}: gzip data inflates to more than the limit of {max_bytes:,} bytes "
            "(a decompression bomb?); not read",
        )
    return InputError(
        location,
        "nested_gzip",
        f"{location}: gzip data inside gzip data; nested compression is not read",
    )


def _read_stdin(stream: BinaryIO, settings: ReadSettings) -> Iterator[RawDocument | InputError]:
    data, damage = stream.read(settings.max_bytes + 1), None
    if is_gzip(data):
        data, damage = inflate("-", [data], settings.max_bytes)
        if len(data) > settings.max_bytes or is_gzip(data):
            yield _gzip_problem("-", data, settings.max_bytes)
            return
    if damage is not None:
        yield damage
    kind = settings.input_format or detect_format("-", data[:SNIFF_BYTES])
    if kind == "warc":
        yield InputError("-", "unsupported", "-: WARC input must be a file, not stdin")
        return
    if kind == "jsonl":
        yield from read_jsonl("-", io.BytesIO(data), settings.jsonl, settings=settings.html)
        return
    yield from _read_bytes("-", kind, data, settings)


def _read_bytes(
    location: str, kind: str, data: bytes, settings: ReadSettings
) -> Iterator[RawDocument | InputError]:
    problem = size_problem(location, data, settings.max_bytes)
    if problem is not None:
        yield problem
    elif kind == "html":
        yield html_to_document(location, data, settings=settings.html)
    elif kind == "feed":
        yield from read_feed(location, data)
    else:
        yield decode_document(location, data, max_bytes=settings.max_bytes)


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def iter_url_documents(
    url_list: str,
    fetching: FetchSettings | None = None,
    settings: ReadSettings | None = None,
) -> Iterator[RawDocument | InputError]:
    """Fetch every URL of a list (``ingest.fetch``) and read each page by its format.

    HTML pages become one document each (located by their URL); feeds, one per entry;
    plain text is decoded as a text article. A URL that could not be fetched, or whose
    content is none of these, is an ``InputError`` located by its URL.

    Args:
        url_list: A file with one URL per line (``#`` comments and blank lines allowed).
        fetching: Politeness, retries, timeouts and size cap.
        settings: Reading options (``max_bytes`` is the fetch size cap unless
            ``fetching`` says otherwise).

    Yields:
        Documents and errors, in the list's order.

    Raises:
        OSError: If the URL list itself cannot be read.
    """
    settings = settings or ReadSettings()
    fetching = fetching or FetchSettings(max_bytes=settings.max_bytes)
    for item in fetch_urls(read_url_list(url_list), fetching):
        if isinstance(item, FetchError):
            yield InputError(item.url, item.code, item.message)
            continue
        kind = settings.input_format or _web_format(item)
        if kind == "html":
            yield html_to_document(item.url, item.body, url=item.final_url, settings=settings.html)
        elif kind == "feed":
            yield from read_feed(item.url, item.body)
        elif kind == "text":
            yield decode_document(item.url, item.body, max_bytes=settings.max_bytes)
        else:
            yield InputError(
                item.url,
                "unsupported",
                f"{item.url}: content type {item.content_type or 'unknown'!r} is not an article",
            )


def _web_format(page: FetchedPage) -> str | None:
    content_type = page.content_type
    if content_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if content_type in _FEED_TYPES:
        return "feed"
    if content_type in ("text/xml", "application/xml", "text/plain", ""):
        sniffed = detect_format(page.url, page.body[:SNIFF_BYTES])
        return sniffed if sniffed in ("html", "feed", "text") else None
    return None
