"""Writing rows out as JSON Lines, CSV or Parquet.

Owns ``write_rows``, the export engine behind ``onrecord export --format jsonl|csv|parquet``,
its column description ``Column`` and ``format_from_path``. It checks every value against its
column's type, streams in batches, and writes files atomically. It does not choose the rows or
the columns (see ``query.quotes`` for finding quotes) and has no command-line surface (see
``onrecord.serve.cli``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Literal, get_args

import pyarrow as pa
import pyarrow.parquet as pq

ExportFormat = Literal["jsonl", "csv", "parquet"]
ColumnType = Literal["string", "int", "float", "bool", "list[string]", "json"]

EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
COLUMN_TYPES: tuple[ColumnType, ...] = get_args(ColumnType)

CSV_LIST_SEPARATOR = "; "
"""How a ``list[string]`` value is joined into one CSV field."""

DEFAULT_BATCH_SIZE = 10_000

_SUFFIX_FORMATS: dict[str, ExportFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}

_ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "list[string]": pa.list_(pa.string()),
    "json": pa.string(),
}

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Column:
    """One exported column: its name and the type every value in it must have.

    Attributes:
        name: The key read from each row, and the column's name in the output.
        type: ``string``, ``int`` (64-bit), ``float`` (finite), ``bool``, ``list[string]``
            (a list or tuple of strings), or ``json`` (any JSON-able value, written as JSON
            text in CSV and Parquet and as the value itself in JSON Lines). ``None`` is
            allowed in every column.
    """

    name: str
    type: ColumnType

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(
                f"column {self.name!r}: unknown type {self.type!r} "
                f"(expected one of {', '.join(COLUMN_TYPES)})"
            )


def format_from_path(path: str | os.PathLike[str]) -> ExportFormat | None:
    """Guess the export format from a file name's suffix.

    Args:
        path: A file name or path; the suffix is compared case-insensitively.

    Returns:
        ``jsonl`` for ``.jsonl``/``.ndjson``, ``csv`` for ``.csv``, ``parquet`` for
        ``.parquet``/``.pq``, otherwise ``None``.
    """
    return _SUFFIX_FORMATS.get(Path(path).suffix.lower())


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    fmt: ExportFormat,
    destination: BinaryIO | str | os.PathLike[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Write rows in the given format and return how many were written.

    Only the given columns are written, in that order; a key missing from a row is null and
    keys not named by a column are ignored. Rows are read and written ``batch_size`` at a time,
    so at most one batch is held in memory. An empty export is still a valid file: JSON Lines
    is empty, CSV has its header, Parquet has the schema and no rows.

    JSON Lines: one object per line, UTF-8, non-ASCII characters as they are. CSV: a header
    row, UTF-8 without a BOM, RFC 4180 quoting and CRLF line ends; ``None`` is an empty
    field (so an empty string and ``None`` read back alike), booleans are ``true``/``false``
    and lists are joined with ``"; "``. Parquet: an explicit schema built from the columns
    (string, int64, float64, bool, list<string>, and string for ``json``), nullable throughout.

    A path is written atomically: to a temporary file in the same directory, then moved into
    place with ``os.replace``, so a failed export leaves neither a partial file nor a
    temporary one, and an existing file at the destination stays as it was. A stream (for
    example ``sys.stdout.buffer``) is flushed but not closed; Parquet is built in a temporary
    file first and then copied, so the stream need not be seekable and gets nothing if the
    export fails. JSON Lines and CSV go to a
    stream batch by batch: if a later batch fails, the earlier ones have been written.

    Args:
        rows: The rows, as mappings from column name to value.
        columns: The columns to write, in output order; names must be unique.
        fmt: ``jsonl``, ``csv`` or ``parquet``.
        destination: A file path, or a binary stream open for writing.
        batch_size: How many rows to read, check and write at a time.

    Returns:
        The number of rows written.

    Raises:
        ValueError: The format is unknown, there are no columns or two share a name,
            ``batch_size`` is below 1, a row is not a mapping, or a value does not fit its
            column's type (the message names the column and the 1-based row number).
        TypeError: ``destination`` is a text stream rather than a binary one.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r} (expected one of {', '.join(EXPORT_FORMATS)})"
        )
    if not columns:
        raise ValueError("nothing to export: no columns given")
    names = [column.name for column in columns]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate column names: {', '.join(map(repr, duplicates))}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if isinstance(destination, io.TextIOBase):
        raise TypeError("destination is a text stream; pass a binary one such as sys.stdout.buffer")

    batches = _batches(rows, columns, batch_size)
    if isinstance(destination, str | os.PathLike):
        return _write_atomically(
            Path(destination), lambda out: _WRITERS[fmt](batches, columns, out)
        )
    if fmt == "parquet":
        # Built on disk first: a failed export then writes nothing to the stream, and pyarrow
        # never meets a stream that cannot seek or tell (stdout as a pipe).
        with tempfile.TemporaryFile() as spool:
            count = _write_parquet(batches, columns, spool)
            spool.seek(0)
            shutil.copyfileobj(spool, destination)
    else:
        count = _WRITERS[fmt](batches, columns, destination)
    destination.flush()
    return count


_Batch = list[list[Any]]
"""Checked rows, each a list of values in column order (JSON values already as JSON text)."""


def _batches(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], batch_size: int
) -> Iterator[_Batch]:
    """Read rows ``batch_size`` at a time, checking and converting every value."""
    iterator = iter(rows)
    row_number = 0
    while chunk := list(islice(iterator, batch_size)):
        batch: _Batch = []
        for row in chunk:
            row_number += 1
            if not isinstance(row, Mapping):
                raise ValueError(f"row {row_number}: expected a mapping, got {type(row).__name__}")
            batch.append([_check(row.get(c.name), c, row_number) for c in columns])
        yield batch


def _check(value: Any, column: Column, row_number: int) -> Any:
    """Return ``value`` in the form the writers expect, or raise if it does not fit."""
    if value is None:
        return None
    kind = column.type
    if kind == "string":
        if isinstance(value, str):
            # str.__str__ gives the text itself, also for a (str, Enum) member, whose str()
            # would be "Class.MEMBER".
            return str.__str__(value)
    elif kind == "int":
        # bool is an int subclass, but True in an int column is almost always a mistake.
        if isinstance(value, int) and not isinstance(value, bool):
            if _INT64_MIN <= value <= _INT64_MAX:
                return int(value)
            raise _misfit(column, row_number, value, "does not fit in 64 bits")
    elif kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:  # an int beyond float range, such as 10**400
                raise _misfit(column, row_number, value, "is too large for a float") from None
            if math.isfinite(number):
                return number
            # JSON has no NaN or infinity, and all three formats must hold the same data.
            raise _misfit(column, row_number, value, "is not finite")
    elif kind == "bool":
        if isinstance(value, bool):
            return value
    elif kind == "list[string]":
        # A str is a sequence of str too, so only real lists and tuples are taken.
        if isinstance(value, list | tuple):
            if all(isinstance(item, str) for item in value):
                return list(value)
            raise _misfit(column, row_number, value, "has an item that is not a string")
    else:  # json
        try:
            return json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise _misfit(column, row_number, value, f"is not JSON-able ({error})") from None
    raise _misfit(column, row_number, value, f"has type {type(value).__name__}")


def _misfit(column: Column, row_number: int, value: Any, why: str) -> ValueError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ValueError(f"column {column.name!r} ({column.type}), row {row_number}: {shown} {why}")


def _write_atomically(path: Path, write: Callable[[BinaryIO], int]) -> int:
    """Run ``write`` on a new file beside ``path``, then move it to ``path``.

    The temporary file is created with mode 0o666 so that the umask applies to it as it
    would to a file opened the ordinary way (``tempfile.mkstemp`` would make it 0o600).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            descriptor = os.open(temporary, flags, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(descriptor, "wb") as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _write_jsonl(batches: Iterator[_Batch], columns: Sequence[Column], out: BinaryIO) -> int:
    keys = [json.dumps(column.name, ensure_ascii=False) + ": " for column in columns]
    is_json = [column.type == "json" for column in columns]
    count = 0
    for batch in batches:
        lines = []
        for values in batch:
            # JSON values are already JSON text (checked once in _check); splice them in
            # rather than parse and dump them again.
            fields = [
                key
                + (value if raw and value is not None else json.dumps(value, ensure_ascii=False))
                for key, value, raw in zip(keys, values, is_json, strict=True)
            ]
            lines.append("{" + ", ".join(fields) + "}\n")
        out.write("".join(lines).encode("utf-8"))
        count += len(batch)
    return count


def _write_csv(batches: Iterator[_Batch], columns: Sequence[Column], out: BinaryIO) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The header goes out with the first batch, so a stream sees nothing if that batch fails.
    writer.writerow([column.name for column in columns])
    count = 0
    for batch in batches:
        writer.writerows([_csv_field(value) for value in values] for values in batch)
        _drain(buffer, out)
        count += len(batch)
    _drain(buffer, out)  # the header alone, when there were no rows
    return count


def _drain(buffer: io.StringIO, out: BinaryIO) -> None:
    text = buffer.getvalue()
    if text:
        out.write(text.encode("utf-8"))
    buffer.seek(0)
    buffer.truncate()


def _csv_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(value)
    # str(float) is the shortest text that reads back as the same float.
    return str(value)


def _write_parquet(batches: Iterator[_Batch], columns: Sequence[Column], out: BinaryIO) -> int:
    schema = pa.schema([pa.field(c.name, _ARROW_TYPES[c.type], nullable=True) for c in columns])
    count = 0
    writer = pq.ParquetWriter(out, schema)
    try:
        for batch in batches:
            arrays = [
                pa.array([values[index] for values in batch], type=field.type)
                for index, field in enumerate(schema)
            ]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
            count += len(batch)
    finally:
        # Closed even on failure (the file is thrown away then) so no writer is left open.
        writer.close()
    return count


_WRITERS: dict[ExportFormat, Callable[[Iterator[_Batch], Sequence[Column], BinaryIO], int]] = {
    "jsonl": _write_jsonl,
    "csv": _write_csv,
    "parquet": _write_parquet,
}
