"""Crash safety and concurrency: a killed ingest leaves a consistent database and resumes;
readers never see half an article."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from onrecord.models import Quote
from onrecord.store.db import open_database
from test_identity import article

SAMPLE = (ROOT / "samples" / "harbour_council.txt").read_text(encoding="utf-8")
TOWNS = ["Eastport", "Westbay", "Northholm", "Southmere", "Lakeside", "Hillcrest", "Redcliff"]


def _articles(folder: Path, count: int) -> None:
    folder.mkdir()
    for n in range(count):
        town = TOWNS[n % len(TOWNS)]
        text = SAMPLE.replace("Harbour", f"{town} Harbour {n}")
        (folder / f"story_{n:03d}.txt").write_text(text, encoding="utf-8")


def _stored(db: str) -> int:
    if db.startswith("postgresql"):
        import psycopg

        try:
            with psycopg.connect(db) as conn:
                row = conn.execute("SELECT count(*) FROM articles").fetchone()
                return int(row[0]) if row else 0
        except psycopg.Error:
            return 0  # not migrated yet
    if not Path(db).exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created or not migrated yet


def _check_consistent(db: str) -> int:
    with open_database(db) as database:
        conn = database.connection
        if database.dialect == "sqlite":  # PostgreSQL enforces these itself
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            conn.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('integrity-check')")
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        articles = conn.execute("SELECT id FROM articles").fetchall()
        for (article_id,) in articles:
            positions = [
                r[0]
                for r in conn.execute(
                    "SELECT position FROM quotes WHERE article_id = ? ORDER BY position",
                    (article_id,),
                )
            ]
            assert positions == list(range(len(positions))) and positions, article_id
            sources = conn.execute(
                "SELECT count(*) FROM article_sources WHERE article_id = ?", (article_id,)
            ).fetchone()[0]
            assert sources >= 1
        return len(articles)


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_a_consistent_database_that_resumes(
    tmp_path: Path, database_url: str
) -> None:
    folder = tmp_path / "news"
    _articles(folder, 40)
    db = database_url
    command = [sys.executable, "-m", "onrecord", "ingest", str(folder), "--db", db, "--no-dedup"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _stored(db) < 5:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "ingest stored nothing in two minutes"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        if process.stderr:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    before = _check_consistent(db)
    assert 5 <= before < 40

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{40 - before} article(s) stored" in resumed.stderr
    assert f"{before} unchanged" in resumed.stderr
    assert _check_consistent(db) == 40


def test_readers_never_see_half_an_article(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    open_database(db).close()
    stop = threading.Event()
    seen: list[tuple[int, int]] = []
    problems: list[str] = []

    def read() -> None:
        conn = sqlite3.connect(db, timeout=10)
        try:
            while not stop.is_set():
                rows = conn.execute(
                    "SELECT a.id, a.path, count(q.id) FROM articles AS a"
                    " LEFT JOIN quotes AS q ON q.article_id = a.id GROUP BY a.id"
                ).fetchall()
                for _, path, quotes in rows:
                    expected = int(path.split("-")[1].split(".")[0]) % 5 + 1
                    if quotes != expected:
                        problems.append(f"{path}: {quotes} of {expected} quotes visible")
                seen.append((len(rows), sum(r[2] for r in rows)))
        finally:
            conn.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        with open_database(db) as database:
            for n in range(60):
                record = article([("Mark Rutte", None)])
                record.path = f"story-{n}.txt"
                record.quotes = [
                    Quote(content=[(0, 5)], speaker="Mark Rutte") for _ in range(n % 5 + 1)
                ]
                database.save_article(record)
    finally:
        stop.set()
        reader.join()
    assert not problems, problems[:5]
    assert seen and max(count for count, _ in seen) <= 60
