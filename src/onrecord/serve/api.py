"""The JSON API under ``/api/``: quotes, speakers, articles, statements, entities, extract.

Owns the HTTP surface of the record: list endpoints with the CLI's filters and cursor
pagination, detail endpoints, ``POST /api/extract`` (text or HTML in, the extract
record out, size-limited) and ``POST /api/articles`` (ingest, only when the server has
a write token, and only with it). Every error is a 4xx with a message. The pages are
``serve.web``; the data comes from ``query``; the app is assembled in ``serve.app``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field

from onrecord.models import ArticleRecord, RawDocument
from onrecord.query.articles import article_detail, find_articles
from onrecord.query.provenance import statement_history
from onrecord.query.quotes import QuoteFilter, find_quotes
from onrecord.query.speakers import list_speakers, speaker_detail
from onrecord.serve.cache import ResultCache, record_version
from onrecord.store.db import Database, open_database

T = TypeVar("T")
MAX_EXTRACT_CHARS = 500_000
"""Largest text (or HTML) ``POST /api/extract`` and ``POST /api/articles`` accept."""
MAX_PAGE = 500
MAX_OFFSET = 1_000_000_000
"""The deepest a cursor (or a page number) may reach: beyond, a 400, not an overflow."""


@dataclass
class ServerSettings:
    """How the server was started.

    Attributes:
        db: The database (SQLite file or PostgreSQL URL).
        write_token: The token ``POST /api/articles`` requires; None: writes disabled.
        max_extract_chars: The size limit of posted articles.
    """

    db: str
    write_token: str | None = None
    max_extract_chars: int = MAX_EXTRACT_CHARS


_local = threading.local()


def database(request: Request) -> Database:
    """The request thread's connection to the server's database (opened once per thread).

    Every connection is listed on the app with the thread using it; the app closes them
    all when it stops. A new thread takes over a connection an ended thread left
    (``_connection``) before it opens one.
    """
    settings: ServerSettings = request.app.state.settings
    cached = getattr(_local, "databases", None)
    if cached is None:
        cached = _local.databases = {}
    key = (id(request.app), settings.db)
    db = cached.get(key)
    if db is None or db.closed:
        db = cached[key] = _connection(request.app, settings.db)
    return db


def _connection(app: Any, target: str) -> Database:
    """A connection for the current thread: one an ended thread left, else a new one.

    The worker pool retires threads idle for a while and starts new ones when load
    returns. Taking over the retired threads' connections keeps their number at the
    most threads ever busy at once, with their page caches warm; opening one per new
    thread would leave the old ones (and their caches) open, and memory growing with
    every wave of load.
    """
    me = threading.current_thread()
    opened: list[tuple[threading.Thread, Database]] = app.state.open_databases
    with app.state.open_lock:
        for n, (thread, left) in enumerate(opened):
            if not thread.is_alive() and not left.closed:
                opened[n] = (me, left)
                return left
    db = open_database(target)
    with app.state.open_lock:
        opened.append((me, db))
    return db


DB = Annotated[Database, Depends(database)]
router = APIRouter(prefix="/api")


def found(value: T | None, message: str) -> T:
    """The value, or a 404 with the message when there is none."""
    if value is None:
        raise HTTPException(404, message)
    return value


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        offset = int(value["offset"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise HTTPException(400, "cursor: not a cursor this server gave out") from exc
    if not 0 <= offset <= MAX_OFFSET:
        raise HTTPException(400, "cursor: not a cursor this server gave out")
    return offset


async def quote_filter(
    speaker: str | None = None,
    q: Annotated[str | None, Query(description="Words in what was said (BM25).")] = None,
    role: str | None = None,
    outlet: str | None = None,
    since: Annotated[str | None, Query(description="ISO date, inclusive.")] = None,
    until: Annotated[str | None, Query(description="ISO date, inclusive.")] = None,
    mentions: Annotated[str | None, Query(description="An entity the article names.")] = None,
    type: Literal["direct", "indirect", "mixed"] | None = None,
    min_confidence: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
) -> QuoteFilter:
    """The CLI's filters, as query parameters (async: no I/O, no worker thread)."""
    return QuoteFilter(
        speaker=speaker,
        search=q,
        role=role,
        outlet=outlet,
        since=since,
        until=until,
        entity=mentions,
        type=type,
        min_confidence=min_confidence,
    )


