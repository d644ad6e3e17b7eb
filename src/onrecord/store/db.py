"""The embedded SQLite database: opening it and writing article records into it.

Owns connections (pragmas: foreign keys, WAL, busy timeout) and ``Database.save_article``,
which stores one ``ArticleRecord`` with its quotes, speakers and entities in a single
transaction. Leaves the schema to ``store.migrations`` and reading quotes back to
``onrecord.query``; it knows nothing of how records are made (see ``onrecord.nlp``).

Connections run in autocommit mode and every write opens its own ``BEGIN IMMEDIATE``
transaction, so a write either lands whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from onrecord.clean.duplicates import DEFAULT_THRESHOLD, SyndicationIndex, signature_bytes
from onrecord.models import ArticleRecord, Entity, Quote, Span, content_hash, span_text
from onrecord.store.engine import Connection, PostgresConnection, dialect_of, is_postgres_url
from onrecord.store.identity import PersonLinker, merge_persons, split_person
from onrecord.store.migrations import migrate
from onrecord.store.pg_schema import migrate_postgres
from onrecord.store.provenance import content_key, mark_first_report, quote_cluster

BUSY_TIMEOUT_MS = 5000
"""How long a connection waits for another writer's lock before giving up."""

_WRITE_LOCK = 7_246_014
"""PostgreSQL advisory lock key held by every write transaction."""
TABLES = ("articles", "article_sources", "speakers", "persons", "quotes", "entities")
"""The data tables that ``Database.counts`` reports on."""


