"""Decoding plain-text articles: from bytes of unknown encoding to a ``RawDocument``.

Owns telling binary data from text, detecting the encoding of non-UTF-8 text, and
reporting undecodable input as an ``InputError`` instead of raising, so that one bad
file never stops a batch. Finding the files and their formats is ``ingest.sources``;
looking inside the text is ``onrecord.clean``.
"""

from __future__ import annotations

import os

from charset_normalizer import from_bytes

from onrecord.ingest.errors import InputError
from onrecord.models import Notice, RawDocument

DEFAULT_MAX_BYTES = int(os.environ.get("ONRECORD_MAX_BYTES", str(50 * 1024 * 1024)))
"""Inputs (a file, a page, a feed, a WARC record, a JSONL line; after decompression)
larger than this are refused (a setting: ``ONRECORD_MAX_BYTES``, or
``ingest.sources.ReadSettings.max_bytes``)."""

_TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
_MAX_NON_ASCII_SHARE = 0.3
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}
_ENCODING_SAMPLE = 1 << 20
"""An encoding is told from the first MB: detection over 50 MB takes 10 s and 600 MB."""


def size_problem(path: str, data: bytes, max_bytes: int) -> InputError | None:
    """The error for an input that is too large or holds nothing, else None (any format).

    Args:
        path: The location to name in the message.
        data: The input's bytes.
        max_bytes: The size limit.
    """
    if len(data) > max_bytes:
        return InputError(
            path, "too_large", f"{path}: larger than the limit of {max_bytes:,} bytes"
        )
    if not data.strip():
        return InputError(path, "empty", f"{path}: empty file, nothing to extract")
    return None


def decode_document(
    path: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> RawDocument | InputError:
    """Decode one input's bytes, detecting the encoding when it is not UTF-8.

    Args:
        path: The path to name in messages.
        data: The raw bytes.
        max_bytes: Inputs larger than this are refused.

    Returns:
        The document, or an ``InputError`` for empty, binary, oversized or undecodable
        input.
    """
    problem = size_problem(path, data, max_bytes)
    if problem is not None:
        return problem
    if _looks_binary(data):
        return InputError(path, "binary", f"{path}: binary data, not a text article")
    notices: list[Notice] = []
    try:
        text = data.decode("utf-8")
        text = text.removeprefix("\ufeff")
        encoding = "utf-8"
    except UnicodeDecodeError:
        detected = _detect_encoding(data)
        if detected is None:
            return InputError(
                path, "undecodable", f"{path}: not UTF-8 and no encoding could be detected"
            )
        encoding, text = detected
        notices.append(
            Notice("encoding_detected", f"{path}: not valid UTF-8; decoded as {encoding}")
        )
    if not text.strip():  # a byte-order mark alone, or UTF-16 spaces
        return InputError(path, "empty", f"{path}: no text once decoded, nothing to extract")
    if "\x00" in text:
        notices.append(Notice("nul_bytes", f"{path}: contains NUL characters"))
    return RawDocument(path=path, text=text, encoding=encoding, notices=notices)


def _detect_encoding(data: bytes) -> tuple[str, str] | None:
    """Guess the encoding of non-UTF-8 bytes.

    Legacy English news is nearly always cp1252, and detectors cannot tell it from other
    single-byte code pages on short texts (they all decode "café" the same way). So
    cp1252 wins when it decodes cleanly and leaves the text mostly ASCII letters;
    otherwise (a Cyrillic or Greek code page, say) charset-normalizer decides.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return codec, data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                break
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        letters = [c for c in western[:_ENCODING_SAMPLE] if c.isalpha()]
        non_ascii = sum(1 for c in letters if not c.isascii())
        if letters and non_ascii <= _MAX_NON_ASCII_SHARE * len(letters):
            return "cp1252", western
    if len(data) > _ENCODING_SAMPLE:  # told from a sample; the whole must decode with it
        best = from_bytes(data[:_ENCODING_SAMPLE]).best()
        if best is not None and best.encoding is not None:
            try:
                return best.encoding, data.decode(best.encoding)
            except (UnicodeDecodeError, LookupError):
                pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    return best.encoding, str(best)


def _looks_binary(data: bytes) -> bool:
    """Tell binary data from text: NUL bytes in UTF-16-free data or many control bytes."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a byte-order mark: text, decoded by detection
    if b"\x00" in sample and sample.count(b"\x00") > len(sample) // 100:
        return True
    controls = sum(1 for b in sample if b < 32 and chr(b) not in _CONTROL_OK)
    return controls > len(sample) // 20
