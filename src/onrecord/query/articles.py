"""Finding stored articles: full-text search over headlines and texts, with filters.

Owns ``find_articles`` and ``ArticleRow``: articles matching words (SQLite FTS5 with
BM25 ranking and a highlighted snippet, or PostgreSQL text search), an outlet, a date
range or an entity they name, with their number of quotes. Quotes are
``query.quotes``; this module reads articles only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from onrecord.query.quotes import (
    SNIPPET_CLOSE,
    SNIPPET_ELLIPSIS,
    SNIPPET_OPEN,
    SNIPPET_TOKENS,
    QuoteFilter,
    article_conditions,
    fts_query,
    pg_tsquery,
)
from onrecord.store.db import Database


@dataclass(frozen=True)
class ArticleRow:
    """One stored article.

    Attributes:
        article_id: Its row id.
        title: Its headline.
        path: Where it was first read from.
        url: Its URL.
        site: Its outlet.
        published: Its date.
        language: Its language.
        quotes: How many quotes it holds.
        snippet: When searching, the matching part of the text with matches in ``[``/``]``.
    """

    article_id: int
    title: str | None
    path: str
    url: str | None
    site: str | None
    published: str | None
    language: str | None
    quotes: int
    snippet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def find_articles(
    db: Database, where: QuoteFilter | None = None, limit: int = 100
) -> list[ArticleRow]:
    """Articles matching the filter's words (``search``), outlet, dates and entity.

    Args:
        db: An open database.
        where: The filter; its speaker, role, type and confidence fields do not apply.
        limit: The most rows; at least 1.

    Returns:
        Best matches first when searching, else the latest articles first.

    Raises:
        ValueError: If ``limit`` is less than 1 or a date is not ISO 8601.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    query = where or QuoteFilter()
    conditions, params = article_conditions(query)
    postgres = db.dialect == "postgresql"
    select_params: list[Any] = []  # parameters in SQL order: SELECT, WHERE, ORDER BY
    order_params: list[Any] = []
    snippet_sql = "NULL"
    source = "articles AS a"
    order = "coalesce(a.published, a.ingested_at) DESC, a.id DESC"
    if query.search is not None and query.search.strip():
        match = (pg_tsquery if postgres else fts_query)(query.search)
        if match is None:
            return []
        if postgres:
            tsquery = "to_tsquery('english', onrecord_unaccent(?))"
            conditions.append(f"a.text_tsv @@ {tsquery}")
            snippet_sql = (
                f"ts_headline('english', a.text, {tsquery}, "
                f"'StartSel={SNIPPET_OPEN}, StopSel={SNIPPET_CLOSE}, MaxWords=24, MinWords=8')"
            )
            order = f"ts_rank(a.text_tsv, {tsquery}) DESC, a.id"
            select_params.append(match)
            params.append(match)
            order_params.append(match)
        else:
            source = "articles_fts JOIN articles AS a ON a.id = articles_fts.rowid"
            conditions.insert(0, "articles_fts MATCH ?")
            params.insert(0, match)
            snippet_sql = "snippet(articles_fts, 1, ?, ?, ?, ?)"
            select_params += [SNIPPET_OPEN, SNIPPET_CLOSE, SNIPPET_ELLIPSIS, SNIPPET_TOKENS]
            order = "articles_fts.rank, a.id"
    sql = (
        "SELECT a.id, a.title, a.path, a.url, a.site, a.published, a.language,"
        " (SELECT count(*) FROM quotes AS q WHERE q.article_id = a.id),"
        f" {snippet_sql} FROM {source}"
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
        + f" ORDER BY {order} LIMIT ?"
    )
    rows = db.connection.execute(sql, [*select_params, *params, *order_params, limit])
    return [
        ArticleRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], int(r[7]), r[8])
        for r in rows.fetchall()
    ]


@dataclass(frozen=True)
class QuoteSpan:
    """One quote of an article, with its spans for highlighting."""

    quote_id: int
    cluster_id: int | None
    speaker: str | None
    person_id: int | None
    speaker_role: str | None
    type: str
    confidence: float
    content: list[list[int]]
    cue: list[list[int]]
    source: list[list[int]]
    content_text: str
    cue_text: str | None


@dataclass(frozen=True)
class ArticleDetail:
    """Everything an article page shows: its text, metadata, quotes and entities."""

    article: ArticleRow
    text: str
    authors: list[str]
    cluster: str | None
    quotes: list[QuoteSpan]
    entities: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def article_detail(db: Database, article_id: int) -> ArticleDetail | None:
    """The article page's data.

    Args:
        db: An open database.
        article_id: The article.

    Returns:
        The detail, or None when there is no such article.
    """
    conn = db.connection
    row = conn.execute(
        "SELECT a.id, a.title, a.path, a.url, a.site, a.published, a.language,"
        " (SELECT count(*) FROM quotes AS q WHERE q.article_id = a.id), a.text, a.authors,"
        " a.cluster FROM articles AS a WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    article = ArticleRow(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], int(row[7]))
    quotes = [
        QuoteSpan(
            int(q[0]),
            int(q[1]) if q[1] is not None else None,
            q[2],
            int(q[3]) if q[3] is not None else None,
            q[4],
            str(q[5]),
            float(q[6]),
            json.loads(q[7]),
            json.loads(q[8]),
            json.loads(q[9]),
            str(q[10]),
            q[11],
        )
        for q in conn.execute(
            "SELECT q.id, q.cluster_id, coalesce(p.name, s.name), q.person_id, q.speaker_role,"
            " q.type, q.confidence, q.content, q.cue, q.source, q.content_text, q.cue_text"
            " FROM quotes AS q LEFT JOIN persons AS p ON p.id = q.person_id"
            " LEFT JOIN speakers AS s ON s.id = q.speaker_id"
            " WHERE q.article_id = ? ORDER BY q.start_offset, q.position",
            (article_id,),
        )
    ]
    entities = [
        {"text": e[0], "label": e[1], "canonical": e[2], "spans": json.loads(e[3])}
        for e in conn.execute(
            "SELECT text, label, canonical, spans FROM entities WHERE article_id = ?"
            " ORDER BY position",
            (article_id,),
        )
    ]
    return ArticleDetail(
        article, str(row[8]), json.loads(row[9] or "[]"), row[10], quotes, entities
    )
