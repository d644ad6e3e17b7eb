"""The one error type every reader in ``onrecord.ingest`` reports instead of raising.

Owns ``InputError``: an input (a file, a WARC record, a feed entry, a JSONL line, a
URL) that could not be turned into a document, named by its location. Readers yield
these beside the documents they could read, so one bad item never stops a batch; what
to do with them (print, count, exit status) is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputError:
    """An input that could not be turned into a document.

    Attributes:
        path: Where the problem is: a path as the user gave it, or a location inside a
            container (``crawl.warc.gz@1234`` for a WARC record at byte 1234,
            ``feed.xml#entry=3``, ``export.jsonl:17`` for line 17, a URL).
        code: A stable identifier: ``unreadable``, ``empty``, ``binary``, ``too_large``,
            ``not_found``, ``undecodable``, ``truncated_gzip``, ``no_body``,
            ``unparseable_html``, ``not_a_feed``, ``no_http_headers``, ``bad_warc``,
            ``bad_json``, ``missing_field``, ``http_error``, ``timeout``, ...
        message: A sentence naming the location and the problem.
    """

    path: str
    code: str
    message: str
