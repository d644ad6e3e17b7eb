"""Sustained API load with a concurrent ingest: mixed reads, no errors, server memory flat.

Usage: .venv/bin/python bench/bench_load.py [--seconds 300] [--clients 50] [--quotes 100000]
       [--db PATH] [--no-writer] [--writer-nice 0] [--rss-every 5] [--warmup 10] [--json OUT]

Starts ``onrecord serve`` on 127.0.0.1 (a free port, pinned to one core) over an SQLite
record (built with bench_store.py's generator when --db is not given or does not
exist), then for ``--seconds`` runs ``--clients`` concurrent clients, each sending a
mix of requests back to back: quote searches (``/api/quotes`` with bench_store.py's 57
search kinds, and the search page), speakers (``/api/speakers/ID``, ``/speakers/ID``,
``/api/speakers?search=``), articles (``/api/articles/ID``, ``/articles/ID``,
``/api/articles?q=``) and one malformed request in twenty, which must get a 4xx.
Meanwhile a writer runs ``onrecord ingest`` (on the clients' core) over batches of
generated articles into the same database, one batch after another until the time is
up, and the server's resident memory (``VmRSS`` of its process) is read every
``--rss-every`` seconds. ``--warmup`` seconds of the same reads run first, uncounted;
they go on until the writer has stored its first article, so that the step in memory
as the server first reads new data is not counted as growth.

Prints requests, req/s, p50/p95/p99 per kind and overall, errors (no answer), 5xx and
other unexpected statuses (all must be zero), the articles the writer stored and
whether the server listed them, and the RSS series with the means of its first and
last windows (a minute each, or a quarter of a shorter run). Exits 1 on any error,
5xx, unexpected status or writer failure. Sends traffic only to 127.0.0.1 and stops
by itself. ``tests/test_load.py`` runs a short form and asserts on its figures;
``make load`` runs the five-minute form.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import MALFORMED, api_params, bench_db, percentile, serving
from bench_store import FIRST, LAST, ROLES, SITES, queries

from onrecord.store.db import open_database

KINDS = {
    # kind: share of requests
    "quotes search": 0.30,
    "search page": 0.05,
    "speaker api": 0.12,
    "speaker page": 0.08,
    "speaker search": 0.05,
    "article api": 0.12,
    "article page": 0.08,
    "article search": 0.15,
    "malformed": 0.05,
}
WORDS = (
    "council budget harbour school hospital road tax plan vote ferry bridge housing water "
    "energy rail police court union strike wage price market farm river coast storm fire "
    "park library museum airport tunnel station clinic nurse teacher pension grant loan "
    "contract tender audit report review inquiry treaty border army fleet port festival"
)
VOCABULARY = WORDS.split()
INGEST = [sys.executable, "-m", "onrecord", "ingest"]
VERBS = ["build", "cut", "raise", "close", "open", "fund", "delay", "review", "back", "block"]


@dataclass
class LoadReport:
    """What one load run measured."""

    seconds: float
    clients: int
    requests: int
    errors: int
    server_errors: int
    unexpected: int
    latencies_ms: dict[str, list[float]]
    rss_mb: list[tuple[float, float]]
    window_s: float
    articles_before: int
    articles_after: int
    writer_batches: list[str] = field(default_factory=list)
    writer_failures: list[str] = field(default_factory=list)
    newest_seen: bool = False

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds

    def rss_windows(self) -> tuple[float, float]:
        """Mean RSS (MB) over the first and the last window of the run."""
        end = self.rss_mb[-1][0]
        first = [mb for t, mb in self.rss_mb if t <= self.window_s]
        last = [mb for t, mb in self.rss_mb if t >= end - self.window_s]
        return statistics.mean(first), statistics.mean(last)

    def summary(self) -> dict[str, Any]:
        """The figures as JSON-ready values."""
        everything = [v for values in self.latencies_ms.values() for v in values]
        first, last = self.rss_windows()
        return {
            "seconds": round(self.seconds, 1),
            "clients": self.clients,
            "requests": self.requests,
            "requests_per_second": round(self.rate, 1),
            "errors": self.errors,
            "server_errors": self.server_errors,
            "unexpected": self.unexpected,
            "p50_ms": round(percentile(everything, 0.50), 1),
            "p95_ms": round(percentile(everything, 0.95), 1),
            "p99_ms": round(percentile(everything, 0.99), 1),
            "articles_written": self.articles_after - self.articles_before,
            "writer_batches": self.writer_batches,
            "writer_failures": self.writer_failures,
            "newest_seen": self.newest_seen,
            "rss_first_mb": round(first, 1),
            "rss_last_mb": round(last, 1),
            "rss_growth_mb": round(last - first, 1),
            "rss_series_mb": [round(mb, 1) for _, mb in self.rss_mb],
        }


def generate_articles(path: Path, count: int, seed: int) -> None:
    """Write ``count`` short news articles with quotes, as JSONL, for ``onrecord ingest``."""
    rng = random.Random(seed)

    def sentence() -> str:
        words = rng.sample(VOCABULARY, 5)
        return (
            f"the {words[0]} will {rng.choice(VERBS)} the {words[1]} and {words[2]} "
            f"before the {words[3]} {words[4]} in {rng.randint(2026, 2040)}"
        )

    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            first, last, role = rng.choice(FIRST), rng.choice(LAST), rng.choice(ROLES)
            other = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            paragraphs = [
                f"{rng.choice(VOCABULARY).title()} {rng.choice(VERBS)} plan {seed}-{n} "
                f"splits the {rng.choice(VOCABULARY)}",
                f'"{sentence().capitalize()}," said {first} {last}, the {role}.',
                f"{last} said {sentence()}.",
                f'"{sentence().capitalize()}," {other} told reporters on Monday.',
                f"{sentence().capitalize()}, according to the {rng.choice(VOCABULARY)} report.",
            ]
            record = {
                "text": "\n\n".join(paragraphs) + "\n",
                "title": paragraphs[0],
                "site": rng.choice(SITES),
                "published": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "url": f"https://load.example/{seed}/{n}",
            }
            out.write(json.dumps(record) + "\n")


class Writer(threading.Thread):
    """``onrecord ingest`` of generated batches into the database until stopped."""

    def __init__(self, db: Path, folder: Path, batch: int, nice: int = 0) -> None:
        super().__init__(daemon=True)
        self.db, self.folder, self.batch, self.nice = db, folder, batch, nice
        self.stop = threading.Event()
        self.batches: list[str] = []
        self.failures: list[str] = []

    def run(self) -> None:
        try:
            self._batches()
        except Exception as exc:  # reported with the figures, not lost in a thread
            self.failures.append(f"writer: {exc!r}")

    def _batches(self) -> None:
        n = 0
        while not self.stop.is_set():
            path = self.folder / f"batch-{n}.jsonl"
            generate_articles(path, self.batch, seed=1000 + n)
            log = self.folder / f"batch-{n}.log"
            with log.open("w") as err:
                process = subprocess.Popen(
                    ["nice", "-n", str(self.nice), *INGEST, str(path), "--db", str(self.db)],
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                )
                while process.poll() is None and not self.stop.wait(0.5):
                    pass
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                    self.batches.append("stopped")
                    break
            self.batches.append(f"exit {process.returncode}")
            if process.returncode != 0:
                self.failures.append(f"batch {n}: {log.read_text()[-2000:]}")
            n += 1


def rss_mb(pid: int) -> float:
    """The resident memory of a process, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Requests:
    """The request mix, drawn from ids and words in the database."""

    def __init__(self, people: list[int], articles: list[int], seed: int) -> None:
        self.people, self.articles = people, articles
        self.searches = [api_params(w) for _, w in queries()]
        self.rng = random.Random(seed)
        self.kinds = list(KINDS)
        self.weights = list(KINDS.values())

    def draw(self) -> tuple[str, str, dict[str, str]]:
        """A request: its kind, path and query parameters."""
        rng = self.rng
        kind = rng.choices(self.kinds, self.weights)[0]
        if kind == "quotes search":
            return kind, "/api/quotes", {"limit": "50", **rng.choice(self.searches)}
        if kind == "search page":
            return kind, "/", rng.choice(self.searches)
        if kind == "speaker api":
            return kind, f"/api/speakers/{rng.choice(self.people)}", {}
        if kind == "speaker page":
            return kind, f"/speakers/{rng.choice(self.people)}", {}
        if kind == "speaker search":
            return kind, "/api/speakers", {"search": rng.choice(LAST), "limit": "20"}
        if kind == "article api":
            return kind, f"/api/articles/{rng.choice(self.articles)}", {}
        if kind == "article page":
            return kind, f"/articles/{rng.choice(self.articles)}", {}
        if kind == "article search":
            return kind, "/api/articles", {"q": f"w{rng.randint(1, 2000)}", "limit": "20"}
        return kind, "/api/quotes", dict(rng.choice(MALFORMED))


