"""Batch scaling and worker memory: `onrecord batch` with 1 and 2 workers on the same
input, and one worker's peak RSS over a long run.

Usage: .venv/bin/python bench/bench_batch.py [TEXT_DIR] [--articles 800] [--shard-size 5]
       [--rss-articles 10000] [--engine local|ray]

Scaling: the first ``--articles`` texts of TEXT_DIR (default PolNeAR train when
../shared is present, else synthetic articles) are run by ``run_batch`` with one worker,
then two, into fresh output folders; wall time includes starting the workers and
loading the pipeline, as a user sees it. Prints articles/s, words/s, the speed-up and
the scaling efficiency (speed-up / workers). Each run pays about 1.3 s once (starting a
worker, loading the pipeline and the tagger) whatever the number of workers; 800
articles (about 30 s with two workers) keep that one-off cost from deciding the
efficiency (400 did before the encoders became faster: 1.80x at 400, 1.82x at 800 in
the same conditions). With ``--engine ray`` one local Ray instance is started before
both runs and stopped after them, untimed, as when jobs go to an existing cluster (the
README's way to run on Ray); the actors' start is timed.

``--articles 0`` skips it. Memory: ``--rss-articles`` synthetic articles (bench_suite's generator) run by one
worker in shards of 50; each shard's marker records the worker's peak RSS when it
finished, printed at every tenth of the run, first against last. 0 skips it.

Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from onrecord.batch.run import ShardSummary, run_batch
from onrecord.batch.shards import plan_shards

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_suite import synthetic  # noqa: E402 - the script's own folder, added above


def _write_synthetic(folder: Path, articles: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    docs = synthetic(articles * 300)[:articles]  # 230 words or so an article
    for n, doc in enumerate(docs):
        path = folder / f"synthetic_{n:06d}.txt"
        path.write_text(doc.text, encoding="utf-8")
        paths.append(path)
    return paths


def _run(
    inputs: list[str], out: Path, workers: int, shard_size: int, engine: str
) -> tuple[float, list[ShardSummary]]:
    shards, _ = plan_shards(inputs, shard_size)
    started = time.perf_counter()
    summaries = run_batch(shards, out, engine=engine, workers=workers)
    return time.perf_counter() - started, summaries


def scaling(folder: Path | None, articles: int, shard_size: int, engine: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if folder is not None:
            paths = sorted(folder.glob("*.txt"))[:articles]
        else:
            paths = _write_synthetic(Path(tmp) / "in", articles)
        inputs = [str(p) for p in paths]
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        print(
            f"== scaling ({engine}): {len(paths)} articles, {words:,} words, "
            f"shards of {shard_size}, from {folder or 'synthetic text'}"
        )
        times = {}
        cluster = _start_ray() if engine == "ray" else contextlib.nullcontext()
        with cluster:
            for workers in (1, 2):
                times[workers] = _time_workers(
                    inputs, Path(tmp), workers, shard_size, engine, words
                )
        speedup = times[1] / times[2]
        print(f"  2 workers vs 1: {speedup:.2f}x, scaling efficiency {100 * speedup / 2:.0f}%")


@contextlib.contextmanager
def _start_ray() -> Iterator[None]:
    """One local Ray instance for both runs, as on an existing cluster (not timed)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def _time_workers(
    inputs: list[str], tmp: Path, workers: int, shard_size: int, engine: str, words: int
) -> float:
    seconds, summaries = _run(inputs, tmp / f"out{workers}", workers, shard_size, engine)
    rss = max(s.peak_rss_mb for s in summaries)
    busy = sum(s.seconds for s in summaries)
    print(
        f"  {workers} worker(s): {seconds:6.1f} s wall, {len(inputs) / seconds:5.1f} "
        f"articles/s, {words / seconds:7,.0f} words/s; shard time {busy:.1f} s; "
        f"peak RSS per worker {rss:.0f} MB"
    )
    return seconds


def memory(articles: int, engine: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = _write_synthetic(Path(tmp) / "in", articles)
        print(f"== worker memory: {len(paths)} synthetic articles, one worker, shards of 50")
        seconds, summaries = _run([str(p) for p in paths], Path(tmp) / "out", 1, 50, engine)
        summaries.sort(key=lambda s: s.shard)
        step = max(1, len(summaries) // 10)
        done = 0
        for index, summary in enumerate(summaries):
            done += summary.articles
            if index % step == 0 or index == len(summaries) - 1:
                print(f"  after {done:6,} articles: peak RSS {summary.peak_rss_mb:.0f} MB")
        first = statistics.mean(s.peak_rss_mb for s in summaries[: max(1, len(summaries) // 10)])
        last = statistics.mean(s.peak_rss_mb for s in summaries[-max(1, len(summaries) // 10) :])
        print(
            f"  first tenth {first:.0f} MB, last tenth {last:.0f} MB "
            f"({last - first:+.0f} MB); {len(paths) / seconds:.1f} articles/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--shard-size", type=int, default=5)
    parser.add_argument("--rss-articles", type=int, default=2000)
    parser.add_argument("--engine", default="local")
    args = parser.parse_args()
    folder = args.folder or (TRAIN if TRAIN.exists() else None)
    if args.articles > 0:
        scaling(folder, args.articles, args.shard_size, args.engine)
    if args.rss_articles > 0:
        memory(args.rss_articles, args.engine)


if __name__ == "__main__":
    main()
