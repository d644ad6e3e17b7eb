"""Cutting a batch's inputs into shards, and the files a finished shard leaves behind.

Owns ``plan_shards`` (the inputs expanded to files, sorted, and grouped into shards of
at most ``size`` files, each named by its position and a digest of its files so that a
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
from onrecord.ingest.sources import iter_input_files

DEFAULT_SHARD_SIZE = 50
"""Input files per shard."""


@dataclass(frozen=True)
class Shard:
    """A unit of work: some input files.

    Attributes:
        number: Its position in the plan, from 0.
        paths: The files.
    """

    number: int
    paths: tuple[str, ...]

    @property
    def name(self) -> str:
        """``shard-00007-<digest of its paths>``."""
        digest = hashlib.sha256("\n".join(self.paths).encode("utf-8")).hexdigest()[:12]
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
    inputs: Iterable[str], size: int = DEFAULT_SHARD_SIZE
) -> tuple[list[Shard], list[InputError]]:
    """Expand the inputs to files and group them into shards.

    Args:
        inputs: Files and directories, as for ``onrecord extract``.
        size: Files per shard.

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
    shards = [
        Shard(n, tuple(files[start : start + size]))
        for n, start in enumerate(range(0, len(files), size))
    ]
    return shards, errors


def write_marker(shard: Shard, out_dir: Path, summary: dict[str, Any]) -> None:
    """Write a shard's completion marker, atomically, after its output is in place."""
    path = shard.marker(out_dir)
    temporary = path.with_suffix(".done.tmp")
    temporary.write_text(json.dumps(summary, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
