"""Streaming the HTML pages out of WARC and WARC.gz crawl files.

Owns walking a WARC (warcio, record by record, so memory stays constant whatever the
file size) and handing each HTML response (or HTML resource record) to
``ingest.html``; records are named ``path@offset`` so a user can find them again.
Non-HTML records (requests, metadata, images, redirects) are passed over silently;
damaged ones — a response without HTTP headers, a record cut short, a file that is
not a WARC — are reported and the rest of the file is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from onrecord.ingest.errors import InputError
from onrecord.ingest.html import DEFAULT_HTML_SETTINGS, HtmlSettings, html_to_document
from onrecord.models import RawDocument

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(
    path: str,
    *,
    max_record_bytes: int,
    settings: HtmlSettings = DEFAULT_HTML_SETTINGS,
) -> Iterator[RawDocument | InputError]:
    """Read every HTML page in a WARC file.

    Args:
        path: The ``.warc`` or ``.warc.gz`` file.
        max_record_bytes: Pages larger than this are refused (``too_large``).
        settings: How to extract the body of each page.

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
        records = ArchiveIterator(handle)
        offset = 0
        try:
            for record in records:
                if record.format != "warc":
                    yield InputError(path, "bad_warc", f"{path}: not a WARC file")
                    return
                yield from _read_record(path, records, record, max_record_bytes, settings)
                offset = records.get_record_offset() + records.get_record_length()
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            yield InputError(
                f"{path}@{offset}",
                "bad_warc",
                f"{path}: unreadable WARC data after offset {offset} ({exc}); "
                "the records before it were read",
            )
    finally:
        handle.close()


def _read_record(
    path: str, records: Any, record: Any, max_bytes: int, settings: HtmlSettings
) -> Iterator[RawDocument | InputError]:
    """Read one record; its location (``path@offset``) is known only once it is read."""
    if record.rec_type not in ("response", "resource"):
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or not str(http.protocol or "").upper().startswith("HTTP/"):
            location = f"{path}@{records.get_record_offset()}"
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
    location = f"{path}@{records.get_record_offset()}"
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
