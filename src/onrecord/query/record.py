"""The Python API to a stored record: ``onrecord.Record("news.db").quotes(...)``.

Owns ``Record``, a small facade over the query layer that gives the same answers as the
command line (``onrecord quotes``, ``onrecord speakers``), for notebooks and scripts.
Opening the database (and migrating it) is ``store.db``; the queries are
``query.quotes`` and ``query.speakers``.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from onrecord.models import QuoteType
from onrecord.query.articles import ArticleRow, find_articles
from onrecord.query.provenance import StatementHistory, statement_history
from onrecord.query.quotes import QuoteFilter, QuoteRow, find_quotes
from onrecord.query.speakers import SpeakerRow, list_speakers
from onrecord.store.db import Database, open_database


class Record:
    """A stored record of who said what.

    Args:
        database: The SQLite file written by ``onrecord ingest`` (or an open
            ``Database``).

    Example:
        >>> with Record("news.db") as record:  # doctest: +SKIP
        ...     for quote in record.quotes(speaker="rutte", about="ukraine"):
        ...         print(quote.published, quote.content_text)
    """

    def __init__(self, database: str | Path | Database) -> None:
        self._owned = not isinstance(database, Database)
        self._db = open_database(database) if not isinstance(database, Database) else database

    def quotes(
        self,
        speaker: str | None = None,
        about: str | None = None,
        *,
        role: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        mentions: str | None = None,
        type: QuoteType | None = None,
        min_confidence: float | None = None,
        limit: int = 100,
    ) -> list[QuoteRow]:
        """Quotes matching every given filter (see ``QuoteFilter``).

        Args:
            speaker: A name or part of one; aliases count ("rutte").
            about: Words that must occur in what was said, ranked by BM25.
            role: Part of the speaker's role.
            outlet: Part of the site name or URL.
            since: ISO date, inclusive.
            until: ISO date, inclusive.
            mentions: A person, organisation or place the article names.
            type: ``direct``, ``indirect`` or ``mixed``.
            min_confidence: Lowest confidence kept.
            limit: The most rows.

        Returns:
            The quotes, as ``onrecord quotes`` lists them.
        """
        where = QuoteFilter(
            speaker=speaker,
            search=about,
            role=role,
            outlet=outlet,
            since=since,
            until=until,
            entity=mentions,
            type=type,
            min_confidence=min_confidence,
        )
        return find_quotes(self._db, limit=limit, where=where)

    def articles(
        self,
        about: str | None = None,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        mentions: str | None = None,
        limit: int = 100,
    ) -> list[ArticleRow]:
        """Articles matching words in headline or text and the filters (``onrecord articles``)."""
        where = QuoteFilter(search=about, outlet=outlet, since=since, until=until, entity=mentions)
        return find_articles(self._db, where, limit)

    def history(self, quote_id: int) -> StatementHistory | None:
        """Every report of the statement a quote belongs to (as ``onrecord quote ID``)."""
        return statement_history(self._db, quote_id)

    def speakers(self, search: str | None = None, limit: int = 100) -> list[SpeakerRow]:
        """People on record, most quoted first (as ``onrecord speakers`` lists them)."""
        return list_speakers(self._db, search, limit)

    @property
    def database(self) -> Database:
        """The underlying database."""
        return self._db

    def close(self) -> None:
        """Close the database if this object opened it."""
        if self._owned:
            self._db.close()

    def __enter__(self) -> Record:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