@dataclass(frozen=True)
class SaveResult:
    """What ``Database.save_article`` did.

    Attributes:
        status: ``"stored"`` for a new article; ``"copy"`` when an article with the same
            text (same content hash) was already stored from another path or URL: only
            this new source of it was recorded; ``"unchanged"`` when it was already stored
            from this same path: nothing was written.
        article_id: The id of the stored article, new or existing.
    """

    status: Literal["stored", "copy", "unchanged"]
    article_id: int


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) an onrecord database and bring its schema up to date.

    Args:
        path: A file path, or ``":memory:"`` for a private in-memory database. The parent
            directory must exist; it is not created.

    Returns:
        The open database; close it, or use it as a context manager.

    Raises:
        FileNotFoundError: If the parent directory does not exist.
        onrecord.store.migrations.MigrationError: If the database's schema is newer than
            this code, or a migration fails.
        sqlite3.DatabaseError: If the file is not an SQLite database.
    """
    if is_postgres_url(str(path)):
        server = PostgresConnection(str(path))
        try:
            migrate_postgres(server)
        except BaseException:
            server.close()
            raise
        return Database(server)
    if str(path) != ":memory:":
        parent = Path(path).parent
        if not parent.is_dir():
            raise FileNotFoundError(
                f"cannot create database {str(path)!r}: directory {str(parent)!r} does not exist"
            )
    # isolation_level=None: no implicit transactions; writes open their own (see _write).
    # check_same_thread=False: a server keeps one connection per worker thread and
    # closes them all from its own thread at shutdown; no connection is shared at once.
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        # In-memory databases answer "memory"; WAL only applies to files.
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable across application crashes in WAL mode and much faster than FULL.
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return Database(conn)


class Database:
    """An open onrecord database. Made by ``open_database``.

    Not safe to share between threads; open one per thread (WAL lets readers and one writer
    work at once).
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._closed = False

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return dialect_of(self._conn)

    @property
    def connection(self) -> Any:
        """The underlying connection, for the query layer and tests."""
        return self._conn

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        if not self._closed:
            self._conn.close()
            self._closed = True

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def counts(self) -> dict[str, int]:
        """Return the number of rows in each data table, keyed by table name."""
        # Table names come from the TABLES constant, never from callers.
        return {
            table: int(self._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in TABLES
        }

    def save_article(self, record: ArticleRecord) -> SaveResult:
        """Store an article with all its quotes, speakers and entities, all or nothing.

        Idempotent: an article whose text hashes to a stored one is not written again, even
        if its extraction differs; a new path or URL for it is recorded as another source
        of the same article (``article_sources``).

        Args:
            record: The record to store. Its spans must lie within its text.

        Returns:
            ``SaveResult("stored", id)``, ``SaveResult("copy", id)`` or
            ``SaveResult("unchanged", id)``.

        Raises:
            ValueError: If a span lies outside the text; nothing is written.
            TypeError: If ``metadata`` cannot be written as JSON; nothing is written.
            sqlite3.Error: If the database refuses the write; it is rolled back.
        """
        _check_spans(record)
        digest = content_hash(record.text)
        # Serialise before the transaction so bad metadata fails without touching the DB.
        metadata = _json(record.metadata)
        warnings = _json([w.to_dict() for w in record.warnings])
        authors = _json(list(record.authors))
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        with self._write():
            row = self._conn.execute(
                "SELECT id FROM articles WHERE content_hash = ?", (digest,)
            ).fetchone()
            if row is not None:
                added = self._add_source(int(row[0]), record, now)
                return SaveResult("copy" if added else "unchanged", int(row[0]))
            # Only a new text needs its MinHash (a resumed ingest re-saves stored ones).
            signature = signature_bytes(record.text)
            cursor = self._conn.execute(
                "INSERT INTO articles (content_hash, path, title, site, published, text,"
                " metadata, warnings, ingested_at, url, authors, language, cluster, minhash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    digest,
                    record.path,
                    record.title,
                    record.site,
                    record.published,
                    record.text,
                    metadata,
                    warnings,
                    now,
                    record.url,
                    authors,
                    record.language,
                    record.cluster or digest,
                    signature,
                ),
            )
            article_id = _rowid(cursor)
            self._add_source(article_id, record, now)
            persons = PersonLinker(self._conn).link_article(
                record, article_id, (record.published or now)[:10]
            )
            for position, quote in enumerate(record.quotes):
                person_id = persons.get(quote.speaker) if quote.speaker else None
                self._insert_quote(
                    article_id,
                    position,
                    quote,
                    record.text,
                    person_id,
                    record.cluster or digest,
                    record.published or now,
                )
            for position, entity in enumerate(record.entities):
                self._insert_entity(article_id, position, entity)
        return SaveResult("stored", article_id)

    def has_article(self, digest: str) -> bool:
        """Whether an article with this content hash is stored."""
        row = self._conn.execute(
            "SELECT 1 FROM articles WHERE content_hash = ?", (digest,)
        ).fetchone()
        return row is not None

    def merge_speakers(self, source: str, target: str) -> tuple[int, int]:
        """Merge the speaker called ``source`` into ``target``, for this and later articles.

        Args:
            source: A name of the person to merge away.
            target: A name of the person to keep.

        Returns:
            (the kept person's id, the number of quotes moved).

        Raises:
            onrecord.store.identity.CorrectionError: If a name is unknown or ambiguous.
        """
        with self._write():
            return merge_persons(self._conn, source, target)

    def split_speaker(self, name: str, evidence: str, new_name: str) -> tuple[int, int]:
        """Give the quotes of ``name`` reported with ``evidence`` to another person.

        Args:
            name: A name of the person to split.
            evidence: A role, organisation or place that marks the other person.
            new_name: The other person's name.

        Returns:
            (the other person's id, the number of quotes moved).

        Raises:
            onrecord.store.identity.CorrectionError: If the name is unknown or ambiguous,
                or no quote is reported with the evidence.
        """
        with self._write():
            return split_person(self._conn, name, evidence, new_name)

    def syndication_index(self, threshold: float = DEFAULT_THRESHOLD) -> SyndicationIndex:
        """An index of syndicated copies seeded with every stored article.

        A run that ingests into this database with it puts a new copy of a stored story
        into the stored story's cluster.

        Args:
            threshold: Estimated Jaccard similarity from which texts are one story.

        Returns:
            The seeded index.
        """
        index = SyndicationIndex(threshold)
        rows = self._conn.execute(
            "SELECT content_hash, coalesce(cluster, content_hash), minhash,"
            " CASE WHEN minhash IS NULL THEN text END FROM articles ORDER BY id"
        )
        for digest, cluster, signature, text in rows:
            if signature is None and text is not None:
                signature = signature_bytes(str(text))
            index.add_known(str(digest), str(cluster), signature)
        return index

    def _add_source(self, article_id: int, record: ArticleRecord, now: str) -> bool:
        """Record where an article was read from; False when that path was known."""
        cursor = self._conn.execute(
            "INSERT OR IGNORE INTO article_sources (article_id, path, url, site, published,"
            " seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, record.path, record.url, record.site, record.published, now),
        )
        return bool(cursor.rowcount > 0)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """Run the body in one write transaction: commit on success, roll back on any error.

        One writer at a time on both engines: SQLite's write lock, a PostgreSQL advisory
        lock (person links and statement clusters read what earlier writes stored).
        """
        self._conn.execute("BEGIN IMMEDIATE")
        if self.dialect == "postgresql":
            self._conn.execute("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))
        try:
            yield
        except BaseException:
            if getattr(self._conn, "in_transaction", True):
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _speaker_id(self, name: str) -> int:
        self._conn.execute("INSERT INTO speakers (name) VALUES (?) ON CONFLICT DO NOTHING", (name,))
        row = self._conn.execute("SELECT id FROM speakers WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def _insert_quote(
        self,
        article_id: int,
        position: int,
        quote: Quote,
        text: str,
        person_id: int | None,
        article_cluster: str,
        dated: str,
    ) -> None:
        speaker_id = self._speaker_id(quote.speaker) if quote.speaker else None
        content = span_text(text, quote.content)
        key = content_key(content)
        cluster = quote_cluster(self._conn, key, person_id, speaker_id, article_cluster)
        cursor = self._conn.execute(
            "INSERT INTO quotes (article_id, position, start_offset, speaker_id, speaker_role,"
            " type, confidence, content, cue, source, content_text, cue_text, source_text,"
            " extractor, person_id, content_key, cluster_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                position,
                min((start for start, _ in quote.content), default=0),
                speaker_id,
                quote.speaker_role,
                quote.type,
                float(quote.confidence),
                _json(_span_list(quote.content)),
                _json(_span_list(quote.cue)),
                _json(_span_list(quote.source)),
                content,
                span_text(text, quote.cue) if quote.cue else None,
                span_text(text, quote.source) if quote.source else None,
                quote.extractor,
                person_id,
                key,
                cluster,
            ),
        )
        quote_id = _rowid(cursor)
        if cluster is None:
            self._conn.execute("UPDATE quotes SET cluster_id = id WHERE id = ?", (quote_id,))
        else:
            mark_first_report(self._conn, cluster, quote_id, dated)

    def _insert_entity(self, article_id: int, position: int, entity: Entity) -> None:
        self._conn.execute(
            "INSERT INTO entities (article_id, position, text, label, canonical, spans, roles)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                position,
                entity.text,
                entity.label,
                entity.canonical,
                _json(_span_list(entity.spans)),
                _json(list(entity.roles)),
            ),
        )


def _rowid(cursor: Any) -> int:
    if cursor.lastrowid is None:  # pragma: no cover - an INSERT always sets it
        raise sqlite3.DatabaseError("INSERT returned no row id")
    return int(cursor.lastrowid)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _span_list(spans: list[Span]) -> list[list[int]]:
    return [[int(start), int(end)] for start, end in spans]


def _check_spans(record: ArticleRecord) -> None:
    size = len(record.text)

    def check(where: str, spans: list[Span]) -> None:
        for start, end in spans:
            if not 0 <= start <= end <= size:
                raise ValueError(
                    f"{record.path}: {where} span ({start}, {end}) is outside the text "
                    f"(length {size})"
                )

    for i, quote in enumerate(record.quotes):
        if not quote.content:
            raise ValueError(f"{record.path}: quote {i} has no content span")
        check(f"quote {i} content", quote.content)
        check(f"quote {i} cue", quote.cue)
        check(f"quote {i} source", quote.source)
    for i, entity in enumerate(record.entities):
        check(f"entity {i} ({entity.text!r})", entity.spans)
