"""The two storage engines behind one connection interface: SQLite and PostgreSQL.

Owns ``Connection`` (what the store and query layers may call: ``execute`` with
SQLite-style SQL and ``?`` parameters, returning a cursor with ``fetchone``,
``fetchall``, iteration, ``rowcount`` and ``lastrowid``) and ``PostgresConnection``,
which runs that SQL on PostgreSQL by rewriting the few constructs that differ
(placeholders, ``INSERT OR IGNORE``, ``instr``, ``json_each``, ``BEGIN IMMEDIATE``,
new row ids through ``RETURNING id``). Full-text search differs too much to rewrite:
the query layer asks ``dialect`` and writes FTS5 or PostgreSQL text search itself. The
schemas are ``store.migrations`` (SQLite) and ``store.pg_schema`` (PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, Protocol


class Connection(Protocol):
    """What the store and query layers use of a database connection."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any:
        """Run one statement; the result has fetchone, fetchall, rowcount, lastrowid."""

    def close(self) -> None:
        """Close the connection."""


def dialect_of(conn: Any) -> str:
    """``postgresql`` for a ``PostgresConnection``, else ``sqlite``."""
    return "postgresql" if isinstance(conn, PostgresConnection) else "sqlite"


def is_postgres_url(target: str) -> bool:
    """Whether a ``--db`` value names a PostgreSQL database rather than an SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


_TABLES_WITH_ID = {
    "articles",
    "article_sources",
    "speakers",
    "persons",
    "person_aliases",
    "person_roles",
    "person_corrections",
    "quotes",
    "entities",
}
_INSERT = re.compile(r"^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)", re.I)


@lru_cache(maxsize=512)
def to_postgres(sql: str) -> tuple[str, bool]:
    """Rewrite one SQLite-style statement for PostgreSQL.

    Args:
        sql: The statement as the store writes it.

    Returns:
        The PostgreSQL statement, and whether it returns the new row's id.
    """
    text = sql.replace("%", "%%")
    text = re.sub(r"\bBEGIN\s+IMMEDIATE\b", "BEGIN", text, flags=re.I)
    text = re.sub(r"\binstr\(", "strpos(", text)
    text = re.sub(r"json_each\(\?\)", "json_array_elements_text(?::json)", text)
    returning = False
    match = _INSERT.match(text)
    if match:
        if match.group(1):
            text = _INSERT.sub(lambda m: f"INSERT INTO {m.group(2)}", text, count=1)
            text += " ON CONFLICT DO NOTHING"
        if match.group(2).lower() in _TABLES_WITH_ID and "RETURNING" not in text.upper():
            text += " RETURNING id"
            returning = True
    return text.replace("?", "%s"), returning


class _PostgresCursor:
    def __init__(self, cursor: Any, returning: bool) -> None:
        self._cursor = cursor
        self._lastrowid: int | None = None
        if returning and cursor.rowcount:
            row = cursor.fetchone()
            self._lastrowid = int(row[0]) if row else None

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def lastrowid(self) -> int | None:
        return self._lastrowid

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


class PostgresConnection:
    """A PostgreSQL connection that runs the store's SQLite-style SQL.

    Args:
        url: ``postgresql://user@host:port/database``.
    """

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(url, autocommit=True)

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""
        from psycopg.pq import TransactionStatus

        return bool(self._conn.info.transaction_status != TransactionStatus.IDLE)

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> _PostgresCursor:
        """Run one statement (rewritten by ``to_postgres``)."""
        text, returning = to_postgres(sql)
        cursor = self._conn.execute(text, list(parameters) if parameters else None)
        return _PostgresCursor(cursor, returning)

    def run_script(self, sql: str) -> None:
        """Run several statements written for PostgreSQL, as they are."""
        self._conn.execute(sql)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