async def client(
    base: str, seconds: float, requests: Requests, results: list[tuple[str, int, float]]
) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < deadline:
            kind, path, params = requests.draw()
            started = time.perf_counter()
            try:
                response = await http.get(path, params=params)
                status = response.status_code
            except httpx.HTTPError:
                status = -1
            results.append((kind, status, time.perf_counter() - started))


async def load(base: str, clients: int, seconds: float, db: Path) -> list[tuple[str, int, float]]:
    with open_database(db) as database:
        conn = database.connection
        people = [int(r[0]) for r in conn.execute("SELECT id FROM persons")]
        articles = [int(r[0]) for r in conn.execute("SELECT id FROM articles")]
    results: list[tuple[str, int, float]] = []
    await asyncio.gather(
        *(
            client(base, seconds, Requests(people, articles, seed), results)
            for seed in range(clients)
        )
    )
    return results


def _articles(db: Path) -> int:
    with open_database(db) as database:
        return database.counts()["articles"]


def _expected(kind: str, status: int) -> bool:
    return 400 <= status < 500 if kind == "malformed" else status == 200


def run_load(
    db: Path,
    seconds: float,
    clients: int = 50,
    warmup: float = 10.0,
    rss_every: float = 5.0,
    writer: bool = True,
    batch: int = 200,
    writer_nice: int = 0,
) -> LoadReport:
    """Serve the database, load it (and ingest into it) for ``seconds``; the figures.

    Args:
        db: An SQLite record (bench_store.build makes one).
        seconds: How long the counted load runs.
        clients: Concurrent clients.
        warmup: Seconds of the same reads before counting (the writer starts with them,
            and they go on until it has stored its first article).
        rss_every: Seconds between readings of the server's resident memory.
        writer: Whether ``onrecord ingest`` writes into the database meanwhile.
        batch: Articles per ingest run.
        writer_nice: The writer's ``nice`` level (0: it competes with the clients as an
            equal; higher: it writes less).

    Returns:
        The report.
    """
    with open_database(db) as database:
        articles_before = database.counts()["articles"]
        newest_before = int(
            database.connection.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        )
    samples: list[tuple[float, float]] = []
    stop_sampling = threading.Event()
    with tempfile.TemporaryDirectory() as folder, serving(db) as (base, server):
        # serving() pinned the server to one core; the writer inherits the others.
        ingest = Writer(db, Path(folder), batch, writer_nice) if writer else None
        try:
            if ingest:
                ingest.start()  # now: its start (loading the model) overlaps the warmup
            if warmup > 0:
                asyncio.run(load(base, clients, warmup, db))
            if ingest:
                # Count from the first write on: the step in memory as the server first
                # reads new pages and drops its cached answers is not growth.
                until = time.monotonic() + 120
                while _articles(db) == articles_before and time.monotonic() < until:
                    asyncio.run(load(base, clients, 1.0, db))
            articles_at_start = _articles(db)
            started = time.perf_counter()

            def sample() -> None:
                while True:
                    samples.append((time.perf_counter() - started, rss_mb(server.pid)))
                    if stop_sampling.wait(rss_every):
                        return

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            results = asyncio.run(load(base, clients, seconds, db))
            elapsed = time.perf_counter() - started
            stop_sampling.set()
            sampler.join()
            samples.append((elapsed, rss_mb(server.pid)))
            latest = httpx.get(f"{base}/api/articles", params={"limit": 5}, timeout=30).json()
        finally:
            stop_sampling.set()
            if ingest:
                ingest.stop.set()
                ingest.join(timeout=60)
    articles_after = _articles(db)
    latencies: dict[str, list[float]] = {}
    for kind, status, took in results:
        if status == 200:
            latencies.setdefault(kind, []).append(1000 * took)
    return LoadReport(
        seconds=elapsed,
        clients=clients,
        requests=len(results),
        errors=sum(1 for r in results if r[1] == -1),
        server_errors=sum(1 for r in results if r[1] >= 500),
        unexpected=sum(1 for r in results if r[1] != -1 and not _expected(r[0], r[1])),
        latencies_ms=latencies,
        rss_mb=samples,
        window_s=min(60.0, elapsed / 4),
        articles_before=articles_at_start,
        articles_after=articles_after,
        writer_batches=ingest.batches if ingest else [],
        writer_failures=ingest.failures if ingest else [],
        newest_seen=any(item["article_id"] > newest_before for item in latest["items"]),
    )


