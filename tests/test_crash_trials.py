"""Crash trials: ``kill -9`` at random points of ingest, batch and load, then check what is left.

Each target (ingest into SQLite and into PostgreSQL, batch, load into SQLite and into
PostgreSQL) runs once whole for reference; then chains of runs on a fresh store or output
folder, each run SIGKILLed at a point drawn from a seeded RNG — a delay anywhere in the run;
a random delay after an event the run reports (database opened, n-th article being saved,
n-th shard starting or its Parquet file being written); or exactly at such an event, where
the run waits to be killed (inside the n-th article's transaction, after its last insert
before COMMIT, with the n-th shard's temporary file written but not renamed, renamed but
not marked) — then run again until a run of the chain finishes. The phase each kill hit is
read from the run's last event, logged, and counted.

After every kill: the database passes its integrity checks and holds only whole articles
(each stored article equal, quote for quote, to the reference's), or the output folder holds
only complete shard files and no marker without its complete Parquet file. After the chain's
finishing run: the store or folder equals the reference (same article hashes, quotes,
sources, people; no duplicates) and that run stored or ran only what was missing.

Runs are forked from one process that loaded spaCy once (the zygote): a forked run is a real
process running the real CLI (``onrecord.serve.cli.app``), killed from here with SIGKILL
(its whole process group: batch workers too), so a trial costs the run's own work, not 3 s
of start-up. For the same reason batch workers are forked instead of spawned. The events are
written by wrappers the zygote puts around ``open_database``, ``Database.save_article`` and
``Database._write``, ``extract_shard``, ``pyarrow.parquet.write_table`` and ``write_marker``.

Ingest runs with syndicated-copy detection on (the corpus holds copies of one story): a
resumed ingest gives a later copy of a story stored before the kill that story's
statements, as the whole run does (``test_a_resumed_ingest_with_dedup_stores_what_a_whole_
run_stores`` pins the case where the kill lands between them).

``ONRECORD_CRASH_TRIALS=100`` asks for 100 kills per target instead of 20, and
``ONRECORD_CRASH_SEED`` picks the seed; run with ``-s`` to see every trial and the phases hit.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import os
import queue
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TRIALS = int(os.environ.get("ONRECORD_CRASH_TRIALS", "20"))
SEED = int(os.environ.get("ONRECORD_CRASH_SEED", "2024"))
SHARD_SIZE = 2


# --- the zygote: runs the CLI in forked children and reports what they do ----------------

_EVENTS: int | None = None
"""In a forked run, the file descriptor its events are appended to; None in the zygote."""
_HOLD = ""
"""In a forked run, the event (``"name number"``) at which it stops until it is killed."""
_SAVING = 0
"""The number of the ``save_article`` call in progress (from 1), for the events."""
_SHARD = -1
"""The shard a batch worker is extracting."""


def _event(name: str, number: int = 0) -> None:
    if _EVENTS is not None:
        os.write(_EVENTS, f"{name} {number} {time.monotonic():.6f}\n".encode())
        if f"{name} {number}" == _HOLD:
            time.sleep(30)  # killed here: a kill at exactly this point


def _instrument() -> None:
    """Wrap the store's and the batch's writing steps so that forked runs report them."""
    import pyarrow.parquet as pq

    from onrecord.batch import run as batch_run
    from onrecord.store import db

    open_database = db.open_database

    def opening(path: Any) -> Any:
        _event("open-begin")
        database = open_database(path)
        _event("open-end")
        return database

    save = db.Database.save_article
    saves = itertools.count(1)

    def saving(self: Any, record: Any) -> Any:
        global _SAVING
        _SAVING = next(saves)
        _event("save-begin", _SAVING)
        result = save(self, record)
        _event("save-end", _SAVING)
        return result

    write = db.Database._write

    @contextlib.contextmanager
    def writing(self: Any) -> Iterator[None]:
        with write(self):
            _event("txn-open", _SAVING)
            yield
            _event("txn-commit", _SAVING)  # the body is done; COMMIT runs next

    extract = batch_run.extract_shard

    def extracting(shard: Any, out_dir: str, extractor: str | None = None) -> Any:
        global _SHARD
        _SHARD = shard.number
        _event("shard-begin", _SHARD)
        summary = extract(shard, out_dir, extractor)
        _event("shard-end", _SHARD)
        return summary

    # Pickled by reference into the (forked) worker, so it must be findable by its name.
    extracting.__module__, extracting.__qualname__ = batch_run.__name__, "extract_shard"
    write_table = pq.write_table

    def writing_table(*args: Any, **kwargs: Any) -> Any:
        _event("parquet-begin", _SHARD)
        result = write_table(*args, **kwargs)
        _event("parquet-end", _SHARD)  # the temporary is written; os.replace runs next
        return result

    write_marker = batch_run.write_marker

    def marking(shard: Any, out_dir: Path, summary: dict[str, Any]) -> None:
        _event("marker-begin", shard.number)
        write_marker(shard, out_dir, summary)
        _event("marker-end", shard.number)

    db.open_database = opening  # type: ignore[assignment]
    db.Database.save_article = saving  # type: ignore[method-assign]
    db.Database._write = writing  # type: ignore[method-assign]
    batch_run.extract_shard = extracting
    pq.write_table = writing_table
    batch_run.write_marker = marking


def _run_forked(request: dict[str, Any]) -> NoReturn:
    """The forked child: run the CLI with the request's arguments, then exit."""
    global _EVENTS, _HOLD
    code = 70
    try:
        os.setpgid(0, 0)  # its own process group, batch workers included, for killpg
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        _EVENTS = os.open(request["events"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        _HOLD = request["hold"]
        _event("start")
        from onrecord.serve.cli import app

        try:
            app(args=request["argv"], prog_name="onrecord")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def zygote_main() -> None:
    """Load spaCy once, then fork a CLI run for each JSON request read from stdin.

    Answers ``{"pid": N}`` when a run starts and ``{"pid": N, "code": C}`` when it ends
    (C is -9 for a killed run), then reaps the run's orphaned workers.
    """
    import ctypes
    import multiprocessing

    import psycopg  # noqa: F401 - imported before forking, as everything the runs use
    import pyarrow.parquet  # noqa: F401
    import typer.main

    import onrecord.serve.cli
    from onrecord.batch import run as batch_run
    from onrecord.batch.load import read_batch
    from onrecord.batch.shards import Shard
    from onrecord.models import RawDocument
    from onrecord.nlp.parse import load_pipeline
    from onrecord.nlp.pipeline import extract_article
    from onrecord.store.db import open_database

    nlp = load_pipeline()
    batch_run._NLP = nlp  # forked batch workers find the pipeline loaded
    # Whatever a first extraction, save, shard or shard reading loads lazily, loaded once.
    sample = ROOT / "samples" / "rutte_nato.txt"
    document = RawDocument(path="warm-up.txt", text=sample.read_text(encoding="utf-8"))
    with open_database(":memory:") as database:
        database.save_article(extract_article(document, nlp))
    with tempfile.TemporaryDirectory() as folder:
        batch_run.extract_shard(Shard(0, (str(sample),)), folder)
        list(read_batch(Path(folder)))
    typer.main.get_command(onrecord.serve.cli.app)
    fork = multiprocessing.get_context("fork")
    multiprocessing.get_context = lambda method=None: fork  # type: ignore[assignment]
    _instrument()
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: killed workers come here
    gc.collect()
    gc.freeze()  # the children's collections skip the zygote's objects (no copy-on-write)
    out = sys.stdout
    out.write('{"ready": true}\n')
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _run_forked(request)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        with contextlib.suppress(ChildProcessError):
            while True:  # the run's workers, orphaned by a kill, until none is left
                os.waitpid(-pid, 0)
        out.write(json.dumps({"pid": pid, "code": os.waitstatus_to_exitcode(status)}) + "\n")
        out.flush()


# --- the test side: start runs, kill them ------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """When to kill a run.

    ``delay`` seconds after it starts (no ``event``); ``delay`` seconds after it reports the
    ``number``-th ``event``; or, with ``hold``, at that event, where the run waits for it.
    """

    delay: float
    event: str | None = None
    number: int = 0
    hold: bool = False

    def __str__(self) -> str:
        if self.event is None:
            return f"timer {self.delay * 1000:.0f} ms"
        if self.hold:
            return f"held at {self.event}#{self.number}"
        return f"{self.event}#{self.number} +{self.delay * 1000:.1f} ms"


@dataclass
class Outcome:
    """How a run ended: its exit code (-9 when killed), its events, its log."""

    code: int
    events: list[tuple[str, int, float]]
    """(name, number, seconds since the run started)."""
    seconds: float
    log: str
    killed: float = -1.0
    """When the kill was sent, in seconds since the run started."""


class Zygote:
    """The test side of ``zygote_main``."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        self._runs = itertools.count()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(ROOT / "src")]))
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        self._stderr = (folder / "zygote.log").open("w")
        self._process = subprocess.Popen(
            [sys.executable, "-c", "import test_crash_trials as t; t.zygote_main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=env,
            cwd=folder,
        )
        self._answers: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True).start()
        assert self._answer(120).get("ready"), self._log()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._answers.put(json.loads(line))
        self._answers.put({"eof": True})

    def _answer(self, timeout: float) -> dict[str, Any]:
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the zygote did not answer in {timeout} s") from None
        assert "eof" not in answer, f"the zygote died: {self._log()}"
        return answer

    def _log(self) -> str:
        self._stderr.flush()
        return (self._folder / "zygote.log").read_text()[-3000:]

    def run(self, argv: list[str], trigger: Trigger | None = None) -> Outcome:
        """Run ``onrecord ARGV`` in a forked process; SIGKILL it when the trigger fires."""
        number = next(self._runs)
        events_path = self._folder / f"run-{number}.events"
        log_path = self._folder / f"run-{number}.log"
        events_path.write_bytes(b"")
        hold = f"{trigger.event} {trigger.number}" if trigger and trigger.hold else ""
        request = {"argv": argv, "events": str(events_path), "log": str(log_path), "hold": hold}
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        pid = int(self._answer(30)["pid"])
        started = time.monotonic()
        kill_at = started + trigger.delay if trigger and trigger.event is None else None
        killed = -1.0
        armed = trigger is not None
        wanted = f"{trigger.event} {trigger.number} ".encode() if trigger else b""
        pending = b""
        with events_path.open("rb") as stream:
            while True:
                try:
                    answer = self._answers.get(timeout=0.0005)
                    break
                except queue.Empty:
                    pass
                now = time.monotonic()
                if now - started > 120:
                    os.killpg(pid, signal.SIGKILL)
                    raise AssertionError(f"run {argv} did not end in two minutes")
                if not armed or trigger is None:
                    continue
                if kill_at is None:
                    pending += stream.read()
                    *lines, pending = pending.split(b"\n")
                    if any(line.startswith(wanted) for line in lines):
                        kill_at = now + trigger.delay
                if kill_at is not None and now >= kill_at:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                    killed = now - started
                    armed = False
        assert "eof" not in answer, f"the zygote died: {self._log()}"
        seconds = time.monotonic() - started
        events = [
            (name, int(seen), float(at) - started)
            for name, seen, at in (line.split() for line in events_path.read_text().splitlines())
        ]
        return Outcome(int(answer["code"]), events, seconds, log_path.read_text(), killed)

    def close(self) -> None:
        """Stop the zygote."""
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._stderr.close()


# --- what a store or an output folder must look like --------------------------------------

Dump = dict[str, Any]


def _sqlite_schemas() -> dict[int, set[tuple[str, str, str]]]:
    """The SQLite schema (type, name, SQL) after each number of migrations, from 0."""
    from onrecord.store.migrations import BOOTSTRAP_SQL, MIGRATIONS, migrate

    schemas = {}
    for applied in range(len(MIGRATIONS) + 1):
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(BOOTSTRAP_SQL)
        migrate(conn, MIGRATIONS[:applied])
        schemas[applied] = set(conn.execute("SELECT type, name, sql FROM sqlite_master"))
        conn.close()
    return schemas


SCHEMAS = _sqlite_schemas()
COUNTED = (
    "articles", "article_sources", "quotes", "entities", "speakers", "persons",
    "person_aliases", "person_roles", "person_context",
)  # fmt: skip


def _tables(schema: set[tuple[str, str, str]]) -> set[str]:
    """The engine-neutral tables of a schema (not FTS5's tables, which PostgreSQL lacks)."""
    return {name for kind, name, _ in schema if kind == "table" and "_fts" not in name}


@contextlib.contextmanager
def _raw(target: str) -> Iterator[Any]:
    """A connection that migrates nothing (what a kill left, as it is), SQLite or PostgreSQL."""
    from onrecord.store.engine import PostgresConnection, is_postgres_url

    conn: Any
    if is_postgres_url(target):
        conn = PostgresConnection(target)
    else:
        conn = sqlite3.connect(target, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _check_intact(target: str) -> int:
    """Check a database's integrity as a kill left it; return its migrated version."""
    from onrecord.store.engine import is_postgres_url

    postgres = is_postgres_url(target)
    if not postgres and not Path(target).exists():
        return 0
    with _raw(target) as conn:
        if postgres:
            tables = {
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                )
            }
        else:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        versions: list[int] = []
        if "_onrecord_migrations" in tables:
            rows = conn.execute("SELECT version FROM _onrecord_migrations ORDER BY version")
            versions = [int(row[0]) for row in rows]
        assert versions == list(range(1, len(versions) + 1)), versions
        if postgres:
            # Each migration is one transaction: the tables are exactly those of a version.
            if tables:
                assert tables == _tables(SCHEMAS[len(versions)]), (versions, tables)
            _check_postgres(conn)
        else:
            schema = set(conn.execute("SELECT type, name, sql FROM sqlite_master"))
            if schema:
                assert schema == SCHEMAS[len(versions)], versions
            for fts in ("quotes_fts", "articles_fts"):
                if any(name == fts for _, name, _ in schema):
                    conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
        if len(versions) < len(SCHEMAS) - 1:
            return len(versions)  # killed while migrating: no article can be stored yet
        _check_references(conn)
        return len(versions)


def _check_postgres(conn: Any) -> None:
    """PostgreSQL's own checks: every B-tree index (amcheck, where installed) and the FKs."""
    if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'").fetchone():
        conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = conn.execute(
            "SELECT c.oid FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid"
            " JOIN pg_am AS am ON am.oid = c.relam"
            " WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
        ).fetchall()
        for (oid,) in indexes:
            conn.execute("SELECT bt_index_check(?::regclass, true)", (oid,))
    invalid = conn.execute(
        "SELECT conname FROM pg_constraint WHERE NOT convalidated"
        " AND connamespace = 'public'::regnamespace"
    ).fetchall()
    assert invalid == []


def _check_references(conn: Any) -> None:
    """Queries both engines must answer with nothing: rows pointing nowhere, gaps, no source."""
    problems = {
        "article without a source": "SELECT a.id FROM articles AS a WHERE NOT EXISTS"
        " (SELECT 1 FROM article_sources AS s WHERE s.article_id = a.id)",
        "quote positions not 0..n-1": "SELECT article_id FROM quotes GROUP BY article_id"
        " HAVING min(position) != 0 OR max(position) != count(*) - 1",
        "entity positions not 0..n-1": "SELECT article_id FROM entities GROUP BY article_id"
        " HAVING min(position) != 0 OR max(position) != count(*) - 1",
        "quote of a missing article": "SELECT q.id FROM quotes AS q"
        " LEFT JOIN articles AS a ON a.id = q.article_id WHERE a.id IS NULL",
        "quote in a missing cluster": "SELECT q.id FROM quotes AS q"
        " LEFT JOIN quotes AS c ON c.id = q.cluster_id"
        " WHERE q.cluster_id IS NOT NULL AND c.id IS NULL",
        "quote of a missing person": "SELECT q.id FROM quotes AS q"
        " LEFT JOIN persons AS p ON p.id = q.person_id"
        " WHERE q.person_id IS NOT NULL AND p.id IS NULL",
        "person without a name": "SELECT p.id FROM persons AS p WHERE NOT EXISTS"
        " (SELECT 1 FROM person_aliases AS a WHERE a.person_id = p.id)",
    }
    for problem, sql in problems.items():
        assert conn.execute(sql).fetchall() == [], problem


def _dump(target: str) -> Dump:
    """Everything stored, keyed by content (article hashes, names), never by row id."""
    with _raw(target) as conn:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in conn.execute(sql).fetchall()]

        articles = {
            row[0]: row[1:]
            for row in rows(
                "SELECT content_hash, path, title, site, published, text, metadata, warnings,"
                " url, authors, language, cluster FROM articles"
            )
        }
        quotes: dict[str, list[tuple[Any, ...]]] = {digest: [] for digest in articles}
        for row in rows(
            "SELECT a.content_hash, q.position, q.start_offset, s.name, q.speaker_role, q.type,"
            " q.confidence, q.content, q.cue, q.source, q.content_text, q.cue_text,"
            " q.source_text, q.extractor, p.name, q.content_key, ca.content_hash, c.position,"
            " q.first_report FROM quotes AS q JOIN articles AS a ON a.id = q.article_id"
            " LEFT JOIN speakers AS s ON s.id = q.speaker_id"
            " LEFT JOIN persons AS p ON p.id = q.person_id"
            " LEFT JOIN quotes AS c ON c.id = q.cluster_id"
            " LEFT JOIN articles AS ca ON ca.id = c.article_id ORDER BY a.content_hash, q.position"
        ):
            quotes[row[0]].append(row[1:])
        entities: dict[str, list[tuple[Any, ...]]] = {digest: [] for digest in articles}
        for row in rows(
            "SELECT a.content_hash, e.position, e.text, e.label, e.canonical, e.spans, e.roles"
            " FROM entities AS e JOIN articles AS a ON a.id = e.article_id"
            " ORDER BY a.content_hash, e.position"
        ):
            entities[row[0]].append(row[1:])
        sources: dict[str, set[tuple[Any, ...]]] = {digest: set() for digest in articles}
        for row in rows(
            "SELECT a.content_hash, s.path, s.url, s.site, s.published FROM article_sources AS s"
            " JOIN articles AS a ON a.id = s.article_id"
        ):
            sources[row[0]].add(row[1:])
        aliases: dict[int, list[str]] = {}
        for person, alias in rows("SELECT person_id, alias_key FROM person_aliases"):
            aliases.setdefault(person, []).append(alias)
        roles: dict[int, list[tuple[Any, ...]]] = {}
        for person, role, digest in rows(
            "SELECT r.person_id, r.role, a.content_hash FROM person_roles AS r"
            " JOIN articles AS a ON a.id = r.article_id"
        ):
            roles.setdefault(person, []).append((role, digest))
        terms: dict[int, list[tuple[Any, ...]]] = {}
        for person, term, n in rows("SELECT person_id, term, n FROM person_context"):
            terms.setdefault(person, []).append((term, n))
        persons = sorted(
            (
                name,
                tuple(sorted(aliases.get(pid, []))),
                tuple(sorted(roles.get(pid, []))),
                tuple(sorted(terms.get(pid, []))),
            )
            for pid, name in rows("SELECT id, name FROM persons")
        )
        speakers = sorted(row[0] for row in rows("SELECT name FROM speakers"))
        # Table names from this list only; equal counts: no row stored twice.
        counts = {table: rows(f"SELECT count(*) FROM {table}")[0][0] for table in COUNTED}
    return {
        "counts": counts,
        "articles": articles,
        "quotes": quotes,
        "entities": entities,
        "sources": sources,
        "persons": persons,
        "speakers": speakers,
    }


def _partial_state_is_whole(dump: Dump, reference: Dump) -> None:
    """Every stored article is the reference's article, with all its quotes and entities."""
    for digest, article in dump["articles"].items():
        assert digest in reference["articles"], f"an article the reference lacks: {article[0]}"
        assert article == reference["articles"][digest], article[0]
        # first_report (the last column) may still change as later reports are stored.
        stored = [quote[:-1] for quote in dump["quotes"][digest]]
        expected = [quote[:-1] for quote in reference["quotes"][digest]]
        assert stored == expected, f"{article[0]}: {len(stored)} of {len(expected)} quotes"
        assert dump["entities"][digest] == reference["entities"][digest], article[0]
        assert dump["sources"][digest] <= reference["sources"][digest], article[0]
        assert dump["sources"][digest], f"{article[0]}: no source"


# --- targets: what is run, what is checked --------------------------------------------------


@dataclass
class Report:
    """What the trials of one target did."""

    name: str
    kills: int = 0
    finished: int = 0
    chains: int = 0
    phases: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0
    running: float = 0.0
    checking: float = 0.0

    def summary(self) -> str:
        phases = ", ".join(f"{phase} {n}" for phase, n in sorted(self.phases.items()))
        return (
            f"{self.name}: {self.kills} kills in {self.chains} chains, {self.finished} finishing"
            f" runs, {self.seconds:.1f} s ({self.running:.1f} s running, {self.checking:.1f} s"
            f" checking); phases: {phases}"
        )


class Target:
    """A command to kill: its store, its reference, its checks and its phases."""

    name = ""

    def argv(self, store: str) -> list[str]:
        raise NotImplementedError

    def fresh(self) -> str:
        raise NotImplementedError

    def check_killed(self, store: str) -> tuple[int, str]:
        """Check what a kill left; return how much of the work is done, and a description."""
        raise NotImplementedError

    def check_finished(self, store: str, outcome: Outcome, done_before: int) -> None:
        raise NotImplementedError

    def phase(self, events: list[tuple[str, int, float]]) -> str:
        raise NotImplementedError

    def triggers(self, rng: random.Random, reference_seconds: float) -> Trigger:
        raise NotImplementedError


class StoreTarget(Target):
    """``ingest`` or ``load`` into a fresh database per chain."""

    def __init__(self, name: str, command: list[str], make_store: Callable[[], str]) -> None:
        self.name = name
        self._command = command
        self._make_store = make_store
        self.reference: Dump = {}
        self.documents = 0

    def argv(self, store: str) -> list[str]:
        return [self._command[0], *self._command[1:], "--db", store]

    def fresh(self) -> str:
        return self._make_store()

    def check_killed(self, store: str) -> tuple[int, str]:
        version = _check_intact(store)
        if version < len(SCHEMAS) - 1:
            return 0, f"schema at version {version}"
        dump = _dump(store)
        _partial_state_is_whole(dump, self.reference)
        return len(dump["articles"]), f"{len(dump['articles'])} articles stored"

    def check_finished(self, store: str, outcome: Outcome, done_before: int) -> None:
        _check_intact(store)
        assert _dump(store) == self.reference
        stored = re.search(r"(\d+) article\(s\) stored", outcome.log)
        total = len(self.reference["articles"])
        assert stored and int(stored.group(1)) == total - done_before, outcome.log

    def phase(self, events: list[tuple[str, int, float]]) -> str:
        if not events or events[-1][0] == "start":
            return "startup"
        name, number, _ = events[-1]
        return {
            "open-begin": "open+migrate",
            "open-end": "extract" if self.name.startswith("ingest") else "read",
            "save-begin": "save:before-transaction",
            "txn-open": "save:in-transaction",
            "txn-commit": "save:all-written,commit-pending",
            "save-end": (
                "finish"
                if number == self.documents
                else ("extract" if self.name.startswith("ingest") else "read")
            ),
        }[name]

    def triggers(self, rng: random.Random, reference_seconds: float) -> Trigger:
        article = rng.randint(1, self.documents)
        return rng.choice(
            [
                Trigger(rng.uniform(0, reference_seconds * 1.1)),
                Trigger(rng.uniform(0, reference_seconds * 1.1)),
                Trigger(rng.uniform(0, 0.03), "open-begin", 0),
                Trigger(rng.uniform(0, 0.003), "save-begin", article),
                Trigger(rng.uniform(0, 0.05), "save-end", article),
                Trigger(0, "txn-open", article, hold=True),
                Trigger(0, "txn-commit", article, hold=True),
            ]
        )


class BatchTarget(Target):
    """``batch`` into a fresh output folder per chain."""

    name = "batch"

    def __init__(self, corpus: Path, folder: Path) -> None:
        self._corpus = corpus
        self._folder = folder
        self._chains = itertools.count()
        self.reference: dict[str, list[dict[str, Any]]] = {}
        self.reference_dir = Path()
        self.shards = 0

    def argv(self, store: str) -> list[str]:
        return [
            "batch", str(self._corpus), "--out", store, "--workers", "1",
            "--shard-size", str(SHARD_SIZE),
        ]  # fmt: skip

    def fresh(self) -> str:
        return str(self._folder / f"out-{next(self._chains)}")

    def read(self, out: Path) -> tuple[dict[str, list[dict[str, Any]]], set[str], list[str]]:
        """Each complete shard's rows, the markers, and the temporary files left."""
        import pyarrow.parquet as pq

        if not out.exists():
            return {}, set(), []
        shards: dict[str, list[dict[str, Any]]] = {}
        markers: set[str] = set()
        leftovers: list[str] = []
        for path in sorted(out.iterdir()):
            if path.name.endswith(".tmp"):
                leftovers.append(path.name)
            elif path.suffix == ".parquet":
                shards[path.name] = pq.read_table(path).to_pylist()  # a torn file fails here
            elif path.suffix == ".done":
                json.loads(path.read_text(encoding="utf-8"))
                markers.add(path.with_suffix(".parquet").name)
            else:
                raise AssertionError(f"unexpected file in the output: {path.name}")
        return shards, markers, leftovers

    def check_killed(self, store: str) -> tuple[int, str]:
        shards, markers, leftovers = self.read(Path(store))
        for name, rows in shards.items():
            assert rows == self.reference.get(name), f"{name} differs from the reference"
        assert markers <= set(shards), f"markers without their shard: {markers - set(shards)}"
        return len(markers), f"{len(markers)} shards done, {len(leftovers)} temporaries"

    def check_finished(self, store: str, outcome: Outcome, done_before: int) -> None:
        from onrecord.batch.load import finished_shards

        shards, markers, leftovers = self.read(Path(store))
        assert shards == self.reference and markers == set(shards)
        assert leftovers == [], f"temporary files left behind: {leftovers}"
        assert len(finished_shards(Path(store))) == self.shards
        assert f"{self.shards - done_before} shard(s) run, {done_before} already done" in (
            outcome.log
        ), outcome.log

    def phase(self, events: list[tuple[str, int, float]]) -> str:
        if not events or events[-1][0] == "start":
            return "startup"
        name, number, _ = events[-1]
        return {
            "shard-begin": "extract",
            "parquet-begin": "parquet:writing",
            "parquet-end": "parquet:written,not-renamed",
            "marker-begin": "parquet:renamed,no-marker",
            "marker-end": "between-shards",
            "shard-end": "finish" if number == self.shards - 1 else "between-shards",
        }[name]

    def triggers(self, rng: random.Random, reference_seconds: float) -> Trigger:
        shard = rng.randrange(self.shards)
        return rng.choice(
            [
                Trigger(rng.uniform(0, reference_seconds * 1.1)),
                Trigger(rng.uniform(0, reference_seconds * 1.1)),
                Trigger(rng.uniform(0, 0.2), "shard-begin", shard),
                Trigger(rng.uniform(0, 0.002), "parquet-begin", shard),
                Trigger(0, "parquet-begin", shard, hold=True),
                Trigger(0, "parquet-end", shard, hold=True),
                Trigger(0, "marker-begin", shard, hold=True),
            ]
        )


def _trials(zygote: Zygote, target: Target, reference_seconds: float, seed: int) -> Report:
    """Kill runs of the target until TRIALS kills, in chains that each end with a whole run."""
    rng = random.Random(seed)
    report = Report(target.name)
    started = time.monotonic()
    while report.kills < TRIALS:
        report.chains += 1
        store = target.fresh()
        done = 0
        length = rng.randint(1, 5)  # killed runs before a run that is left to finish
        for run in itertools.count(1):
            last = report.kills >= TRIALS or run > length
            trigger = None if last else target.triggers(rng, reference_seconds)
            outcome = zygote.run(target.argv(store), trigger)
            report.running += outcome.seconds
            checked = time.monotonic()
            if outcome.code != -signal.SIGKILL:
                assert outcome.code == 0, outcome.log
                try:
                    target.check_finished(store, outcome, done)
                except AssertionError as exc:
                    raise AssertionError(
                        f"{target.name}, chain {report.chains} run {run} ({trigger}, not"
                        f" killed), the run that should complete the set: {exc}"
                    ) from exc
                report.finished += 1
                report.checking += time.monotonic() - checked
                break
            phase = target.phase(outcome.events)
            report.kills += 1
            report.phases[phase] += 1
            try:
                done, state = target.check_killed(store)
            except AssertionError as exc:
                raise AssertionError(
                    f"{target.name}, chain {report.chains} run {run} ({trigger}, killed at"
                    f" {outcome.killed:.3f} s in phase {phase}): {exc}"
                ) from exc
            report.checking += time.monotonic() - checked
            report.lines.append(
                f"{target.name} kill {report.kills}: chain {report.chains} run {run}, {trigger},"
                f" killed at {outcome.killed:.3f} s in {phase}; {state}"
            )
    report.seconds = time.monotonic() - started
    print("\n".join([*report.lines, report.summary()]))
    return report


def _assert_covered(report: Report) -> None:
    """Enough kills, and not all in one phase (a handful of trials may be, by chance)."""
    assert report.kills >= TRIALS, report.summary()
    assert len(report.phases) > 1 or TRIALS < 5, report.summary()


# --- fixtures and tests -----------------------------------------------------------------


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="forks and kills Linux processes"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven small articles: a story with three syndicated copies, an identical copy, two more."""
    folder = tmp_path_factory.mktemp("crash") / "news"
    folder.mkdir()
    samples = ROOT / "samples"
    harbour = (samples / "harbour_council.txt").read_text(encoding="utf-8")
    clinic = (samples / "clinic_report.txt").read_text(encoding="utf-8")
    files = {
        "a_clinic.txt": clinic,
        "b_harbour.txt": harbour,
        "c_rutte.txt": (samples / "rutte_nato.txt").read_text(encoding="utf-8"),
        "d_harbour_east.txt": harbour.replace("Harbour", "Eastport Harbour"),
        "e_clinic_copy.txt": clinic,
        "f_harbour_west.txt": harbour.replace("Harbour", "Westbay Harbour"),
        "g_harbour_north.txt": harbour.replace("Harbour", "Northholm Harbour"),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    process = Zygote(tmp_path_factory.mktemp("zygote"))
    try:
        yield process
    finally:
        process.close()


@pytest.fixture(scope="module")
def batch_reference(
    zygote: Zygote, corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[BatchTarget, float]:
    target = BatchTarget(corpus, tmp_path_factory.mktemp("batch"))
    out = target.fresh()
    target.shards = -(-len(list(corpus.iterdir())) // SHARD_SIZE)
    outcome = zygote.run(target.argv(out))
    assert outcome.code == 0, outcome.log
    target.reference_dir = Path(out)
    target.reference, markers, leftovers = target.read(Path(out))
    assert len(target.reference) == target.shards == len(markers) and not leftovers
    return target, outcome.seconds


@contextlib.contextmanager
def _databases(engine: str, folder: Path) -> Iterator[Callable[[], str]]:
    """Give an empty database on the engine at each call (the last one is emptied on PostgreSQL).

    On PostgreSQL one database is made for the test and emptied for each chain (its schema
    dropped with everything in it): much quicker than a new database each time.
    """
    from conftest import POSTGRES_SERVER

    if engine == "sqlite":
        count = itertools.count()
        yield lambda: str(folder / f"news-{next(count)}.db")
        return
    if not POSTGRES_SERVER:
        pytest.skip(
            "needs a PostgreSQL server: set ONRECORD_TEST_POSTGRES=postgresql://... "
            "(.ci/run starts one)"
        )
    import psycopg

    base, _, _ = POSTGRES_SERVER.rpartition("/")
    name = f"onrecord_crash_{uuid.uuid4().hex[:12]}"
    url = f"{base}/{name}"
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")

    def empty() -> str:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        return url

    try:
        yield empty
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _store_trials(zygote: Zygote, target: StoreTarget, documents: int) -> Report:
    target.documents = documents
    reference = target.fresh()
    outcome = zygote.run(target.argv(reference))
    assert outcome.code == 0, outcome.log
    _check_intact(reference)
    target.reference = _dump(reference)
    assert len(target.reference["articles"]) == documents - 1  # the clinic's copy is a source
    return _trials(zygote, target, outcome.seconds, SEED)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_killed_ingest_leaves_whole_articles_and_resumes_to_the_same_database(
    zygote: Zygote, corpus: Path, tmp_path: Path, engine: str
) -> None:
    with _databases(engine, tmp_path) as make:
        target = StoreTarget(f"ingest[{engine}]", ["ingest", str(corpus)], make)
        report = _store_trials(zygote, target, len(list(corpus.iterdir())))
    _assert_covered(report)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_killed_load_leaves_whole_articles_and_resumes_to_the_same_database(
    zygote: Zygote,
    batch_reference: tuple[BatchTarget, float],
    tmp_path: Path,
    engine: str,
) -> None:
    batch, _ = batch_reference
    with _databases(engine, tmp_path) as make:
        target = StoreTarget(f"load[{engine}]", ["load", str(batch.reference_dir)], make)
        report = _store_trials(zygote, target, sum(len(rows) for rows in batch.reference.values()))
    _assert_covered(report)


def test_killed_batch_leaves_only_whole_shards_and_resumes_to_the_same_output(
    zygote: Zygote, batch_reference: tuple[BatchTarget, float]
) -> None:
    target, seconds = batch_reference
    report = _trials(zygote, target, seconds, SEED + 1)
    _assert_covered(report)


def test_a_resumed_ingest_with_dedup_stores_what_a_whole_run_stores(
    zygote: Zygote, corpus: Path, tmp_path: Path
) -> None:
    whole, resumed = str(tmp_path / "whole.db"), str(tmp_path / "resumed.db")
    assert zygote.run(["ingest", str(corpus), "--db", whole]).code == 0
    # Killed once b_harbour is stored, before its three syndicated copies are.
    killed = zygote.run(
        ["ingest", str(corpus), "--db", resumed], Trigger(0, "save-end", 2, hold=True)
    )
    assert killed.code == -signal.SIGKILL
    assert zygote.run(["ingest", str(corpus), "--db", resumed]).code == 0
    assert _dump(resumed) == _dump(whole)


def test_a_rerun_removes_the_temporary_files_of_killed_shard_writes(
    zygote: Zygote, batch_reference: tuple[BatchTarget, float]
) -> None:
    target, _ = batch_reference
    out = target.fresh()
    names = [name.removesuffix(".parquet") for name in sorted(target.reference)]
    # Killed with a shard's Parquet file written but not renamed: its temporary stays, until
    # a later run finishes that shard.
    for shard, left in ((0, [names[0]]), (2, [names[2]])):
        killed = zygote.run(target.argv(out), Trigger(0, "parquet-end", shard, hold=True))
        assert killed.code == -signal.SIGKILL
        _, _, leftovers = target.read(Path(out))
        assert [name.split(".")[0] for name in leftovers] == left
    finished = zygote.run(target.argv(out))
    assert finished.code == 0, finished.log
    target.check_finished(out, finished, 2)
