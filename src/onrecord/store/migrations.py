"""Versioned schema migrations for the onrecord SQLite store.

Owns the schema: the ordered ``MIGRATIONS`` list and ``migrate``, which applies the pending
ones, each in its own transaction, and records them in ``_onrecord_migrations``. Does not
open connections or set pragmas (see ``store.db``) and does not read or write articles.

To change the schema, append a ``Migration`` with the next version number to
``MIGRATIONS``; never edit one that has shipped. A migration's SQL runs inside a
transaction, so it must not contain ``BEGIN``/``COMMIT`` or ``PRAGMA foreign_keys``
(which SQLite ignores inside a transaction).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple


class MigrationError(RuntimeError):
    """The database's schema cannot be brought to the version this code expects."""


class Migration(NamedTuple):
    """One schema step.

    Attributes:
        version: Its number; versions run 1, 2, 3, ... without gaps.
        name: A short snake_case description, recorded with the version.
        sql: One or more SQL statements, separated by semicolons.
    """

    version: int
    name: str
    sql: str


_SCHEMA_V1 = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,  -- sha256 hex of the UTF-8 text
    path TEXT NOT NULL,
    title TEXT,
    site TEXT,
    published TEXT,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    warnings TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
    ingested_at TEXT NOT NULL
);

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE  -- canonical name, for now per string; identity comes later
);

CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,      -- index in the record's quote list
    start_offset INTEGER NOT NULL,  -- first character of the content, for text order
    speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
    speaker_role TEXT,
    type TEXT NOT NULL CHECK (type IN ('direct', 'indirect', 'mixed')),
    confidence REAL NOT NULL,
    content TEXT NOT NULL CHECK (json_valid(content)),
    cue TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(cue)),
    source TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(source)),
    content_text TEXT NOT NULL,
    cue_text TEXT,
    source_text TEXT,
    extractor TEXT NOT NULL,
    UNIQUE (article_id, position)
);
CREATE INDEX quotes_speaker_id ON quotes(speaker_id);

CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    canonical TEXT NOT NULL,
    spans TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(spans)),
    roles TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(roles)),
    UNIQUE (article_id, position)
);
CREATE INDEX entities_canonical ON entities(canonical);

-- Full-text indexes are external-content tables kept in step by triggers, so the text is
-- stored once. The triggers also fire for rows removed by ON DELETE CASCADE.
CREATE VIRTUAL TABLE quotes_fts USING fts5(
    content_text,
    content='quotes', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER quotes_fts_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, content_text) VALUES (new.id, new.content_text);
END;
CREATE TRIGGER quotes_fts_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, content_text)
        VALUES ('delete', old.id, old.content_text);
END;
CREATE TRIGGER quotes_fts_au AFTER UPDATE OF content_text ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, content_text)
        VALUES ('delete', old.id, old.content_text);
    INSERT INTO quotes_fts(rowid, content_text) VALUES (new.id, new.content_text);
END;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text,
    content='articles', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"""

_SOURCES_AND_CLUSTERS_V2 = """
-- What HTML, feeds, WARC and JSONL inputs tell about an article (issue 4).
ALTER TABLE articles ADD COLUMN url TEXT;
ALTER TABLE articles ADD COLUMN authors TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors));
ALTER TABLE articles ADD COLUMN language TEXT;
-- Near-duplicate copies of one story (syndicated wire copy) share a cluster.
ALTER TABLE articles ADD COLUMN cluster TEXT;
UPDATE articles SET cluster = content_hash WHERE cluster IS NULL;
-- The text's MinHash signature (clean.duplicates), so later runs find copies of it.
ALTER TABLE articles ADD COLUMN minhash BLOB;
CREATE INDEX articles_cluster ON articles(cluster);