Filter = Annotated[QuoteFilter, Depends(quote_filter)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A row id.")]
"""An id in a path: a 422 when out of range, not an overflow in the database driver."""


def _page(items: list[dict[str, Any]], offset: int, limit: int) -> dict[str, Any]:
    more = len(items) > limit
    return {
        "items": items[:limit],
        "next_cursor": _cursor(offset + limit) if more else None,
    }


async def cached(request: Request, work: Callable[[Database], Any]) -> Response:
    """Answer from the cache when the record has not changed, else run ``work`` in a thread.

    The cache keeps the encoded JSON, so a hit is answered in the event loop without a
    thread, a database round trip or re-encoding.
    """
    cache: ResultCache = request.app.state.cache
    version = cache.fresh_version() or await anyio.to_thread.run_sync(
        lambda: cache.version(lambda: record_version(database(request)))
    )
    key = (request.url.path, tuple(sorted(request.query_params.multi_items())), version)
    body = cache.get(key)
    if body is None:
        answer = await anyio.to_thread.run_sync(lambda: work(database(request)))
        body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        cache.put(key, body)
    return Response(content=body, media_type="application/json")


@router.get("/quotes")
async def api_quotes(
    request: Request, where: Filter, limit: Limit = 50, cursor: str | None = None
) -> Any:
    """Statements matching the filters, each once (at its earliest report), best first."""
    offset = _offset(cursor)

    def work(db: Database) -> Any:
        try:
            rows = find_quotes(db, limit=limit + 1, where=where, offset=offset)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from exc
        return _page([row.to_dict() for row in rows], offset, limit)

    return await cached(request, work)


@router.get("/quotes/{quote_id}")
def api_quote(db: DB, quote_id: RowId) -> Any:
    """A statement's provenance: first sighting, every report, wording variants."""
    history = found(statement_history(db, quote_id), f"no quote {quote_id}")
    return history.to_dict()


@router.get("/clusters/{statement_id}")
def api_cluster(db: DB, statement_id: RowId) -> Any:
    """The same as ``/api/quotes/{id}``, by the statement's id."""
    return api_quote(db, statement_id)


@router.get("/speakers")
def api_speakers(
    db: DB, search: str | None = None, limit: Limit = 50, cursor: str | None = None
) -> Any:
    """People on record, most quoted first, with aliases and roles over time."""
    offset = _offset(cursor)
    rows = list_speakers(db, search, limit=offset + limit + 1)[offset:]
    return _page([row.to_dict() for row in rows], offset, limit)


@router.get("/speakers/{person_id}")
def api_speaker(db: DB, person_id: RowId) -> Any:
    """A person: roles over time, statements per week, top entities and words."""
    detail = found(speaker_detail(db, person_id), f"no speaker {person_id}")
    return detail.to_dict()


@router.get("/articles")
def api_articles(db: DB, where: Filter, limit: Limit = 50, cursor: str | None = None) -> Any:
    """Articles matching words in headline or text, outlet, dates and entity."""
    offset = _offset(cursor)
    try:
        rows = find_articles(db, where, limit=offset + limit + 1)[offset:]
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _page([row.to_dict() for row in rows], offset, limit)


@router.get("/articles/{article_id}")
def api_article(db: DB, article_id: RowId) -> Any:
    """An article's text with every quote's spans and its entities."""
    detail = found(article_detail(db, article_id), f"no article {article_id}")
    return detail.to_dict()


@router.get("/entities")
def api_entities(
    db: DB,
    search: str | None = None,
    label: str | None = None,
    limit: Limit = 50,
) -> Any:
    """Entities by how many articles name them."""
    conditions, params = [], []
    if search:
        conditions.append("instr(lower(canonical), lower(?)) > 0")
        params.append(search)
    if label:
        conditions.append("label = ?")
        params.append(label.upper())
    rows = db.connection.execute(
        "SELECT canonical, label, count(DISTINCT article_id) FROM entities"
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
        + " GROUP BY canonical, label ORDER BY count(DISTINCT article_id) DESC, canonical"
        " LIMIT ?",
        [*params, limit],
    ).fetchall()
    return {"items": [{"canonical": r[0], "label": r[1], "articles": int(r[2])} for r in rows]}


class ArticleIn(BaseModel):
    """An article to extract or store: plain text, or an HTML page."""

    text: str | None = Field(None, description="The article as plain text.")
    html: str | None = Field(None, description="The article as an HTML page.")
    url: str | None = None
    path: str | None = Field(None, description="A name for it in the record.")


def extract_posted(article: ArticleIn, settings: ServerSettings) -> ArticleRecord:
    """Run the extractor on a posted article (422/413 for a bad or oversized one)."""
    from onrecord.ingest.errors import InputError
    from onrecord.ingest.html import html_to_document
    from onrecord.nlp.parse import load_pipeline
    from onrecord.nlp.pipeline import extract_article

    body = article.text if article.text is not None else article.html
    if not body or not body.strip():
        raise HTTPException(422, "give the article as a non-empty 'text' or 'html'")
    if article.text is not None and article.html is not None:
        raise HTTPException(422, "give either 'text' or 'html', not both")
    if any("\x00" in (value or "") for value in (body, article.url, article.path)):
        raise HTTPException(422, "the article contains NUL characters")
    if len(body) > settings.max_extract_chars:
        raise HTTPException(
            413,
            f"article too large: {len(body):,} characters, limit {settings.max_extract_chars:,}",
        )
    path = article.path or article.url or "posted"
    if article.html is not None:
        document = html_to_document(path, article.html, url=article.url)
        if isinstance(document, InputError):
            raise HTTPException(422, document.message)
    else:
        document = RawDocument(path=path, text=body, url=article.url)
    return extract_article(document, load_pipeline())


@router.post("/extract")
def api_extract(request: Request, article: ArticleIn) -> Any:
    """The extract record of a posted article (nothing is stored)."""
    return extract_posted(article, request.app.state.settings).to_dict()


def token_matches(authorization: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries the token, compared in constant time.

    Compared as bytes: ``compare_digest`` refuses ``str`` with non-ASCII characters,
    and a header is read as Latin-1, so its bytes are the bytes the client sent.
    """
    given = (authorization or "").removeprefix("Bearer ").strip()
    return bool(given) and secrets.compare_digest(given.encode("latin-1"), token.encode("utf-8"))


@router.post("/articles", status_code=201)
def api_ingest(
    request: Request,
    db: DB,
    article: ArticleIn,
    authorization: Annotated[str | None, Header()] = None,
) -> Any:
    """Extract and store a posted article; needs ``Authorization: Bearer <write token>``."""
    settings: ServerSettings = request.app.state.settings
    if settings.write_token is None:
        raise HTTPException(403, "writes are disabled: start the server with --write-token")
    if not token_matches(authorization, settings.write_token):
        raise HTTPException(
            401,
            "a valid write token is required (Authorization: Bearer ...)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    record = extract_posted(article, settings)
    result = db.save_article(record)
    request.app.state.cache.wrote()
    return {"status": result.status, "article_id": result.article_id}
