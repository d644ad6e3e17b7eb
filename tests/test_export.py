from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from onrecord.query.export import Column, ExportFormat, format_from_path, write_rows

FORMATS: list[ExportFormat] = ["jsonl", "csv", "parquet"]

COLUMNS = [
    Column("id", "int"),
    Column("speaker", "string"),
    Column("text", "string"),
    Column("confidence", "float"),
    Column("direct", "bool"),
    Column("sites", "list[string]"),
    Column("meta", "json"),
]

ROWS: list[dict[str, Any]] = [
    {
        "id": 1,
        "speaker": "Anna Berg",
        "text": "“Every child deserves a good school,” she said — 🎒",
        "confidence": 0.93,
        "direct": True,
        "sites": ["bbc.co.uk", "ynet.co.il"],
        "meta": {"cue": "said", "spans": [[0, 12], [20, 31]], "note": "שלום"},
    },
    {
        "id": 2,
        "speaker": "בנימין",
        "text": 'Commas, "quotes" and\na newline\r\nand CRLF',
        "confidence": 1,  # an int in a float column is taken as 1.0
        "direct": False,
        "sites": [],
        "meta": ["a", 1, None, True],
        "ignored": "not a column",
    },
    {
        # speaker, sites and meta missing: null
        "id": -(2**63),
        "text": "",
        "confidence": None,
        "direct": None,
    },
    {
        "id": 2**63 - 1,
        "speaker": None,
        "text": "emoji 👩‍👩‍👧 and ‘single’ quotes; semicolons",
        "confidence": -1.5e-300,
        "direct": True,
        "sites": ["one; two", "three"],
        "meta": "just a string",
    },
]