-- Every place an article's text was read from: an identical text at two URLs is one
-- article with two sources, so counts of outlets stay right.
CREATE TABLE article_sources (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    url TEXT,
    site TEXT,
    published TEXT,
    seen_at TEXT NOT NULL,
    UNIQUE (article_id, path)
);
CREATE INDEX article_sources_article ON article_sources(article_id);
INSERT INTO article_sources (article_id, path, site, published, seen_at)
    SELECT id, path, site, published, ingested_at FROM articles;
"""

_PERSONS_V3 = """
-- People across articles (issue 5). `speakers` keeps the names as written; a person is
-- who they are: quotes link to both.
CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,          -- the fullest name seen ("Mark Rutte")
    created_at TEXT NOT NULL
);
CREATE INDEX persons_name ON persons(name);
ALTER TABLE quotes ADD COLUMN person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL;
CREATE INDEX quotes_person_id ON quotes(person_id);

-- Every name a person was reported under, with its normalised key ("rutte").
CREATE TABLE person_aliases (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    alias_key TEXT NOT NULL,
    last_key TEXT NOT NULL,      -- the key's last word: the surname of a full name
    UNIQUE (person_id, alias_key)
);
CREATE INDEX person_aliases_key ON person_aliases(alias_key);
CREATE INDEX person_aliases_last ON person_aliases(last_key);

-- Roles as reported, with the article and its date: roles change over time.
CREATE TABLE person_roles (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    reported TEXT,               -- the article's publication date, else its ingest time
    UNIQUE (person_id, article_id, role)
);
CREATE INDEX person_roles_person ON person_roles(person_id);

-- Organisations, places and groups named beside a person: evidence for linking.
CREATE TABLE person_context (
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    term TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (person_id, term)
);

-- A user's corrections, applied whenever names are linked again.
CREATE TABLE person_corrections (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    alias_key TEXT NOT NULL,     -- the name the correction is about
    target_key TEXT NOT NULL,    -- merge: the name it belongs with; split: the new person's name
    evidence TEXT,               -- split: a role or term that marks the other person
    created_at TEXT NOT NULL
);
"""

_QUOTE_CLUSTERS_V4 = """
-- Quote provenance (issue 5): the same statement by the same speaker in several articles
-- (syndicated, or quoted again later with small variations) points at its first stored
-- occurrence; that one points at itself.
ALTER TABLE quotes ADD COLUMN cluster_id INTEGER REFERENCES quotes(id) ON DELETE SET NULL;
-- The content's words, normalised, for comparing statements.
ALTER TABLE quotes ADD COLUMN content_key TEXT NOT NULL DEFAULT '';
-- 1 on the earliest-dated report of each statement: what a listing shows.
ALTER TABLE quotes ADD COLUMN first_report INTEGER NOT NULL DEFAULT 1;
CREATE INDEX quotes_cluster_id ON quotes(cluster_id);
CREATE INDEX quotes_article_id ON quotes(article_id);
CREATE INDEX articles_date ON articles(coalesce(published, ingested_at));
"""

MIGRATIONS: list[Migration] = [
    Migration(1, "schema", _SCHEMA_V1),
    Migration(2, "sources_and_clusters", _SOURCES_AND_CLUSTERS_V2),
    Migration(3, "persons", _PERSONS_V3),
    Migration(4, "quote_clusters", _QUOTE_CLUSTERS_V4),
    # Append new migrations here: Migration(2, "short_name", "ALTER TABLE ...;"),
]
"""Every schema step, in order. Append only."""

BOOTSTRAP_SQL = """
CREATE TABLE IF NOT EXISTS _onrecord_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


def latest_version(migrations: list[Migration] | None = None) -> int:
    """Return the schema version this code knows best (0 when there are no migrations).

    Args:
        migrations: The list to look at; ``MIGRATIONS`` by default.
    """
    steps = MIGRATIONS if migrations is None else migrations
    return steps[-1].version if steps else 0


def applied_versions(conn: sqlite3.Connection) -> list[int]:
    """Return the versions recorded in the database, ascending (empty for a new database).

    Args:
        conn: An open connection.
    """
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_onrecord_migrations'"
    ).fetchone()
    if exists is None:
        return []
    rows = conn.execute("SELECT version FROM _onrecord_migrations ORDER BY version").fetchall()
    return [int(row[0]) for row in rows]


