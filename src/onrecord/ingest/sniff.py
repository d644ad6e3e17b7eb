"""Telling what kind of input a file is: plain text, HTML, a feed, a WARC or JSONL.

Owns ``detect_format``: the content decides (the first few KB after decompression),
the file name breaks ties. Does not read the formats themselves.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from onrecord.ingest.html import looks_like_html

FORMATS = ("text", "html", "feed", "warc", "jsonl")
"""Every input format, as accepted by ``--input-format``."""

SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".feed": "feed",
    ".warc": "warc",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
"""Name suffixes (before any ``.gz``) that directories are searched for."""

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)


def format_from_name(name: str) -> str | None:
    """The format a file name suggests (``.gz`` looked through), or None."""
    path = PurePath(name.lower())
    suffixes = path.suffixes
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if not suffixes:
        return None
    return SUFFIXES.get(suffixes[-1])


def detect_format(name: str, head: bytes) -> str:
    """Decide an input's format from its first bytes, then its name.

    Args:
        name: The file name (or ``-``).
        head: The first few KB of the decompressed content.

    Returns:
        One of ``FORMATS``.
    """
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    if _FEED_ROOT.search(stripped[:2048]) and not looks_like_html(stripped):
        return "feed"
    if looks_like_html(stripped):
        return "html"
    if stripped.startswith(b"{") and _first_line_is_json(stripped):
        return "jsonl"
    # Content that says nothing: trust the name, so that a ".warc" that is not a WARC
    # is reported as a bad WARC rather than read as text.
    return format_from_name(name) or "text"


def _first_line_is_json(head: bytes) -> bool:
    line = head.split(b"\n", 1)[0]
    if b"\n" not in head and len(head) >= 4096:
        return True  # a first line longer than the sample: trust the opening brace
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
