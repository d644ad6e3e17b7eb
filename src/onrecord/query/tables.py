"""The four exportable tables — quotes, speakers, articles, entities — as columns and rows.

Owns what each export contains: the column list (names and types) and the rows, chosen
with the same filters as ``onrecord quotes`` (``QuoteFilter``; for articles and
entities its outlet, date and entity filters apply). Writing them as JSONL, CSV or
Parquet is ``query.export``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from onrecord.query.export import Column
from onrecord.query.quotes import QuoteFilter, article_conditions, find_quotes
from onrecord.query.speakers import list_speakers
from onrecord.store.db import Database

TABLE_NAMES = ("quotes", "speakers", "articles", "entities")

QUOTE_COLUMNS = [
    Column("quote_id", "int"),
    Column("speaker", "string"),
    Column("speaker_role", "string"),
    Column("type", "string"),
    Column("confidence", "float"),
    Column("content_text", "string"),
    Column("cue_text", "string"),
    Column("source_text", "string"),
    Column("article_title", "string"),
    Column("article_path", "string"),
    Column("site", "string"),
    Column("published", "string"),
    Column("outlets", "int"),
    Column("occurrences", "int"),
    Column("cluster_id", "int"),
]
SPEAKER_COLUMNS = [
    Column("person_id", "int"),
    Column("name", "string"),
    Column("aliases", "list[string]"),
    Column("roles", "json"),
    Column("quotes", "int"),
    Column("articles", "int"),
    Column("first_seen", "string"),
    Column("last_seen", "string"),
]
ARTICLE_COLUMNS = [
    Column("article_id", "int"),
    Column("path", "string"),
    Column("url", "string"),
    Column("title", "string"),
    Column("site", "string"),
    Column("published", "string"),
    Column("authors", "list[string]"),
    Column("language", "string"),
    Column("cluster", "string"),
    Column("content_hash", "string"),
    Column("quotes", "int"),
    Column("text", "string"),
]
ENTITY_COLUMNS = [
    Column("article_id", "int"),
    Column("article_path", "string"),
    Column("text", "string"),
    Column("label", "string"),
    Column("canonical", "string"),
    Column("roles", "list[string]"),
    Column("mentions", "int"),
]


def table_rows(
    db: Database, table: str, where: QuoteFilter | None = None
) -> tuple[list[Column], Iterator[dict[str, Any]]]:
    """The columns and rows of one exportable table.

    Args:
        db: An open database.
        table: One of ``TABLE_NAMES``.
        where: Filters (speaker search applies to speakers; outlet, dates and entity to
            articles and entities; all of them to quotes).

    Returns:
        The columns, and the rows as dicts (streamed for articles and entities).

    Raises:
        ValueError: For an unknown table.
    """
    where = where or QuoteFilter()
    if table == "quotes":
        return QUOTE_COLUMNS, (row.to_dict() for row in find_quotes(db, limit=None, where=where))
    if table == "speakers":
        return SPEAKER_COLUMNS, (
            {**row.to_dict(), "roles": [vars(role) for role in row.roles]}
            for row in list_speakers(db, where.speaker, limit=1 << 62)
        )
    if table == "articles":
        return ARTICLE_COLUMNS, _articles(db, where)
    if table == "entities":
        return ENTITY_COLUMNS, _entities(db, where)
    raise ValueError(f"unknown table {table!r}; choose one of {', '.join(TABLE_NAMES)}")


def _article_conditions(where: QuoteFilter) -> tuple[str, list[Any]]:
    conditions, params = article_conditions(where)
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params


def _articles(db: Database, where: QuoteFilter) -> Iterator[dict[str, Any]]:
    clause, params = _article_conditions(where)
    cursor = db.connection.execute(
        "SELECT a.id, a.path, a.url, a.title, a.site, a.published, a.authors, a.language,"
        " a.cluster, a.content_hash, (SELECT count(*) FROM quotes AS q WHERE q.article_id = a.id),"
        f" a.text FROM articles AS a{clause} ORDER BY a.id",
        params,
    )
    names = [c.name for c in ARTICLE_COLUMNS]
    for row in cursor:
        item = dict(zip(names, row, strict=True))
        item["authors"] = json.loads(item["authors"] or "[]")
        yield item


def _entities(db: Database, where: QuoteFilter) -> Iterator[dict[str, Any]]:
    clause, params = _article_conditions(where)
    cursor = db.connection.execute(
        "SELECT e.article_id, a.path, e.text, e.label, e.canonical, e.roles, e.spans"
        f" FROM entities AS e JOIN articles AS a ON a.id = e.article_id{clause}"
        " ORDER BY e.article_id, e.position",
        params,
    )
    for article_id, path, text, label, canonical, roles, spans in cursor:
        yield {
            "article_id": article_id,
            "article_path": path,
            "text": text,
            "label": label,
            "canonical": canonical,
            "roles": json.loads(roles or "[]"),
            "mentions": len(json.loads(spans or "[]")),
        }