def migrate(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply every pending migration, each in its own transaction, and record it.

    Running it again is a no-op. Safe against a second process migrating at the same time:
    each step takes the write lock and checks again whether it is still pending.

    Args:
        conn: An open connection with no transaction in progress.
        migrations: The steps to apply; ``MIGRATIONS`` by default (tests pass their own).

    Returns:
        The versions applied by this call, ascending.

    Raises:
        MigrationError: If the database records a version newer than the code knows, the
            migration list is malformed, a transaction is already open, or a step fails
            (that step is rolled back; earlier steps stay applied).
    """
    steps = MIGRATIONS if migrations is None else migrations
    _check_migrations(steps)
    if conn.in_transaction:
        raise MigrationError("migrate() needs a connection with no open transaction")
    _refuse_newer(applied_versions(conn), latest_version(steps))
    conn.execute(BOOTSTRAP_SQL)

    def run(sql: str) -> None:
        for statement in _statements(sql):
            conn.execute(statement)

    return apply_steps(
        conn,
        steps,
        begin=lambda: conn.execute("BEGIN IMMEDIATE"),
        done=lambda: applied_versions(conn),
        run=run,
        errors=(sqlite3.Error,),
    )


def apply_steps(
    conn: Any,
    steps: list[Migration],
    *,
    begin: Callable[[], object],
    done: Callable[[], list[int]],
    run: Callable[[str], None],
    errors: tuple[type[BaseException], ...],
) -> list[int]:
    """Apply the pending steps, each in its own transaction (the loop of both engines).

    Each step takes the write lock (``begin``), checks again which versions are applied
    (another process may have migrated meanwhile), runs, is recorded and commits; a
    failure rolls that step back.

    Args:
        conn: The connection; ``execute`` and ``in_transaction`` are used.
        steps: The migrations, in order.
        begin: Opens the step's transaction and takes the engine's write lock.
        done: The versions applied so far, ascending.
        run: Runs a step's SQL.
        errors: The engine's database errors, reported as ``MigrationError``.

    Returns:
        The versions applied by this call.

    Raises:
        MigrationError: If the database is newer than the steps, or a step fails.
    """
    known = latest_version(steps)
    applied: list[int] = []
    for step in steps:
        begin()
        try:
            versions = done()
            _refuse_newer(versions, known)
            if step.version in versions:
                conn.execute("ROLLBACK")
                continue
            run(step.sql)
            _record_migration(conn, step)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, errors):
                raise MigrationError(
                    f"migration {step.version} ({step.name}) failed: {exc}"
                ) from exc
            raise
        applied.append(step.version)
    return applied


def _record_migration(conn: Any, step: Migration) -> None:
    conn.execute(
        "INSERT INTO _onrecord_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        (step.version, step.name, datetime.now(UTC).isoformat(timespec="seconds")),
    )


def _refuse_newer(done: list[int], known: int) -> None:
    if done and done[-1] > known:
        raise MigrationError(
            f"database schema is version {done[-1]}, but this onrecord only knows up to "
            f"version {known}; upgrade onrecord to use this database"
        )


def _check_migrations(steps: list[Migration]) -> None:
    for expected, step in enumerate(steps, start=1):
        if step.version != expected:
            raise MigrationError(
                f"migration versions must run 1, 2, 3, ... without gaps; "
                f"found {step.version} ({step.name}) where {expected} was expected"
            )


def _statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies and strings stay whole)."""
    statements: list[str] = []
    buffer = ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    # Anything left is an unfinished statement; keep it so that executing it reports the error.
    statements.append(buffer[:-1].strip())
    return [s for s in statements if _has_code(s)]


def _has_code(statement: str) -> bool:
    lines = [line.split("--", 1)[0].strip() for line in statement.splitlines()]
    return "".join(lines).strip(";") != ""
