"""API load test: search latency at 50 concurrent clients over a 100k-quote record.

Usage: .venv/bin/python bench/bench_api.py [--db bench-store.db] [--clients 50] [--seconds 30]

Starts ``onrecord serve`` on 127.0.0.1 (a free port) over the database (built with
bench_store.py's generator when --db is not given or does not exist), then runs
``--clients`` concurrent clients for ``--seconds``, each sending search requests back
to back — the 57 search kinds of bench_store.py through ``/api/quotes``, plus one
malformed request in twenty (bad date, bad cursor, bad type), which must get a 4xx.
Prints requests, throughput, p50/p90/p99 latency of the searches, the 4xx count of the
malformed ones, and errors and 5xx (both must be zero). The server runs on one core and
the clients on the other(s); ``--warmup`` seconds of the same load run first, uncounted. Sends traffic only to
127.0.0.1 and stops by itself. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import build, queries

MALFORMED = [
    {"since": "yesterday"},
    {"cursor": "not-a-cursor"},
    {"type": "rumour"},
    {"limit": "0"},
    {"min_confidence": "2"},
]


def api_params(where: object) -> dict[str, str]:
    names = {"search": "q", "entity": "mentions"}
    params = {}
    for field in ("speaker", "search", "role", "outlet", "since", "until", "entity", "type"):
        value = getattr(where, field)
        if value:
            params[names.get(field, field)] = str(value)
    return params


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run ``onrecord serve`` over ``db`` on 127.0.0.1 until the block ends.

    With two cores or more, the server is pinned to the first and this process to the
    others (restored afterwards). Yields the base URL and the server process once it
    answers.

    Raises:
        RuntimeError: If the server does not answer within a minute.
    """
    port = free_port()
    command = [sys.executable, "-m", "onrecord", "serve", "--db", str(db), "--port", str(port)]
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cores) >= 2:
        command = ["taskset", "-c", str(cores[0]), *command]
        os.sched_setaffinity(0, set(cores[1:]))
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ONRECORD_WRITE_TOKEN": ""},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/speakers?limit=1", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield base, server
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if len(cores) >= 2:
            os.sched_setaffinity(0, set(cores))


async def client(
    base: str, seconds: float, seed: int, results: list[tuple[str, int, float]]
) -> None:
    rng = random.Random(seed)
    searches = [api_params(w) for _, w in queries()]
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < deadline:
            malformed = rng.random() < 0.05
            params = rng.choice(MALFORMED) if malformed else rng.choice(searches)
            started = time.perf_counter()
            try:
                response = await http.get("/api/quotes", params={"limit": "50", **params})
                status = response.status_code
            except httpx.HTTPError:
                status = -1
            results.append(
                ("malformed" if malformed else "search", status, time.perf_counter() - started)
            )


async def load(base: str, clients: int, seconds: float) -> list[tuple[str, int, float]]:
    results: list[tuple[str, int, float]] = []
    await asyncio.gather(*(client(base, seconds, n, results) for n in range(clients)))
    return results


def bench_db(given: Path | None, folder: Path, quotes: int) -> Path:
    """The record to serve: ``given``, or one of ``quotes`` quotes built in ``folder``."""
    db = given or folder / "bench.db"
    if not db.exists():
        seconds, articles, stored = build(db, quotes)
        print(f"built {db}: {articles} articles, {stored} quotes in {seconds:.0f} s")
    return db


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="Seconds of the same load first, not counted."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = bench_db(args.db, Path(tmp), args.quotes)
        with serving(db) as (base, _):
            if args.warmup > 0:
                asyncio.run(load(base, args.clients, args.warmup))
            started = time.perf_counter()
            results = asyncio.run(load(base, args.clients, args.seconds))
            elapsed = time.perf_counter() - started
    searches = [r for r in results if r[0] == "search"]
    malformed = [r for r in results if r[0] == "malformed"]
    latencies = [1000 * r[2] for r in searches if r[1] == 200]
    errors = sum(1 for r in results if r[1] == -1)
    server_errors = sum(1 for r in results if r[1] >= 500)
    wrong_malformed = sum(1 for r in malformed if not 400 <= r[1] < 500)
    print(
        f"{len(results)} requests in {elapsed:.1f} s ({len(results) / elapsed:.0f}/s) "
        f"from {args.clients} clients"
    )
    print(
        f"search latency: p50 {statistics.median(latencies):.1f} ms, "
        f"p90 {percentile(latencies, 0.90):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms "
        f"({len(latencies)} searches)"
    )
    print(
        f"malformed: {len(malformed)} sent, {len(malformed) - wrong_malformed} answered 4xx; "
        f"errors {errors}, 5xx {server_errors}"
    )


if __name__ == "__main__":
    main()