def expected_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row as written: only the columns, in order, missing keys None, floats as float."""
    out = {c.name: row.get(c.name) for c in COLUMNS}
    if out["confidence"] is not None:
        out["confidence"] = float(out["confidence"])
    return out


EXPECTED = [expected_row(row) for row in ROWS]


def export(fmt: ExportFormat, path: Path, rows: Any = ROWS, **kwargs: Any) -> int:
    return write_rows(rows, COLUMNS, fmt, path, **kwargs)


# format_from_path


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("out.jsonl", "jsonl"),
        ("out.ndjson", "jsonl"),
        ("dir.v2/out.CSV", "csv"),
        ("out.parquet", "parquet"),
        ("out.pq", "parquet"),
        ("out.json", None),
        ("out", None),
        ("out.csv.gz", None),
    ],
)
def test_format_from_path(name: str, fmt: ExportFormat | None) -> None:
    assert format_from_path(name) == fmt


# JSON Lines


def test_jsonl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "quotes.jsonl"
    assert export("jsonl", path) == len(ROWS)
    data = path.read_bytes()
    text = data.decode("utf-8")
    # ensure_ascii=False: the text is there as written, not as \u escapes
    assert "“Every child" in text and "בנימין" in text and "🎒" in text and "\\u" not in text
    lines = text.split("\n")
    assert lines[-1] == ""  # every line ends with a newline
    records = [json.loads(line) for line in lines[:-1]]
    assert records == EXPECTED
    assert [list(record) for record in records] == [[c.name for c in COLUMNS]] * len(ROWS)
    # json values are nested values, not strings
    assert records[0]["meta"]["spans"] == [[0, 12], [20, 31]]
    assert records[2]["meta"] is None


def test_jsonl_read_by_pandas_and_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "quotes.jsonl"
    export("jsonl", path)
    frame = pd.read_json(path, lines=True)
    assert list(frame.columns) == [c.name for c in COLUMNS]
    assert frame["speaker"].tolist()[:2] == ["Anna Berg", "בנימין"]
    relation = duckdb.sql(f"SELECT id, speaker, sites FROM read_json('{path}')")
    assert relation.fetchall()[:2] == [
        (1, "Anna Berg", ["bbc.co.uk", "ynet.co.il"]),
        (2, "בנימין", []),
    ]


# CSV


def test_csv_round_trip_with_csv_module(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    assert export("csv", path) == len(ROWS)
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM
    assert data.startswith(b"id,speaker,text,confidence,direct,sites,meta\r\n")
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == [c.name for c in COLUMNS]
    assert table[1] == [
        "1",
        "Anna Berg",
        "“Every child deserves a good school,” she said — 🎒",
        "0.93",
        "true",
        "bbc.co.uk; ynet.co.il",
        json.dumps(ROWS[0]["meta"], ensure_ascii=False),
    ]
    assert table[2] == [
        "2",
        "בנימין",
        'Commas, "quotes" and\na newline\r\nand CRLF',
        "1.0",
        "false",
        "",
        '["a", 1, null, true]',
    ]
    assert table[3] == [str(-(2**63)), "", "", "", "", "", ""]
    assert table[4] == [
        str(2**63 - 1),
        "",
        "emoji 👩‍👩‍👧 and ‘single’ quotes; semicolons",
        "-1.5e-300",
        "true",
        "one; two; three",
        '"just a string"',
    ]
    assert json.loads(table[1][6]) == ROWS[0]["meta"]
    assert float(table[4][3]) == ROWS[3]["confidence"]


def test_csv_read_by_pandas(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    export("csv", path)
    frame = pd.read_csv(path, encoding="utf-8", dtype={"speaker": object, "text": object})
    assert list(frame.columns) == [c.name for c in COLUMNS]
    assert frame["id"].tolist() == [row["id"] for row in ROWS]
    assert frame["text"].tolist()[:2] == [ROWS[0]["text"], ROWS[1]["text"]]
    assert frame["speaker"].tolist()[:2] == ["Anna Berg", "בנימין"]
    assert pd.isna(frame["speaker"][2]) and pd.isna(frame["confidence"][2])
    assert frame["confidence"][0] == pytest.approx(0.93)
    assert frame["direct"].tolist()[:2] == [True, False]
    assert json.loads(frame["meta"][0]) == ROWS[0]["meta"]


def test_csv_quotes_only_what_needs_it(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_rows(
        [{"a": "plain", "b": 'say "hi", then\nleave'}],
        [Column("a", "string"), Column("b", "string")],
        "csv",
        path,
    )
    assert path.read_bytes() == b'a,b\r\nplain,"say ""hi"", then\nleave"\r\n'


# Parquet

ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("speaker", pa.string()),
        ("text", pa.string()),
        ("confidence", pa.float64()),
        ("direct", pa.bool_()),
        ("sites", pa.list_(pa.string())),
        ("meta", pa.string()),
    ]
)


def parquet_expected() -> list[dict[str, Any]]:
    return [
        row | {"meta": None if row["meta"] is None else json.dumps(row["meta"], ensure_ascii=False)}
        for row in EXPECTED
    ]


def test_parquet_read_by_pyarrow(tmp_path: Path) -> None:
    path = tmp_path / "quotes.parquet"
    assert export("parquet", path) == len(ROWS)
    table = pq.read_table(path)
    assert table.schema.equals(ARROW_SCHEMA)
    assert all(field.nullable for field in table.schema)
    assert table.to_pylist() == parquet_expected()
    assert json.loads(table["meta"][0].as_py()) == ROWS[0]["meta"]


def test_parquet_read_by_pandas(tmp_path: Path) -> None:
    path = tmp_path / "quotes.parquet"
    export("parquet", path)
    frame = pd.read_parquet(path)
    assert list(frame.columns) == [c.name for c in COLUMNS]
    assert frame["id"].dtype == "int64"
    assert frame["confidence"].dtype == "float64"
    assert frame["id"].tolist() == [row["id"] for row in ROWS]
    assert frame["text"].tolist() == [row["text"] for row in ROWS]
    assert frame["speaker"].tolist()[:2] == ["Anna Berg", "בנימין"]
    assert pd.isna(frame["speaker"][2]) and pd.isna(frame["confidence"][2])
    assert list(frame["sites"][0]) == ["bbc.co.uk", "ynet.co.il"]
    assert frame["sites"][2] is None
    assert json.loads(frame["meta"][1]) == ["a", 1, None, True]


def test_parquet_read_by_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "quotes.parquet"
    export("parquet", path)
    relation = duckdb.sql(
        f"SELECT id, speaker, text, confidence, direct, sites, meta "
        f"FROM read_parquet('{path}', file_row_number = true) ORDER BY file_row_number"
    )
    assert relation.columns == [c.name for c in COLUMNS]
    assert [str(t) for t in relation.types] == [
        "BIGINT",
        "VARCHAR",
        "VARCHAR",
        "DOUBLE",
        "BOOLEAN",
        "VARCHAR[]",
        "VARCHAR",
    ]
    assert relation.fetchall() == [tuple(row.values()) for row in parquet_expected()]
    query = f"SELECT count(*) FROM read_parquet('{path}') WHERE list_contains(sites, 'three')"
    assert duckdb.sql(query).fetchall() == [(1,)]


# Empty exports


def test_empty_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    assert export("jsonl", path, rows=[]) == 0
    assert path.read_bytes() == b""


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    assert export("csv", path, rows=iter([])) == 0
    assert path.read_bytes() == b"id,speaker,text,confidence,direct,sites,meta\r\n"
    frame = pd.read_csv(path)
    assert list(frame.columns) == [c.name for c in COLUMNS] and len(frame) == 0


def test_empty_parquet(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    assert export("parquet", path, rows=[]) == 0
    table = pq.read_table(path)
    assert table.schema.equals(ARROW_SCHEMA) and table.num_rows == 0
    frame = pd.read_parquet(path)
    assert list(frame.columns) == [c.name for c in COLUMNS] and len(frame) == 0
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
    assert relation.columns == [c.name for c in COLUMNS]
    assert [str(t) for t in relation.types][:6] == [
        "BIGINT",
        "VARCHAR",
        "VARCHAR",
        "DOUBLE",
        "BOOLEAN",
        "VARCHAR[]",
    ]
    assert relation.fetchall() == []


# Streams


class NonSeekable(io.RawIOBase):
    """A write-only stream that cannot seek or tell, like stdout piped into another program."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data: Any) -> int:
        self.data += bytes(data)
        return len(data)

    def tell(self) -> int:
        raise io.UnsupportedOperation("tell")

    def seek(self, offset: int, whence: int = 0) -> int:
        raise io.UnsupportedOperation("seek")


