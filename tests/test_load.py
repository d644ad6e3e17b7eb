"""The API under sustained mixed load with a concurrent ingest, and what keeps its memory flat.

The load test is the bounded form of ``bench/bench_load.py`` (``make load`` runs the
five-minute one): a real ``onrecord serve`` over a small generated record, 20 clients
for 20 seconds sending searches and speaker and article requests (pages and API),
while ``onrecord ingest`` writes into the same database.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT
from onrecord.serve import api
from onrecord.serve.app import create_app
from onrecord.serve.cache import ResultCache

sys.path.insert(0, str(ROOT / "bench"))  # bench/ is not a package
from bench_load import run_load
from bench_store import build

RSS_GROWTH_MB = 30.0
"""The most the server's resident memory may grow from the first to the last quarter of
the run. Seen: 4-14 MB (SQLite page caches of the worker threads' connections filling,
up to 2 MB each, and newly written pages); a leak of a few KB per request would pass it
within the run."""


@pytest.mark.slow
def test_api_under_load_with_a_concurrent_ingest(tmp_path: Path) -> None:
    db = tmp_path / "load.db"
    build(db, 2_000)
    report = run_load(db, seconds=20, clients=20, warmup=3, rss_every=1, batch=30)
    figures = report.summary()
    assert report.requests > 500, figures
    assert report.errors == 0 and report.server_errors == 0, figures
    assert report.unexpected == 0, figures
    assert report.writer_failures == [], report.writer_failures
    assert figures["articles_written"] > 0 and report.newest_seen, figures
    assert figures["rss_growth_mb"] < RSS_GROWTH_MB, figures


def test_a_new_worker_thread_takes_over_an_ended_threads_connection(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "x.db"))
    request = SimpleNamespace(app=app)
    got: list[object] = []

    def use() -> None:
        got.append(api.database(request))  # type: ignore[arg-type]

    for _ in range(3):  # one after another, as the pool retires and starts threads
        thread = threading.Thread(target=use)
        thread.start()
        thread.join()
    assert got[0] is got[1] is got[2] and len(app.state.open_databases) == 1
    hold, release = threading.Barrier(3), threading.Event()

    def busy() -> None:
        use()
        hold.wait()
        release.wait()

    both = [threading.Thread(target=busy) for _ in range(2)]
    for thread in both:
        thread.start()
    hold.wait()  # both threads hold a connection at once: two connections
    assert len(app.state.open_databases) == 2 and got[3] is not got[4]
    release.set()
    for thread in both:
        thread.join()
    for _, database in app.state.open_databases:
        database.close()


def test_a_new_record_version_empties_the_cache() -> None:
    cache = ResultCache(ttl=0.0)
    version = cache.version(lambda: (1, 1, 0, 1))
    for n in range(10):
        cache.put(("/api/quotes", n, version), b"{}")
    assert cache.get(("/api/quotes", 3, version)) == b"{}"
    assert cache.version(lambda: (1, 1, 0, 1)) == version  # unchanged: kept
    assert cache.get(("/api/quotes", 3, version)) == b"{}"
    newer = cache.version(lambda: (2, 2, 0, 1))
    assert newer != version and cache._items == {}
