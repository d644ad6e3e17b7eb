"""Big WARC and JSONL files cut into parts of whole records: the same documents, named
the same, as reading the whole file; files that cannot be sought into stay whole."""

from __future__ import annotations

import gzip
import itertools
import re
from pathlib import Path

import pytest

from builders import STORY, html_page, write_jsonl, write_warc
from onrecord.batch.shards import plan_shards
from onrecord.ingest.errors import InputError
from onrecord.ingest.parts import read_part, split_file
from onrecord.ingest.sources import iter_documents
from onrecord.models import RawDocument


def _warc(path: Path, pages: int, *, gz: bool) -> Path:
    records: list[tuple[str, str, bytes, str | None]] = []
    for n in range(pages):
        uri = f"https://herald.example.com/news/{n}"
        records.append((uri, "request", b"", None))
        # long words made unique per page, so that no page is a near copy of another
        story = [re.sub(r"\b([a-z]{6,})\b", rf"\1{'x' * (n + 1)}", p) for p in STORY]
        page = html_page(f"Story {n}", [f"Story number {n} begins here.", *story], url=uri)
        records.append((uri, "response", page.encode("utf-8"), "text/html"))
    records.append(("https://herald.example.com/logo.png", "response", b"\x89PNG", "image/png"))
    write_warc(path, records, gz=gz)
    return path


def _summary(items: list[RawDocument | InputError]) -> list[tuple[str, str]]:
    return [
        (item.path, item.text if isinstance(item, RawDocument) else item.code) for item in items
    ]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_parts_read_the_same_documents_as_the_whole_file(tmp_path: Path, gz: bool) -> None:
    path = _warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), 7, gz=gz)
    parts = split_file(str(path), 3)
    assert parts is not None and len(parts) == 5  # 15 records, 3 a part
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    whole = _summary(list(iter_documents([str(path)])))
    pieces = _summary([item for part in parts for item in read_part(part)])
    assert len(whole) == 7 and pieces == whole
    assert all("@" in name for name, _ in pieces)


def test_jsonl_parts_keep_line_numbers_and_errors(tmp_path: Path) -> None:
    items: list[object] = [{"text": f"Article {n}. " + STORY[n % 3]} for n in range(10)]
    items[4] = "{not json"
    path = tmp_path / "export.jsonl"
    write_jsonl(path, items)
    parts = split_file(str(path), 4)
    assert parts is not None and [p.first_line for p in parts] == [1, 5, 9]
    whole = _summary(list(iter_documents([str(path)])))
    pieces = _summary([item for part in parts for item in read_part(part)])
    assert pieces == whole and (f"{path}:5", "bad_json") in pieces


def test_files_that_cannot_be_sought_into_stay_whole(tmp_path: Path) -> None:
    gz_jsonl = tmp_path / "export.jsonl.gz"
    write_jsonl(gz_jsonl, [{"text": f"Article {n}."} for n in range(10)], gz=True)
    assert split_file(str(gz_jsonl), 2) is None
    one_stream = tmp_path / "crawl.warc.gz"  # a WARC gzipped as one stream, not per record
    plain = _warc(tmp_path / "plain.warc", 4, gz=False)
    one_stream.write_bytes(gzip.compress(plain.read_bytes()))
    assert split_file(str(one_stream), 2) is None
    small = _warc(tmp_path / "small.warc.gz", 1, gz=True)  # 3 records: one part
    assert split_file(str(small), 3) is None
    text = tmp_path / "story.txt"
    text.write_text("Plain text.\n" * 50)
    assert split_file(str(text), 2) is None
    with pytest.raises(ValueError, match="at least 1"):
        split_file(str(plain), 0)


def test_plan_gives_each_part_of_a_big_file_its_own_shard(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _warc(folder / "crawl.warc.gz", 6, gz=True)  # 13 records
    for n in range(3):
        (folder / f"story_{n}.txt").write_text(STORY[n])
    shards, errors = plan_shards([str(folder)], size=5)
    assert not errors
    assert [len(s.paths) for s in shards] == [3, 0, 0, 0]
    assert [len(s.parts) for s in shards] == [0, 1, 1, 1]
    assert len({s.name for s in shards}) == 4
    whole, _ = plan_shards([str(folder)], size=5, split=False)
    assert [len(s.paths) for s in whole] == [4]


def test_a_batch_over_parts_gives_the_records_of_the_whole_file(tmp_path: Path) -> None:
    from onrecord.batch.load import read_batch
    from onrecord.batch.run import run_batch

    path = _warc(tmp_path / "crawl.warc.gz", 5, gz=True)

    def records(out: Path, split: bool) -> list[str]:
        shards, _ = plan_shards([str(path)], size=4, split=split)
        run_batch(shards, out, workers=1)
        return sorted(
            repr(item.to_dict()) if not isinstance(item, InputError) else item.path
            for item in read_batch(out)
        )

    whole = records(tmp_path / "whole", False)
    parted = records(tmp_path / "parted", True)
    assert len(whole) == 5 and parted == whole
    assert len(list((tmp_path / "parted").glob("*.done"))) == 3


def test_parts_keep_the_reading_limits(tmp_path: Path) -> None:
    from onrecord.ingest.sources import ReadSettings

    items: list[object] = [{"text": f"Article {n}. " + STORY[n % 3]} for n in range(9)]
    items[4] = {"text": "word " * 2000}  # over the line limit below
    path = tmp_path / "export.jsonl"
    write_jsonl(path, items)
    settings = ReadSettings(max_bytes=1000)
    parts = split_file(str(path), 3)
    assert parts is not None and len(parts) == 3
    whole = _summary(list(iter_documents([str(path)], settings)))
    pieces = _summary([item for part in parts for item in read_part(part, settings)])
    assert pieces == whole and (f"{path}:5", "too_large") in pieces
    assert len(pieces) == 9