@pytest.mark.parametrize("fmt", FORMATS)
def test_stream_gets_what_a_file_gets(tmp_path: Path, fmt: ExportFormat) -> None:
    path = tmp_path / f"quotes.{fmt}"
    export(fmt, path)
    stream = io.BytesIO()
    assert write_rows(ROWS, COLUMNS, fmt, stream) == len(ROWS)
    assert not stream.closed
    if fmt == "parquet":
        assert pq.read_table(io.BytesIO(stream.getvalue())).equals(pq.read_table(path))
    else:
        assert stream.getvalue() == path.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_seekable_stream(fmt: ExportFormat) -> None:
    stream = NonSeekable()
    assert write_rows(ROWS, COLUMNS, fmt, stream) == len(ROWS)  # type: ignore[arg-type]
    if fmt == "parquet":
        assert pq.read_table(io.BytesIO(bytes(stream.data))).to_pylist() == parquet_expected()
    else:
        assert stream.data


def test_text_stream_is_refused() -> None:
    with pytest.raises(TypeError, match="binary"):
        write_rows(ROWS, COLUMNS, "jsonl", io.StringIO())  # type: ignore[arg-type]


def test_parquet_stream_gets_nothing_when_export_fails() -> None:
    stream = io.BytesIO()
    rows = [*ROWS, {"id": "five"}]
    with pytest.raises(ValueError, match="row 5"):
        write_rows(rows, COLUMNS, "parquet", stream, batch_size=2)
    assert stream.getvalue() == b""


# Batches and streaming


