"""Cutting one big WARC or JSONL file into parts of whole records, and reading a part.

A crawl file (a 1 GB CC-NEWS WARC, a JSONL export of a million articles) is too much
work for one worker; ``split_file`` cuts it into ``FilePart``s of a given number of
records each — byte ranges that start on a record (a WARC record's offset, a line's
first byte), so that a worker can seek straight to its part — and ``read_part`` reads
one with the same readers and the same record names (``path@offset``, ``path:line``)
as reading the whole file. Files that cannot be sought into (a gzipped JSONL, a WARC
compressed as one gzip stream, any other format) are not split. Grouping parts into
shards and running them is ``batch``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from onrecord.ingest.compressed import iter_lines
from onrecord.ingest.errors import InputError
from onrecord.ingest.jsonl import read_jsonl
from onrecord.ingest.sources import SNIFF_BYTES, ReadSettings, sniff_format
from onrecord.ingest.warc import read_warc, record_offsets
from onrecord.models import RawDocument


@dataclass(frozen=True)
class FilePart:
    """Records ``[start, end)`` (byte offsets) of one WARC or JSONL file.

    Attributes:
        path: The file.
        kind: ``warc`` or ``jsonl``.
        start: The offset of the part's first record.
        end: The offset of the next part's first record (the file's size for the last).
        first_line: For JSONL, the number of the part's first line.
    """

    path: str
    kind: str
    start: int
    end: int
    first_line: int = 1

    @property
    def name(self) -> str:
        """``path[start:end]``, for shard names and messages."""
        return f"{self.path}[{self.start}:{self.end}]"


def split_file(path: str, records_per_part: int) -> list[FilePart] | None:
    """Cut a WARC or plain JSONL file into parts of ``records_per_part`` records.

    Args:
        path: The file.
        records_per_part: Records (WARC records of any type, or lines) per part.

    Returns:
        The parts in file order, or None when the file is not one that can be split
        (or holds no more than one part's records).

    Raises:
        ValueError: If ``records_per_part`` is less than 1.
    """
    if records_per_part < 1:
        raise ValueError(f"records per part must be at least 1, got {records_per_part}")
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            size = handle.seek(0, 2)
    except OSError:
        return None  # reported when the file is read
    kind, gzipped = sniff_format(path, head)
    if kind == "warc":
        offsets = record_offsets(path)
    elif kind == "jsonl" and not gzipped:
        offsets = _line_offsets(path)
    else:
        return None
    if offsets is None or len(offsets) <= records_per_part:
        return None
    starts = offsets[::records_per_part]
    ends = [*starts[1:], size]
    if kind == "warc":
        return [FilePart(path, kind, s, e) for s, e in zip(starts, ends, strict=True)]
    return [
        FilePart(path, kind, s, e, first_line=1 + n * records_per_part)
        for n, (s, e) in enumerate(zip(starts, ends, strict=True))
    ]


def read_part(
    part: FilePart, settings: ReadSettings | None = None
) -> Iterator[RawDocument | InputError]:
    """Read the documents of one part, named as when the whole file is read.

    Args:
        part: The part.
        settings: Reading options; defaults to ``ReadSettings()``.

    Yields:
        Documents and ``InputError``s, in file order.
    """
    settings = settings or ReadSettings()
    if part.kind == "warc":
        yield from read_warc(
            part.path,
            max_record_bytes=settings.max_bytes,
            settings=settings.html,
            max_ratio=settings.max_inflation_ratio,
            start=part.start,
            end=part.end,
        )
        return
    try:
        handle = open(part.path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        yield InputError(part.path, "unreadable", f"{part.path}: cannot read ({exc})")
        return
    try:
        handle.seek(part.start)
        lines = iter_lines(
            part.path, handle, max_line_bytes=settings.max_bytes, first_line=part.first_line
        )
        yield from read_jsonl(
            part.path,
            _lines_before(handle, part.end, lines),
            settings.jsonl,
            settings=settings.html,
            first_line=part.first_line,
        )
    finally:
        handle.close()


def _lines_before(
    handle: BinaryIO, end: int, lines: Iterator[bytes | InputError]
) -> Iterator[bytes | InputError]:
    """The lines that start before ``end`` (parts begin on a line, so none straddles)."""
    while handle.tell() < end:
        line = next(lines, None)
        if line is None:
            return
        yield line


def _line_offsets(path: str) -> list[int]:
    offsets: list[int] = []
    position = 0
    with open(path, "rb") as handle:
        for line in handle:
            offsets.append(position)
            position += len(line)
    return offsets
