"""Cutting a batch's inputs into shards, and the files a finished shard leaves behind.

Owns ``plan_shards`` (the inputs expanded to files, sorted, and grouped into shards of
at most ``size`` files — a big WARC or JSONL file cut into parts of ``size`` records, a
shard each — each named by its position and a digest of its files and parts so that a
changed input list never reuses a stale result) and the shard's output layout:
``shard-00007-<digest>.parquet`` with one row per article or input error, then the
completion marker ``shard-00007-<digest>.done`` written last, atomically — a shard
without its marker is redone. Running shards is ``batch.run``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onrecord.ingest.errors import InputError
from onrecord.ingest.parts import FilePart, split_file
from onrecord.ingest.sources import iter_input_files

DEFAULT_SHARD_SIZE = 50
"""Input files per shard."""


@dataclass(frozen=True)
class Shard:
    """A unit of work: some input files, or one part of a big WARC or JSONL file.

    Attributes:
        number: Its position in the plan, from 0.
        paths: The files.
        parts: Parts of big files (``ingest.parts``).
    """

    number: int
    paths: tuple[str, ...]
    parts: tuple[FilePart, ...] = ()

    @property
    def name(self) -> str:
        """``shard-00007-<digest of its paths and parts>``."""
        items = list(self.paths) + [part.name for part in self.parts]
        digest = hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()[:12]
        return f"shard-{self.number:05d}-{digest}"

    def output(self, out_dir: Path) -> Path:
        """Its Parquet file."""
        return out_dir / f"{self.name}.parquet"

    def marker(self, out_dir: Path) -> Path:
        """Its completion marker."""
        return out_dir / f"{self.name}.done"

    def is_done(self, out_dir: Path) -> bool:
        """Whether it finished in an earlier run."""
        return self.marker(out_dir).exists() and self.output(out_dir).exists()


def plan_shards(
    inputs: Iterable[str], size: int = DEFAULT_SHARD_SIZE, *, split: bool = True
) -> tuple[list[Shard], list[InputError]]:
    """Expand the inputs to files and group them into shards.

    A WARC or plain JSONL file of more than ``size`` records is cut into parts of
    ``size`` records, a shard each (``ingest.parts``); other files go ``size`` to a
    shard.

    Args:
        inputs: Files and directories, as for ``onrecord extract``.
        size: Files (or records of a big file) per shard.
        split: Cut big WARC and JSONL files into parts.

    Returns:
        The shards, and the inputs that do not exist or cannot be listed.

    Raises:
        ValueError: If ``size`` is less than 1 or an input is ``-``.
    """
    if size < 1:
        raise ValueError(f"shard size must be at least 1, got {size}")
    files: list[str] = []
    errors: list[InputError] = []
    for item in iter_input_files(inputs):
        if isinstance(item, InputError):
            errors.append(item)
        elif item == "-":
            raise ValueError("a batch reads files, not stdin")
        else:
            files.append(item)
    files = sorted(dict.fromkeys(files))
    parts: list[FilePart] = []
    if split:
        whole: list[str] = []
        for path in files:
            pieces = split_file(path, size) if _splittable_name(path) else None
            if pieces is None:
                whole.append(path)
            else:
                parts.extend(pieces)
        files = whole
    shards = [
        Shard(n, tuple(files[start : start + size]))
        for n, start in enumerate(range(0, len(files), size))
    ]
    shards += [Shard(len(shards) + n, (), (part,)) for n, part in enumerate(parts)]
    return shards, errors


def _splittable_name(path: str) -> bool:
    name = path.lower().removesuffix(".gz")
    return name.endswith((".warc", ".jsonl", ".ndjson", ".json"))


def write_marker(shard: Shard, out_dir: Path, summary: dict[str, Any]) -> None:
    """Write a shard's completion marker, atomically, after its output is in place."""
    path = shard.marker(out_dir)
    temporary = path.with_suffix(".done.tmp")
    temporary.write_text(json.dumps(summary, sort_keys=True), encoding="utf-8")
    durable_replace(temporary, path)


def durable_replace(temporary: Path | str, path: Path | str) -> None:
    """Move a written file into place so that it survives a power cut, not only a kill.

    The file's data is flushed before the rename and the folder's entry after it, so a
    marker can never be on disk beside a Parquet file that is not.
    """
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
