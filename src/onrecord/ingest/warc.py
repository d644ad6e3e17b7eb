"""Streaming the HTML pages out of WARC and WARC.gz crawl files.

Owns walking a WARC (warcio, record by record, so memory stays constant whatever the
file size) and handing each HTML response (or HTML resource record) to
``ingest.html``; records are named ``path@offset`` so a user can find them again.
Non-HTML records (requests, metadata, images, redirects) are passed over silently;
damaged ones — a response without HTTP headers, a record cut short, a file that is
not a WARC — are reported and the rest of the file is read. A gzipped record that
inflates like a decompression bomb (``ingest.compressed.MAX_INFLATION_RATIO``) stops
the reading of its file: skipping it would mean inflating all of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from onrecord.ingest.compressed import MAX_INFLATION_RATIO, RATIO_CHECK_FROM, bomb
from onrecord.ingest.errors import InputError
from onrecord.ingest.html import DEFAULT_HTML_SETTINGS, HtmlSettings, html_to_document
from onrecord.models import RawDocument

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_DRAIN_CHUNK = 1 << 16


def read_warc(
    path: str,
    *,
    max_record_bytes: int,
    settings: HtmlSettings = DEFAULT_HTML_SETTINGS,
    start: int = 0,
    end: int | None = None,
    max_ratio: int = MAX_INFLATION_RATIO,
) -> Iterator[RawDocument | InputError]:
    """Read every HTML page in a WARC file, or in the records of one byte range of it.

    Args:
        path: The ``.warc`` or ``.warc.gz`` file.
        max_record_bytes: Pages larger than this are refused (``too_large``).
        settings: How to extract the body of each page.
        start: Where to begin: a record's offset (see ``record_offsets``).
        end: Stop before the record at or after this offset (None: the end of the file).
        max_ratio: A record that inflates more than this many times its compressed size
            is a decompression bomb: reported (``decompression_bomb``), and the rest of
            the file is not read.

    Yields:
        A document for each HTML page with an article body, an ``InputError`` for each
        page or record that could not be read.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        yield InputError(path, "unreadable", f"{path}: cannot read ({exc.strerror or exc})")
        return
    try:
        handle.seek(start)
        records = ArchiveIterator(handle)
        offset = start
        try:
            for record in records:
                # the record's offset, before its content is read (get_record_offset()
                # would read the content to the end first)
                if end is not None and records.offset >= end:
                    return
                if record.format != "warc":
                    yield InputError(path, "bad_warc", f"{path}: not a WARC file")
                    return
                record_start = records.offset
                yield from _read_record(path, records, record, max_record_bytes, settings)
                inflated = _drain(record, handle, record_start, max_ratio)
                if inflated is not None:
                    location = f"{path}@{record_start}"
                    yield bomb(location, handle.tell() - record_start, inflated, max_ratio)
                    return
                offset = records.get_record_offset() + records.get_record_length()
        # AttributeError: warcio on a response record without a WARC-Target-URI.
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError) as exc:
            yield InputError(
                f"{path}@{offset}",
                "bad_warc",
                f"{path}: unreadable WARC data after offset {offset} ({exc}); "
                "the records before it were read",
            )
    finally:
        handle.close()


def record_offsets(path: str) -> list[int] | None:
    """The offset of every record in a WARC file, or None where records cannot be sought.

    A ``.warc`` file and a ``.warc.gz`` with one gzip member per record (the standard
    layout) can be read from any record's offset; a ``.warc.gz`` compressed as one
    stream cannot, nor can a file that is not a WARC.

    Args:
        path: The WARC file.

    Returns:
        Ascending offsets, the first one 0; None for a file that cannot be split.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    offsets: list[int] = []
    try:
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                if record.format != "warc":
                    return None
                offsets.append(records.get_record_offset())
            if len(offsets) > 1:  # a seek to the second record must land on a record
                handle.seek(offsets[1])
                record = next(iter(ArchiveIterator(handle)), None)
                if record is None or record.format != "warc":
                    return None
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError):  # as read_warc
        return None
    return offsets if len(set(offsets)) == len(offsets) else None


def _drain(record: Any, handle: Any, start: int, max_ratio: int) -> int | None:
    """Read the rest of a record (as warcio would, to reach the next one), watching it inflate.

    Args:
        record: The warcio record.
        handle: The WARC file, whose position tells how much compressed data was read.
        start: The record's offset in the file.
        max_ratio: The inflation ratio from which the record is a bomb.

    Returns:
        None once the record is read; the bytes inflated so far when it is a bomb (and
        reading stopped).
    """
    inflated = 0
    while chunk := record.raw_stream.read(_DRAIN_CHUNK):
        inflated += len(chunk)
        if inflated > RATIO_CHECK_FROM and inflated > max_ratio * max(handle.tell() - start, 1):
            return inflated
    return None


def _read_record(
    path: str, records: Any, record: Any, max_bytes: int, settings: HtmlSettings
) -> Iterator[RawDocument | InputError]:
    """Read one record, named ``path@offset`` by the offset at which it starts.

    ``records.offset`` is that offset already; ``get_record_offset()`` would first read
    (inflate) the whole record, which a bomb must not get to do.
    """
    if record.rec_type not in ("response", "resource"):
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or not str(http.protocol or "").upper().startswith("HTTP/"):
            location = f"{path}@{records.offset}"
            yield InputError(
                location, "no_http_headers", f"{location}: response record without HTTP headers"
            )
            return
        if not http.get_statuscode().startswith("2"):
            return  # redirects and errors carry no article
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if content_type.lower().split(";")[0].strip() not in _HTML_TYPES:
        return
    stream = record.content_stream()
    body = stream.read(max_bytes + 1)
    cut_short = bool(getattr(record.raw_stream, "limit", 0)) and len(body) <= max_bytes
    location = f"{path}@{records.offset}"
    if len(body) > max_bytes:
        yield InputError(
            location, "too_large", f"{location}: page larger than the limit of {max_bytes:,} bytes"
        )
        return
    if cut_short:
        yield InputError(
            location, "truncated_record", f"{location}: record cut short (file truncated?)"
        )
        return
    yield html_to_document(location, body, url=url, settings=settings, source_format="warc")
