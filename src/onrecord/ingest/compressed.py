"""Reading inputs that may be gzip-compressed, with a size cap and truncation reported.

Owns opening a path (or stdin bytes) as a byte stream whether or not it is gzipped
(told by its magic bytes, not its name), reading at most a given number of bytes, and
turning a truncated or corrupt gzip stream into an ``InputError`` instead of an
exception. Streamed gzip (JSONL) is read line by line with a cap on each line and on
how far the data may inflate (``MAX_INFLATION_RATIO``), so that a bomb is stopped
instead of filling memory or running for hours. WARC files are opened by
``ingest.warc`` itself, because warcio reads record-by-record gzip members.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast

from onrecord.ingest.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
MAX_INFLATION_RATIO = int(os.environ.get("ONRECORD_MAX_INFLATION_RATIO", "100"))
"""Streamed gzip data (JSONL, WARC records) that inflates to more than this many times
its compressed size, once past the size limit, is a decompression bomb and reading the
file stops there (a setting). Text and HTML compress about 5 to 10 times."""
RATIO_CHECK_FROM = 1 << 24
"""Inflated bytes below which no data counts as a bomb (small files compress oddly)."""
_SKIP_CHUNK = 1 << 20


def is_gzip(head: bytes) -> bool:
    """Tell whether bytes start with the gzip magic number."""
    return head.startswith(GZIP_MAGIC)


@contextmanager
def open_stream(path: str) -> Iterator[BinaryIO]:
    """Open a file for reading, transparently gunzipping it when it is gzip data.

    Args:
        path: The file.

    Yields:
        A binary stream of the (decompressed) content, closed on exit with the file.

    Raises:
        OSError: If the file cannot be opened.
    """
    with open(path, "rb") as raw:
        if is_gzip(raw.peek(2)[:2]):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield cast(BinaryIO, unzipped)
        else:
            yield raw


def read_file(location: str, max_bytes: int) -> tuple[bytes, InputError | None]:
    """Read a whole file, gunzipping it when it is gzip data, up to ``max_bytes`` + 1 bytes.

    Args:
        location: The file's path.
        max_bytes: The cap on the (decompressed) size; one byte more is read so that the
            caller can tell.

    Returns:
        The bytes, and an ``InputError`` (``truncated_gzip`` or ``bad_gzip``) when the
        compressed data ends early or is corrupt; what came before is still returned.

    Raises:
        OSError: If the file cannot be read.
    """
    with open(location, "rb") as raw:
        head = raw.read(2)
        raw.seek(0)
        if not is_gzip(head):
            return raw.read(max_bytes + 1), None
        return inflate(location, iter(lambda: raw.read(1 << 16), b""), max_bytes)


def inflate(
    location: str, chunks: Iterable[bytes], max_bytes: int
) -> tuple[bytes, InputError | None]:
    """Decompress gzip data (one or more members) arriving in chunks, keeping what is intact.

    Unlike ``gzip.GzipFile``, a stream cut short yields everything decompressed before
    the cut, and a bomb is stopped at ``max_bytes`` + 1 bytes.

    Args:
        location: The input's name for messages.
        chunks: The compressed bytes.
        max_bytes: The cap on the decompressed size.

    Returns:
        The decompressed bytes and the damage found, if any.
    """
    out: list[bytes] = []
    size = 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    started = False
    try:
        for chunk in chunks:
            while chunk and size <= max_bytes:
                if inflater.eof:  # the next gzip member
                    if not chunk.strip(b"\x00"):
                        chunk = b""
                        break
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                piece = inflater.decompress(chunk, max_bytes + 1 - size)
                started = True
                out.append(piece)
                size += len(piece)
                chunk = inflater.unconsumed_tail or inflater.unused_data
            if size > max_bytes:
                return b"".join(out), None
    except zlib.error as exc:
        return b"".join(out), InputError(
            location, "bad_gzip", f"{location}: corrupt gzip data after {size:,} bytes ({exc})"
        )
    if started and not inflater.eof:
        return b"".join(out), truncated(location, size)
    return b"".join(out), None


def iter_lines(
    location: str,
    stream: BinaryIO,
    *,
    max_line_bytes: int | None = None,
    max_ratio: int = MAX_INFLATION_RATIO,
    first_line: int = 1,
) -> Iterator[bytes | InputError]:
    """Yield the lines of a (possibly gzip) stream, then an error if it was truncated.

    Args:
        location: The input's name for messages.
        stream: The stream; when it is a ``gzip.GzipFile``, how far it inflates is
            watched.
        max_line_bytes: A line longer than this is not kept: an ``InputError``
            (``too_large``, located ``location:N``) takes its place and the rest of the
            line is skipped without being held in memory. None: no cap.
        max_ratio: Gzip data that, once past ``RATIO_CHECK_FROM`` inflated bytes, has
            inflated to more than this many times its compressed size is a bomb:
            reading stops with an ``InputError`` (``decompression_bomb``).
        first_line: The number of the stream's first line, for locations.

    Yields:
        Each line as bytes (with its newline), and finally an ``InputError`` when the
        compressed data ended early or is corrupt.
    """
    size = 0
    number = first_line - 1
    packed = stream.fileobj if isinstance(stream, gzip.GzipFile) else None
    limit = -1 if max_line_bytes is None else max_line_bytes + 1

    def inflated_too_far() -> bool:
        return (
            packed is not None
            and size > RATIO_CHECK_FROM
            and size > max_ratio * max(packed.tell(), 1)
        )

    try:
        while line := stream.readline(limit):
            number += 1
            size += len(line)
            if len(line) == limit and not line.endswith(b"\n"):
                while not line.endswith(b"\n") and not inflated_too_far():
                    line = stream.readline(_SKIP_CHUNK)
                    size += len(line)
                    if not line:
                        break
                yield InputError(
                    f"{location}:{number}",
                    "too_large",
                    f"{location}:{number}: line longer than the limit of {max_line_bytes:,} "
                    "bytes; skipped",
                )
            else:
                yield line
            if packed is not None and inflated_too_far():
                yield bomb(location, packed.tell(), size, max_ratio)
                return
    except EOFError:
        yield truncated(location, size)
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield InputError(
            location, "bad_gzip", f"{location}: corrupt gzip data after {size:,} bytes ({exc})"
        )


def bomb(location: str, compressed: int, inflated: int, max_ratio: int) -> InputError:
    """The error for gzip data that inflates far more than any text does.

    Args:
        location: The input's name.
        compressed: Compressed bytes read so far.
        inflated: What they inflated to.
        max_ratio: The ratio allowed.
    """
    return InputError(
        location,
        "decompression_bomb",
        f"{location}: gzip data inflates more than {max_ratio} times "
        f"({compressed:,} bytes to over {inflated:,}): a decompression bomb; "
        "the rest of the file was not read",
    )


def truncated(location: str, size: int) -> InputError:
    """The error for a gzip stream that ends before its end marker."""
    return InputError(
        location,
        "truncated_gzip",
        f"{location}: gzip data ends early (truncated after {size:,} decompressed bytes); "
        "what came before was read",
    )