def print_report(report: LoadReport) -> None:
    """The figures, for people."""
    figures = report.summary()
    print(
        f"{report.requests} requests in {report.seconds:.1f} s ({report.rate:.0f}/s) from "
        f"{report.clients} clients; errors {report.errors}, 5xx {report.server_errors}, "
        f"other unexpected statuses {report.unexpected}"
    )
    print(f"{'kind':16s} {'n':>7s} {'p50':>8s} {'p95':>8s} {'p99':>8s}  (ms, answered 200)")
    everything: list[float] = []
    for kind in KINDS:
        values = report.latencies_ms.get(kind, [])
        everything += values
        if values:
            print(
                f"{kind:16s} {len(values):7d} {percentile(values, 0.5):8.1f} "
                f"{percentile(values, 0.95):8.1f} {percentile(values, 0.99):8.1f}"
            )
    print(
        f"{'all':16s} {len(everything):7d} {percentile(everything, 0.5):8.1f} "
        f"{percentile(everything, 0.95):8.1f} {percentile(everything, 0.99):8.1f}"
    )
    if report.writer_batches:
        print(
            f"writer: {figures['articles_written']} articles stored during the run "
            f"(ingest runs: {', '.join(report.writer_batches)}); "
            f"the server listed them: {'yes' if report.newest_seen else 'NO'}"
        )
    for failure in report.writer_failures:
        print(f"writer failure: {failure}")
    series = " ".join(f"{t:.0f}s:{mb:.1f}" for t, mb in report.rss_mb)
    print(f"server RSS (MB) by time: {series}")
    first, last = report.rss_windows()
    print(
        f"server RSS, mean of the first {report.window_s:.0f} s {first:.1f} MB, of the last "
        f"{report.window_s:.0f} s {last:.1f} MB: {last - first:+.1f} MB "
        f"({100 * (last - first) / first:+.1f}%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--rss-every", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=200, help="Articles per ingest run.")
    parser.add_argument("--no-writer", action="store_true", help="Reads only.")
    parser.add_argument("--writer-nice", type=int, default=0, help="The writer's nice level.")
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = bench_db(args.db, Path(tmp), args.quotes)
        report = run_load(
            db,
            args.seconds,
            clients=args.clients,
            warmup=args.warmup,
            rss_every=args.rss_every,
            writer=not args.no_writer,
            batch=args.batch,
            writer_nice=args.writer_nice,
        )
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report.summary(), indent=1) + "\n")
    if report.errors or report.server_errors or report.unexpected or report.writer_failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
