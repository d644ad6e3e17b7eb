"""Finding stored quotes: by speaker, by full-text search, or both.

Owns ``find_quotes`` and its typed result ``QuoteRow``, plus ``fts_query``, which turns
whatever a user typed into a safe FTS5 query. Does not write (see ``store.db``) and does
not format for people or HTTP (see ``onrecord.serve``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from typing import Any

from onrecord.models import QuoteType
from onrecord.store.db import Database
from onrecord.store.engine import Connection
from onrecord.store.identity import name_key

SNIPPET_OPEN = "["
SNIPPET_CLOSE = "]"
SNIPPET_ELLIPSIS = "…"
SNIPPET_TOKENS = 16
"""How many tokens of context an FTS5 snippet shows (FTS5 allows up to 64)."""

_WORD = re.compile(r"\w", re.UNICODE)
_UNBINDABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL, which PostgreSQL refuses in text and FTS5 reads as the end of a query, and lone
surrogates (undecodable command-line bytes), which neither engine's driver can encode."""
_PG_WORD = re.compile(r"[^\W_\u02b0-\u02ff]+")


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
        outlets: How many outlets (distinct sites, else URLs or paths) reported this
            statement (syndicated copies and later reports of it included): the
            statement is listed once for them all, at its first-seen occurrence.
        occurrences: How many reports of this statement are stored — one per outlet
            copy (``onrecord quote ID`` shows them, with the variants of its wording).
        cluster_id: The statement's id: the quote id of its first stored occurrence.
        article_id: The article this report is in.
        person_id: The speaker's person, when linked (``onrecord speakers`` lists them).
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
    occurrences: int = 1
    cluster_id: int | None = None
    article_id: int | None = None
    person_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with one key per field."""
        return asdict(self)


def pg_tsquery(text: str) -> str | None:
    """Turn free text into a PostgreSQL ``to_tsquery`` string that cannot be a syntax error.

    The same rules as ``fts_query``: every word must occur (``&``), a term ending in
    ``*`` is a prefix (``:*``), characters other than letters and digits only separate
    words. ``onrecord_unaccent`` runs on the result in SQL and turns a few letters into
    tsquery syntax (ʼ and ŉ into ', ː into :, ⑴ into (1)): the text is NFKC-normalised
    first (⑴ becomes (1), ŉ becomes ʼn) and spacing modifier letters (U+02B0-U+02FF)
    separate words, as their unaccented forms do in the indexed text.

    Args:
        text: What the user typed.

    Returns:
        The query, or ``None`` when no word is left.
    """
    terms: list[str] = []
    for raw in unicodedata.normalize("NFKC", text).split():
        words = _PG_WORD.findall(raw)
        if not words:
            continue
        if raw.endswith("*"):
            words[-1] += ":*"
        terms.extend(words)
    return " & ".join(terms) if terms else None


def fts_query(text: str) -> str | None:
    """Turn free text into an FTS5 query that cannot be a syntax error.

    Every whitespace-separated term becomes a quoted string (inner ``"`` doubled), so FTS5
    operators such as ``AND``, ``NEAR``, ``(``, ``-`` or ``:`` are taken literally; terms
    are ANDed. A term ending in ``*`` becomes a prefix search. Terms with no letters or
    digits are dropped, since they can match nothing. NUL characters and lone surrogates
    (from undecodable command-line bytes) separate terms: FTS5 stops reading a quoted
    term at either and reports an unterminated string.

    Args:
        text: What the user typed.

    Returns:
        The FTS5 query, or ``None`` when no term is left.
    """
    terms: list[str] = []
    for raw in _UNBINDABLE.sub(" ", text).split():
        prefix = raw.endswith("*")
        term = raw.rstrip("*")
        if not _WORD.search(term):
            continue
        quoted = '"' + term.replace('"', '""') + '"'
        terms.append(quoted + "*" if prefix else quoted)
    return " ".join(terms) if terms else None


@dataclass(frozen=True)
class QuoteFilter:
    """What to look for among stored quotes; every field left empty matches everything.

    Attributes:
        speaker: Quotes by people whose name or any alias contains this, ignoring case
            and accents (``"rutte"`` finds "Mark Rutte" and his quotes reported as
            "Rutte"); unlinked speakers match by the name as written.
        search: Words that must all occur in what was said (``word*`` for a prefix);
            results are then ranked by BM25 and carry a highlighted snippet.
        role: The speaker's role in the article contains this ("secretary general").
        outlet: The article's site (or URL) contains this.
        since: Articles published (else ingested) on or after this ISO date.
        until: ... on or before this ISO date (a whole day when only a date is given).
        entity: The article names this person, organisation or place (canonical name
            contains it).
        type: ``direct``, ``indirect`` or ``mixed``.
        min_confidence: Quotes at least this confident.
        person_id: Quotes linked to this person (``onrecord speakers`` lists the ids).
    """

    speaker: str | None = None
    search: str | None = None
    role: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    entity: str | None = None
    type: QuoteType | None = None
    min_confidence: float | None = None
    person_id: int | None = None


def find_quotes(
    db: Database,
    speaker: str | None = None,
    search: str | None = None,
    limit: int | None = 100,
    *,
    where: QuoteFilter | None = None,
    offset: int = 0,
) -> list[QuoteRow]:
    """Find stored quotes by speaker, words, role, outlet, dates, entity and type.

    Args:
        db: An open database.
        speaker: Shorthand for ``QuoteFilter.speaker``.
        search: Shorthand for ``QuoteFilter.search``.
        limit: The most rows to return, at least 1; None for all.
        where: The full filter (``speaker`` and ``search`` above, when given, replace
            its fields).
        offset: Skip this many rows first (pages of results).

    Returns:
        Matching quotes, each statement of a syndicated story once: best first when
        searching, otherwise by article date (published, else ingested) and then by
        position in the article.

    Raises:
        ValueError: If ``limit`` is less than 1 or a date is not ISO 8601.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    query = where or QuoteFilter()
    if speaker is not None:
        query = replace(query, speaker=speaker)
    if search is not None:
        query = replace(query, search=search)
    conn = db.connection
    conditions: list[str] = []
    params: list[Any] = []

    searching = _given(query.search)
    postgres = db.dialect == "postgresql"
    match: str | None = None
    select_params: list[Any] = []  # parameters of the SELECT list, which comes first
    if searching:
        match = (pg_tsquery if postgres else fts_query)(query.search or "")
        if match is None:
            return []
        if postgres:
            source = "quotes AS q"
            conditions.append("q.content_tsv @@ to_tsquery('english', onrecord_unaccent(?))")
            sort_sql = "-ts_rank(q.content_tsv, to_tsquery('english', onrecord_unaccent(?)))"
            select_params.append(match)
        else:
            source = "quotes_fts JOIN quotes AS q ON q.id = quotes_fts.rowid"
            conditions.append("quotes_fts MATCH ?")
            sort_sql = "quotes_fts.rank"
        params.append(match)
        order_columns = ["sort_key", "id"]
    else:
        source = "quotes AS q"
        sort_sql = "coalesce(a.published, a.ingested_at)"
        order_columns = ["sort_key", "article_id", "start_offset", "position"]

    if _given(query.speaker):
        persons, speakers = _matching_speakers(conn, str(query.speaker))
        if not persons and not speakers:
            return []
        conditions.append(
            "(q.person_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))"
            " OR (q.person_id IS NULL"
            " AND q.speaker_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))))"
        )
        params += [json.dumps(persons), json.dumps(speakers)]
    if _given(query.role):
        conditions.append("instr(lower(q.speaker_role), lower(?)) > 0")
        params.append(_needle(str(query.role)))
    article_where, article_params = article_conditions(query)
    conditions += article_where
    params += article_params
    # Without filters on the articles, every report of a statement matches alike: show
    # the earliest (marked when stored) without ranking reports against each other.
    first_only = not article_where
    if query.type is not None:
        conditions.append("q.type = ?")
        params.append(query.type)
    if query.min_confidence is not None:
        conditions.append("q.confidence >= ?")
        params.append(float(query.min_confidence))
    if query.person_id is not None:
        conditions.append("q.person_id = ?")
        params.append(int(query.person_id))

    # A statement reported by several outlets (or again later) is stored once per
    # occurrence, all in one quote cluster; it is listed once, at its first-seen
    # occurrence among those matching, with the number of outlets that carried it.
    rank_sql = (
        "1"
        if first_only
        else "row_number() OVER (PARTITION BY coalesce(q.cluster_id, q.id)"
        " ORDER BY coalesce(a.published, a.ingested_at), a.id, q.position)"
    )
    if first_only:
        conditions.append("q.first_report = 1")
    sql = (
        "WITH hits AS (SELECT q.id AS id, coalesce(q.cluster_id, q.id) AS statement,"
        f" {rank_sql} AS copy_rank,"
        f" {sort_sql} AS sort_key, a.id AS article_id, q.start_offset AS start_offset,"
        " q.position AS position"
        f" FROM {source}"
        " JOIN articles AS a ON a.id = q.article_id"
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
        + "), top AS (SELECT * FROM hits WHERE copy_rank = 1"
        f" ORDER BY {', '.join(order_columns)}"
        f"{' LIMIT ? OFFSET ?' if limit is not None else ''})"
        # Names, texts and counts only for the rows shown.
        " SELECT q.id, coalesce(p.name, s.name), q.speaker_role, q.type, q.confidence,"
        " q.content_text, q.cue_text, q.source_text, a.title, a.path, a.site, a.published,"
        " (SELECT count(DISTINCT coalesce(src.site, src.url, src.path))"
        "  FROM quotes AS o JOIN article_sources AS src ON src.article_id = o.article_id"
        "  WHERE o.cluster_id = top.statement),"
        " (SELECT count(*) FROM quotes AS o JOIN article_sources AS src"
        "  ON src.article_id = o.article_id WHERE o.cluster_id = top.statement),"
        " top.statement, q.article_id, q.person_id"
        " FROM top JOIN quotes AS q ON q.id = top.id JOIN articles AS a ON a.id = q.article_id"
        " LEFT JOIN speakers AS s ON s.id = q.speaker_id"
        " LEFT JOIN persons AS p ON p.id = q.person_id"
        f" ORDER BY {', '.join('top.' + c for c in order_columns)}"
    )
    limits = [limit, max(0, offset)] if limit is not None else []
    rows = conn.execute(sql, [*select_params, *params, *limits]).fetchall()
    ids = [int(row[0]) for row in rows]
    snippets = _snippets(conn, postgres, match, ids) if searching else {}
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
            occurrences=max(1, int(row[13] or 0)),
            cluster_id=int(row[14]),
            article_id=int(row[15]),
            person_id=int(row[16]) if row[16] is not None else None,
        )
        for row in rows
    ]


def article_conditions(query: QuoteFilter) -> tuple[list[str], list[Any]]:
    """SQL conditions (on articles aliased ``a``) for the filter's outlet, dates and entity.

    Args:
        query: The filter.

    Returns:
        Conditions to AND together, and their parameters in order.

    Raises:
        ValueError: If a date is not ISO 8601.
    """
    conditions: list[str] = []
    params: list[Any] = []
    if _given(query.outlet):
        conditions.append(
            "a.id IN (SELECT article_id FROM article_sources"
            " WHERE instr(lower(site), lower(?)) > 0 OR instr(lower(url), lower(?)) > 0)"
        )
        params += [_needle(str(query.outlet))] * 2
    if _given(query.since):
        conditions.append("coalesce(a.published, a.ingested_at) >= ?")
        params.append(_iso_date(str(query.since), "since"))
    if _given(query.until):
        conditions.append("substr(coalesce(a.published, a.ingested_at), 1, ?) <= ?")
        until = _iso_date(str(query.until), "until")
        params += [len(until), until]
    if _given(query.entity):
        conditions.append(
            "a.id IN (SELECT article_id FROM entities WHERE instr(lower(canonical), lower(?)) > 0)"
        )
        params.append(_needle(str(query.entity)))
    return conditions, params


def _given(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def _needle(value: str) -> str:
    """A filter's text as a parameter either engine accepts (``_UNBINDABLE`` left out)."""
    return _UNBINDABLE.sub("", value).strip()


def _iso_date(value: str, name: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2}(?:[T ][\d:.+Z-]*)?)?)?", text):
        raise ValueError(f"{name}: {value!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return text


def _matching_speakers(conn: Connection, needle: str) -> tuple[list[int], list[int]]:
    """Persons (by name or alias) and written speaker names containing the needle."""
    # SQLite's lower()/LIKE fold ASCII only; compare in Python so "ólafur" finds "Ólafur"
    # and "jose" finds "José".
    key = name_key(needle)
    folded = needle.strip().casefold()
    persons = sorted(
        {
            int(person_id)
            for person_id, alias, alias_key in conn.execute(
                "SELECT person_id, alias, alias_key FROM person_aliases"
                " UNION ALL SELECT id, name, '' FROM persons"
            )
            if (key and key in (alias_key or name_key(str(alias))))
            or folded in str(alias).casefold()
        }
    )
    speakers = [
        int(row[0])
        for row in conn.execute("SELECT id, name FROM speakers")
        if folded in str(row[1]).casefold() or (key and key in name_key(str(row[1])))
    ]
    return persons, speakers


def _snippets(
    conn: Connection, postgres: bool, match: str | None, ids: list[int]
) -> dict[int, str]:
    """Highlighted snippets of the given quotes (FTS5 cannot make them in a window query)."""
    if not ids or match is None:
        return {}
    if postgres:
        options = (
            f"StartSel={SNIPPET_OPEN}, StopSel={SNIPPET_CLOSE}, MaxWords={SNIPPET_TOKENS},"
            " MinWords=5, ShortWord=0, HighlightAll=false"
        )
        # A short quote is shown whole, like FTS5's snippet does; a long one is cut.
        whole = f"StartSel={SNIPPET_OPEN}, StopSel={SNIPPET_CLOSE}, HighlightAll=true"
        rows = conn.execute(
            "SELECT id, CASE WHEN array_length(regexp_split_to_array(content_text, '\\s+'), 1)"
            " <= ? THEN ts_headline('english', content_text, to_tsquery('english',"
            " onrecord_unaccent(?)), ?) ELSE ts_headline('english', content_text,"
            " to_tsquery('english', onrecord_unaccent(?)), ?) END"
            " FROM quotes WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
            [SNIPPET_TOKENS, match, whole, match, options, json.dumps(ids)],
        ).fetchall()
        return {int(row[0]): str(row[1]) for row in rows}
    rows = conn.execute(
        "SELECT rowid, snippet(quotes_fts, 0, ?, ?, ?, ?) FROM quotes_fts"
        " WHERE quotes_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
        [SNIPPET_OPEN, SNIPPET_CLOSE, SNIPPET_ELLIPSIS, SNIPPET_TOKENS, match, json.dumps(ids)],
    ).fetchall()
    return {int(row[0]): str(row[1]) for row in rows}