def many_rows(count: int) -> list[dict[str, Any]]:
    return [ROWS[i % len(ROWS)] | {"id": i} for i in range(count)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_small_batches_write_the_same_content(tmp_path: Path, fmt: ExportFormat) -> None:
    rows = many_rows(10)
    one, small = tmp_path / f"one.{fmt}", tmp_path / f"small.{fmt}"
    assert export(fmt, one, rows=rows) == 10
    assert export(fmt, small, rows=iter(rows), batch_size=3) == 10
    if fmt == "parquet":
        # Each batch is a row group, so the bytes differ, but not the table.
        assert pq.read_table(small).equals(pq.read_table(one))
        assert pq.ParquetFile(small).num_row_groups == 4
        assert pq.read_table(small)["id"].to_pylist() == list(range(10))
    else:
        assert small.read_bytes() == one.read_bytes()


class CountingRows:
    """An iterator of rows that counts how many have been taken."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = iter(rows)
        self.taken = 0

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return self

    def __next__(self) -> Mapping[str, Any]:
        row = next(self.rows)
        self.taken += 1
        return row


class RecordingStream(io.BytesIO):
    """Notes, at each write, how many rows the exporter had taken so far."""

    def __init__(self, source: CountingRows) -> None:
        super().__init__()
        self.source = source
        self.taken_at_writes: list[int] = []

    def write(self, data: Any) -> int:
        self.taken_at_writes.append(self.source.taken)
        return super().write(data)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_rows_are_read_one_batch_at_a_time(fmt: ExportFormat) -> None:
    source = CountingRows(many_rows(10))
    stream = RecordingStream(source)
    assert write_rows(source, COLUMNS, fmt, stream, batch_size=3) == 10
    assert stream.taken_at_writes == [3, 6, 9, 10]


# Values that do not fit


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (Column("n", "int"), "7", "column 'n' (int), row 1: '7' has type str"),
        (Column("n", "int"), True, "has type bool"),
        (Column("n", "int"), 2.0, "has type float"),
        (Column("n", "int"), 2**63, "does not fit in 64 bits"),
        (Column("x", "float"), "0.5", "has type str"),
        (Column("x", "float"), float("nan"), "is not finite"),
        (Column("x", "float"), float("inf"), "is not finite"),
        (Column("x", "float"), 10**400, "is too large for a float"),
        (Column("b", "bool"), 1, "has type int"),
        (Column("s", "string"), 5, "has type int"),
        (Column("s", "string"), b"bytes", "has type bytes"),
        (Column("l", "list[string]"), "a; b", "has type str"),
        (Column("l", "list[string]"), ["a", None], "has an item that is not a string"),
        (Column("l", "list[string]"), ["a", 1], "has an item that is not a string"),
        (Column("j", "json"), {"when": object()}, "is not JSON-able"),
        (Column("j", "json"), {"x": float("nan")}, "is not JSON-able"),
    ],
)
def test_value_that_does_not_fit(column: Column, value: Any, message: str) -> None:
    with pytest.raises(ValueError, match="row 1") as error:
        write_rows([{column.name: value}], [column], "jsonl", io.BytesIO())
    assert message in str(error.value)
    assert repr(column.name) in str(error.value)


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(ValueError) as error:
        write_rows([{"n": "x" * 500}], [Column("n", "int")], "csv", io.BytesIO())
    assert len(str(error.value)) < 120 and "..." in str(error.value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_type_error_mid_way_leaves_no_file(tmp_path: Path, fmt: ExportFormat) -> None:
    rows = many_rows(10)
    rows[6] = rows[6] | {"sites": "not a list"}
    path = tmp_path / f"out.{fmt}"
    with pytest.raises(ValueError, match=r"column 'sites' \(list\[string\]\), row 7:"):
        export(fmt, path, rows=rows, batch_size=3)  # two batches are written before row 7
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_export_keeps_the_old_file(tmp_path: Path, fmt: ExportFormat) -> None:
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(b"the previous export")
    with pytest.raises(ValueError, match="row 3"):
        export(fmt, path, rows=[ROWS[0], ROWS[1], {"direct": "yes"}], batch_size=1)
    assert path.read_bytes() == b"the previous export"
    assert list(tmp_path.iterdir()) == [path]
    # and a successful one replaces it
    assert export(fmt, path) == len(ROWS)
    assert path.read_bytes() != b"the previous export"
    assert list(tmp_path.iterdir()) == [path]


def test_interrupted_export_leaves_no_file(tmp_path: Path) -> None:
    def rows() -> Iterator[dict[str, Any]]:
        yield ROWS[0]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export("parquet", tmp_path / "out.parquet", rows=rows(), batch_size=1)
    assert list(tmp_path.iterdir()) == []


def test_file_mode_follows_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        export("csv", tmp_path / "out.csv")
    finally:
        os.umask(umask)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644


def test_str_path_and_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    assert write_rows(ROWS, COLUMNS, "jsonl", str(path)) == len(ROWS)
    assert path.exists()
    with pytest.raises(FileNotFoundError):
        write_rows(ROWS, COLUMNS, "jsonl", tmp_path / "missing" / "out.jsonl")


# Bad arguments


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        export("xlsx", tmp_path / "out.xlsx")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_unknown_column_type() -> None:
    with pytest.raises(ValueError, match="column 'n': unknown type 'integer'"):
        Column("n", "integer")  # type: ignore[arg-type]


def test_bad_columns_and_batch_size() -> None:
    with pytest.raises(ValueError, match="no columns"):
        write_rows(ROWS, [], "csv", io.BytesIO())
    with pytest.raises(ValueError, match="duplicate column names: 'id'"):
        write_rows(ROWS, [Column("id", "int"), Column("id", "string")], "csv", io.BytesIO())
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        write_rows(ROWS, COLUMNS, "csv", io.BytesIO(), batch_size=0)


def test_row_that_is_not_a_mapping() -> None:
    with pytest.raises(ValueError, match="row 2: expected a mapping, got tuple"):
        write_rows([ROWS[0], (1, 2)], COLUMNS, "jsonl", io.BytesIO())  # type: ignore[list-item]
