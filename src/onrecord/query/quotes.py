"""Finding stored quotes: by speaker, by full-text search, or both.

Owns ``find_quotes`` and its typed result ``QuoteRow``, plus ``fts_query``, which turns
whatever a user typed into a safe FTS5 query. Does not write (see ``store.db``) and does
not format for people or HTTP (see ``onrecord.serve``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from onrecord.models import QuoteType
from onrecord.store.db import Database

SNIPPET_OPEN = "["
SNIPPET_CLOSE = "]"
SNIPPET_ELLIPSIS = "…"
SNIPPET_TOKENS = 16
"""How many tokens of context an FTS5 snippet shows (FTS5 allows up to 64)."""

_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class QuoteRow:
    """One quote as the query layer returns it, with its article's facts.

    Attributes:
        quote_id: The quote's row id.
        speaker: The canonical speaker name, if known.
        speaker_role: The speaker's role in that article, if given.
        type: ``direct``, ``indirect`` or ``mixed``.
        confidence: The extractor's confidence, between 0 and 1.
        content_text: What was said; fragments joined with " … ".
        cue_text: The attribution cue as written, if any.
        source_text: The speaker mention as written, if any.
        article_title: The article's headline.
        article_path: The path the article was read from.
        site: The article's site name.
        published: The publication date (ISO 8601), when known.
        snippet: When searching, the matching part of the content with matches in
            ``[``/``]``; otherwise ``None``.
        outlets: How many outlets (distinct sites, else URLs or paths) carried the
            article or a syndicated copy of it: the quote is listed once for them all.
    """

    quote_id: int
    speaker: str | None
    speaker_role: str | None
    type: QuoteType
    confidence: float
    content_text: str
    cue_text: str | None
    source_text: str | None
    article_title: str | None
    article_path: str
    site: str | None
    published: str | None
    snippet: str | None = None
    outlets: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with one key per field."""
        return asdict(self)


def fts_query(text: str) -> str | None:
    """Turn free text into an FTS5 query that cannot be a syntax error.

    Every whitespace-separated term becomes a quoted string (inner ``"`` doubled), so FTS5
    operators such as ``AND``, ``NEAR``, ``(``, ``-`` or ``:`` are taken literally; terms
    are ANDed. A term ending in ``*`` becomes a prefix search. Terms with no letters or
    digits are dropped, since they can match nothing.

    Args:
        text: What the user typed.

    Returns:
        The FTS5 query, or ``None`` when no term is left.
    """
    terms: list[str] = []
    for raw in text.split():
        prefix = raw.endswith("*")
        term = raw.rstrip("*")
        if not _WORD.search(term):
            continue
        quoted = '"' + term.replace('"', '""') + '"'
        terms.append(quoted + "*" if prefix else quoted)
    return " ".join(terms) if terms else None


def find_quotes(
    db: Database,
    speaker: str | None = None,
    search: str | None = None,
    limit: int = 100,
) -> list[QuoteRow]:
    """Find stored quotes by speaker and/or by words in what was said.

    Args:
        db: An open database.
        speaker: Keep quotes whose canonical speaker name contains this, ignoring case
            (``"rutte"`` matches ``"Mark Rutte"``). ``None`` or blank: any speaker,
            including unknown ones.
        search: Words to find in the quote content (all must occur; ``word*`` for a
            prefix). Results are ranked by BM25. ``None`` or blank: no text filter.
        limit: The most rows to return; at least 1.

    Returns:
        Matching quotes: best first when searching, otherwise by article date (published,
        else ingested) and then by position in the article.

    Raises:
        ValueError: If ``limit`` is less than 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    conn = db.connection
    where: list[str] = []
    params: list[Any] = []

    searching = search is not None and search.strip() != ""
    match: str | None = None
    if searching:
        match = fts_query(search or "")
        if match is None:
            return []
        source = "quotes_fts JOIN quotes AS q ON q.id = quotes_fts.rowid"
        where.append("quotes_fts MATCH ?")
        params.append(match)
        sort_sql = "quotes_fts.rank"
        order = "sort_key, id"
    else:
        source = "quotes AS q"
        sort_sql = "coalesce(a.published, a.ingested_at)"
        order = "sort_key, article_id, start_offset, position"

    if speaker is not None and speaker.strip():
        # SQLite's lower()/LIKE fold ASCII only; casefold in Python so "ólafur" finds "Ólafur".
        needle = speaker.strip().casefold()
        ids = [
            int(row[0])
            for row in conn.execute("SELECT id, name FROM speakers")
            if needle in str(row[1]).casefold()
        ]
        if not ids:
            return []
        where.append("q.speaker_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(ids))

    # A story carried by several outlets is stored once per copy; its quotes are listed
    # once (the first copy's), with the number of outlets that carried it.
    sql = (
        "WITH hits AS (SELECT q.id AS id, s.name AS speaker, q.speaker_role AS role,"
        " q.type AS type, q.confidence AS confidence, q.content_text AS content,"
        " q.cue_text AS cue, q.source_text AS source, a.title AS title, a.path AS path,"
        " a.site AS site, a.published AS published,"
        " a.cluster AS cluster,"
        " row_number() OVER (PARTITION BY coalesce(a.cluster, a.id), q.content_text,"
        " q.speaker_id ORDER BY a.id, q.position) AS copy_rank,"
        f" {sort_sql} AS sort_key, a.id AS article_id, q.start_offset AS start_offset,"
        " q.position AS position"
        f" FROM {source}"
        " JOIN articles AS a ON a.id = q.article_id"
        " LEFT JOIN speakers AS s ON s.id = q.speaker_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + ") SELECT id, speaker, role, type, confidence, content, cue, source, title, path,"
        " site, published,"
        " (SELECT count(DISTINCT coalesce(src.site, src.url, src.path))"
        "  FROM article_sources AS src JOIN articles AS c ON c.id = src.article_id"
        "  WHERE c.cluster = hits.cluster) AS outlets"
        f" FROM hits WHERE copy_rank = 1 ORDER BY {order} LIMIT ?"
    )
    rows = conn.execute(sql, [*params, limit]).fetchall()
    snippets = _snippets(conn, match, [int(row[0]) for row in rows]) if searching else {}
    return [
        QuoteRow(
            quote_id=int(row[0]),
            speaker=row[1],
            speaker_role=row[2],
            type=row[3],
            confidence=float(row[4]),
            content_text=row[5],
            cue_text=row[6],
            source_text=row[7],
            article_title=row[8],
            article_path=row[9],
            site=row[10],
            published=row[11],
            snippet=snippets.get(int(row[0])),
            outlets=max(1, int(row[12] or 0)),
        )
        for row in rows
    ]


def _snippets(conn: sqlite3.Connection, match: str | None, ids: list[int]) -> dict[int, str]:
    """FTS5 snippets of the given quotes (FTS5 cannot make them inside a window query)."""
    if not ids or match is None:
        return {}
    rows = conn.execute(
        "SELECT rowid, snippet(quotes_fts, 0, ?, ?, ?, ?) FROM quotes_fts"
        " WHERE quotes_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
        [SNIPPET_OPEN, SNIPPET_CLOSE, SNIPPET_ELLIPSIS, SNIPPET_TOKENS, match, json.dumps(ids)],
    ).fetchall()
    return {int(row[0]): str(row[1]) for row in rows}
