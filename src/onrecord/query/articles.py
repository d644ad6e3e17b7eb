"""Finding stored articles: full-text search over headlines and texts, with filters.

Owns ``find_articles`` and ``ArticleRow``: articles matching words (SQLite FTS5 with
BM25 ranking and a highlighted snippet, or PostgreSQL text search), an outlet, a date
range or an entity they name, with their number of quotes. Quotes are
``query.quotes``; this module reads articles only.
"""

from __future__ import annotations

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
