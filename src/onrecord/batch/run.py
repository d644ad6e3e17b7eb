"""Running a batch: each shard extracted by a worker that loads the pipeline once.

Owns ``run_batch`` (skip the shards already done, run the rest on a pool — local
processes or Ray actors — with a progress callback) and ``extract_shard`` (read a
shard's files, extract them, write its Parquet rows to a temporary file, rename it into
place, remove the temporaries of the shard's killed attempts, then write its marker).
Rows hold the public JSON record of each article, so a batch's output is the same
whatever the engine and can be loaded into any store (``batch.load``). Extraction
itself is ``nlp.run``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onrecord.batch.shards import Shard, durable_replace, write_marker
from onrecord.ingest.errors import InputError
from onrecord.ingest.parts import read_part
from onrecord.ingest.sources import iter_documents
from onrecord.models import RawDocument

ENGINES = ("local", "ray")
ROW_COLUMNS = ("path", "kind", "content_hash", "record", "error_code", "error")


@dataclass(frozen=True)
class ShardSummary:
    """What one shard produced."""

    shard: str
    articles: int
    errors: int
    words: int
    seconds: float
    worker_pid: int
    peak_rss_mb: float


_NLP: Any = None


def _pipeline() -> Any:
    """The spaCy pipeline of this process, loaded on first use."""
    global _NLP
    if _NLP is None:
        from onrecord.nlp.parse import load_pipeline

        _NLP = load_pipeline()
    return _NLP


def extract_shard(shard: Shard, out_dir: str, extractor: str | None = None) -> ShardSummary:
    """Extract one shard's files and write its Parquet file, then its marker.

    Args:
        shard: The shard.
        out_dir: The batch's output folder.
        extractor: ``rules`` or ``model`` (None: the default).

    Returns:
        What the shard produced.
    """
    import resource
    import time

    import pyarrow as pa
    import pyarrow.parquet as pq

    from onrecord.nlp.run import RunSettings, extract_documents

    started = time.perf_counter()
    out = Path(out_dir)
    rows: dict[str, list[Any]] = {column: [] for column in ROW_COLUMNS}
    articles = errors = words = 0
    settings = RunSettings(extractor=extractor)
    for item in extract_documents(_shard_documents(shard), _pipeline(), settings):
        if isinstance(item, InputError):
            errors += 1
            values = [item.path, "error", None, None, item.code, item.message]
        else:
            articles += 1
            words += int(item.metadata.get("words") or 0)
            values = [
                item.path,
                "article",
                item.metadata.get("content_hash"),
                json.dumps(item.to_dict(), ensure_ascii=False, sort_keys=True),
                None,
                None,
            ]
        for column, value in zip(ROW_COLUMNS, values, strict=True):
            rows[column].append(value)
    table = pa.table({column: pa.array(rows[column], pa.string()) for column in ROW_COLUMNS})
    # A unique temporary (two writers of one shard never share a file), named after the
    # shard so that the temporaries of its killed attempts can be found and removed.
    handle, temporary = tempfile.mkstemp(dir=out, prefix=f"{shard.name}.", suffix=".parquet.tmp")
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        durable_replace(temporary, shard.output(out))
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    for stale in out.glob(f"{shard.name}.*.parquet.tmp"):
        stale.unlink(missing_ok=True)  # left by an attempt killed while writing
    summary = ShardSummary(
        shard.name,
        articles,
        errors,
        words,
        time.perf_counter() - started,
        os.getpid(),
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    write_marker(shard, out, summary.__dict__)
    return summary


def _shard_documents(shard: Shard) -> Iterator[RawDocument | InputError]:
    """The documents of a shard's files, then of its parts."""
    yield from iter_documents(shard.paths)
    for part in shard.parts:
        yield from read_part(part)


def run_batch(
    shards: list[Shard],
    out_dir: Path,
    *,
    engine: str = "local",
    workers: int = 2,
    address: str | None = None,
    extractor: str | None = None,
    on_done: Callable[[ShardSummary], None] | None = None,
) -> list[ShardSummary]:
    """Run every shard not done yet.

    Args:
        shards: The plan.
        out_dir: The output folder (created).
        engine: ``local`` (a process pool) or ``ray`` (actors on a Ray cluster).
        workers: Processes or actors, each loading the pipeline once.
        address: The Ray cluster (``auto``, ``ray://host:10001``); None starts a local one.
        extractor: ``rules`` or ``model``.
        on_done: Called with each finished shard's summary (progress).

    Returns:
        The summaries of the shards run now (finished ones from earlier runs are skipped).

    Raises:
        ValueError: For an unknown engine or fewer than one worker.
        ImportError: For the Ray engine when Ray is not installed.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = [shard for shard in shards if not shard.is_done(out_dir)]
    results: list[ShardSummary] = []
    runner = _run_ray if engine == "ray" else _run_local
    for summary in runner(todo, str(out_dir), workers, address, extractor):
        results.append(summary)
        if on_done is not None:
            on_done(summary)
    return results


def _run_local(
    todo: list[Shard], out_dir: str, workers: int, address: str | None, extractor: str | None
) -> Iterator[ShardSummary]:
    if not todo:
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no forked copies of spaCy's state
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(extract_shard, shard, out_dir, extractor) for shard in todo]
        for future in futures:
            yield future.result()


def _run_ray(
    todo: list[Shard], out_dir: str, workers: int, address: str | None, extractor: str | None
) -> Iterator[ShardSummary]:
    try:
        import ray
        from ray.util import ActorPool
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("the ray engine needs Ray: pip install 'onrecord[ray]'") from exc
    if not todo:
        return
    started_here = not ray.is_initialized()
    if started_here:
        if address is None:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    try:
        worker_class = ray.remote(_ShardWorker)
        actors = [worker_class.remote() for _ in range(workers)]
        pool = ActorPool(actors)
        yield from pool.map_unordered(
            lambda actor, shard: actor.extract.remote(shard, out_dir, extractor), todo
        )
    finally:
        if started_here:
            ray.shutdown()


class _ShardWorker:
    """A Ray actor: loads the pipeline once, then extracts shard after shard."""

    def __init__(self) -> None:
        _pipeline()

    def extract(self, shard: Shard, out_dir: str, extractor: str | None) -> ShardSummary:
        return extract_shard(shard, out_dir, extractor)
