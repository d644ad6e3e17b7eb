"""Loading a finished batch's output into a store.

Owns ``load_batch``: every shard with a completion marker, in shard order, its article
rows rebuilt as records and saved (``store.db``: idempotent, one transaction each), its
error rows reported back. Shards without a marker (still running, or killed) are left
for a later run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from onrecord.ingest.errors import InputError
from onrecord.models import ArticleRecord


def finished_shards(out_dir: Path) -> list[Path]:
    """The Parquet files of the shards that finished, in shard order."""
    return sorted(
        path for path in out_dir.glob("shard-*.parquet") if path.with_suffix(".done").exists()
    )


def read_batch(out_dir: Path) -> Iterator[ArticleRecord | InputError]:
    """The records and input errors of every finished shard, in order.

    Args:
        out_dir: The batch's output folder.

    Yields:
        Records and errors.
    """
    import pyarrow.parquet as pq

    for path in finished_shards(out_dir):
        table = pq.read_table(path)
        for row in table.to_pylist():
            if row["kind"] == "article":
                yield ArticleRecord.from_dict(json.loads(row["record"]))
            else:
                yield InputError(row["path"], row["error_code"] or "error", row["error"] or "")
