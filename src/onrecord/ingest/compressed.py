"""Reading inputs that may be gzip-compressed, with a size cap and truncation reported.

Owns opening a path (or stdin bytes) as a byte stream whether or not it is gzipped
(told by its magic bytes, not its name), reading at most a given number of bytes, and
turning a truncated or corrupt gzip stream into an ``InputError`` instead of an
exception. WARC files are opened by ``ingest.warc`` itself, because warcio reads
record-by-record gzip members.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast

from onrecord.ingest.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"


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


def iter_lines(location: str, stream: BinaryIO) -> Iterator[bytes | InputError]:
    """Yield the lines of a (possibly gzip) stream, then an error if it was truncated.

    Args:
        location: The input's name for messages.
        stream: The stream.

    Yields:
        Each line as bytes (with its newline), and finally an ``InputError`` when the
        compressed data ended early or is corrupt.
    """
    size = 0
    try:
        for line in stream:
            size += len(line)
            yield line
    except EOFError:
        yield truncated(location, size)
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield InputError(
            location, "bad_gzip", f"{location}: corrupt gzip data after {size:,} bytes ({exc})"
        )


def truncated(location: str, size: int) -> InputError:
    """The error for a gzip stream that ends before its end marker."""
    return InputError(
        location,
        "truncated_gzip",
        f"{location}: gzip data ends early (truncated after {size:,} decompressed bytes); "
        "what came before was read",
    )
