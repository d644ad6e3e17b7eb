"""The web pages: search, speakers, a speaker, articles, an article, a statement, extract.

Owns the server-rendered pages (Jinja2 templates in ``serve/templates``, one stylesheet,
no script needed): each reads the same query functions as the JSON API and has a JSON
twin (``?format=json``, or the ``/api/`` address it links to). Article text is
highlighted by ``serve.annotate``. The JSON API is ``serve.api``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from onrecord.query.articles import article_detail, find_articles
from onrecord.query.provenance import statement_history
from onrecord.query.quotes import QuoteFilter, QuoteRow, find_quotes
from onrecord.query.speakers import list_speakers, speaker_detail
from onrecord.serve.annotate import Highlight, annotate, highlight_snippet
from onrecord.serve.api import (
    DB,
    MAX_OFFSET,
    ArticleIn,
    Filter,
    RowId,
    extract_posted,
    found,
)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.globals["highlight"] = highlight_snippet
PAGE = 50
router = APIRouter()


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def _wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json"


def speaker_url(row: QuoteRow) -> str:
    """The speaker page of a quote's person, or a search by the name as written."""
    if row.person_id is not None:
        return f"/speakers/{row.person_id}"
    return "/?" + urlencode({"speaker": row.speaker or ""})


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: DB,
    where: Filter,
    page: Annotated[int, Query(ge=1, le=MAX_OFFSET // PAGE)] = 1,
) -> Any:
    """Search box and the statements matching it (latest first without words)."""
    error = None
    try:
        rows = find_quotes(db, limit=PAGE + 1, where=where, offset=(page - 1) * PAGE)
    except ValueError as exc:
        rows, error = [], str(exc)
    if _wants_json(request):
        if error:
            return JSONResponse({"detail": error}, status_code=400)
        return JSONResponse([row.to_dict() for row in rows[:PAGE]])
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    more = len(rows) > PAGE
    return _render(
        request,
        "search.html",
        {
            "q": where.search,
            "where": where,
            "rows": rows[:PAGE],
            "error": error,
            "speaker_url": speaker_url,
            "next_url": "/?" + urlencode({**params, "page": page + 1}) if more else None,
            "json_url": "/api/quotes?" + urlencode(_api_params(request)),
        },
        400 if error else 200,
    )


def _api_params(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in ("page", "format") and v}


@router.get("/speakers", response_class=HTMLResponse)
def speakers_page(request: Request, db: DB, search: str | None = None) -> Any:
    """Everyone on record, most quoted first."""
    rows = list_speakers(db, search, limit=200)
    if _wants_json(request):
        return JSONResponse([row.to_dict() for row in rows])
    return _render(
        request,
        "speakers.html",
        {
            "rows": rows,
            "search": search,
            "json_url": "/api/speakers?" + urlencode(_api_params(request)),
        },
    )


@router.get("/speakers/{person_id}", response_class=HTMLResponse)
def speaker_page(request: Request, db: DB, person_id: RowId) -> Any:
    """A person: roles over time, a weekly timeline, top words and entities, their quotes."""
    detail = found(speaker_detail(db, person_id), f"no speaker {person_id}")
    if _wants_json(request):
        return JSONResponse(detail.to_dict())
    rows = find_quotes(db, limit=200, where=QuoteFilter(person_id=person_id))
    return _render(
        request,
        "speaker.html",
        {
            "d": detail,
            "rows": rows,
            "timeline": _timeline_svg(detail.timeline),
            "json_url": f"/api/speakers/{person_id}",
        },
    )


def _timeline_svg(weeks: list[tuple[str, int]]) -> Markup:
    if not weeks:
        return Markup('<p class="meta">No dated statements.</p>')
    top = max(n for _, n in weeks)
    width = max(len(weeks) * 14, 140)
    bars = []
    for i, (week, n) in enumerate(weeks):
        height = max(2, round(80 * n / top))
        bars.append(
            f'<rect x="{i * 14}" y="{90 - height}" width="10" height="{height}">'
            f"<title>week of {escape(week)}: {n} statement{'s' if n != 1 else ''}</title></rect>"
        )
    label = f"{sum(n for _, n in weeks)} statements over {len(weeks)} weeks, {weeks[0][0]} to {weeks[-1][0]}"
    return Markup(
        f'<svg class="timeline" viewBox="0 0 {width} 100" role="img" aria-label="{escape(label)}">'
        + "".join(bars)
        + "</svg>"
    )


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, db: DB, where: Filter) -> Any:
    """Articles matching words in headline or text."""
    try:
        rows = find_articles(db, where, limit=100)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    if _wants_json(request):
        return JSONResponse([row.to_dict() for row in rows])
    return _render(
        request,
        "articles.html",
        {
            "rows": rows,
            "q": where.search,
            "json_url": "/api/articles?" + urlencode(_api_params(request)),
        },
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, db: DB, article_id: RowId) -> Any:
    """The article's text with every statement highlighted by speaker."""
    detail = found(article_detail(db, article_id), f"no article {article_id}")
    if _wants_json(request):
        return JSONResponse(detail.to_dict())
    highlights = [
        Highlight(
            q.quote_id, q.speaker, q.cue_text, q.confidence, q.type, q.content, q.cue, q.source
        )
        for q in detail.quotes
    ]
    return _render(
        request,
        "article.html",
        {
            "title": detail.article.title or detail.article.path,
            "site": detail.article.site,
            "published": detail.article.published,
            "url": _link(detail.article.url),
            "body": annotate(detail.text, highlights),
            "quotes": detail.quotes,
            "json_url": f"/api/articles/{article_id}",
        },
    )


def _link(url: str | None) -> str | None:
    """A stored URL fit to link to: http(s) only, never ``javascript:`` or ``data:``."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
def quote_page(request: Request, db: DB, quote_id: RowId) -> Any:
    """Every outlet that carried a statement, and how its wording varied."""
    history = found(statement_history(db, quote_id), f"no quote {quote_id}")
    if _wants_json(request):
        return JSONResponse(history.to_dict())
    return _render(
        request,
        "quote.html",
        {
            "h": history,
            "json_url": f"/api/quotes/{quote_id}",
        },
    )


@router.get("/extract", response_class=HTMLResponse)
def extract_form(request: Request) -> Any:
    """Paste an article, see its statements."""
    return _render(
        request, "extract.html", {"json_url": "/docs#/default/api_extract_api_extract_post"}
    )


@router.post("/extract", response_class=HTMLResponse)
def extract_page(request: Request, text: Annotated[str, Form()]) -> Any:
    """The pasted article with its statements highlighted (nothing is stored)."""
    try:
        record = extract_posted(
            ArticleIn(text=text, html=None, url=None, path="pasted"), request.app.state.settings
        )
    except HTTPException as exc:
        return _render(
            request, "extract.html", {"text": text, "error": exc.detail}, exc.status_code
        )
    highlights = [
        Highlight(
            None,
            q.speaker,
            " ".join(record.text[s:e] for s, e in q.cue),
            q.confidence,
            q.type,
            q.content,
            q.cue,
            q.source,
        )
        for q in record.quotes
    ]
    quotes = [
        {
            "speaker": q.speaker,
            "speaker_role": q.speaker_role,
            "type": q.type,
            "confidence": q.confidence,
            "content_text": " … ".join(record.text[s:e] for s, e in q.content),
        }
        for q in record.quotes
    ]
    return _render(
        request,
        "extract.html",
        {
            "text": text,
            "title": record.title,
            "body": annotate(record.text, highlights),
            "quotes": quotes,
        },
    )
