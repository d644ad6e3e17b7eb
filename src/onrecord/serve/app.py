"""Assembling the web application: the JSON API, the pages and their static files.

Owns ``create_app`` (FastAPI with OpenAPI at ``/docs``; the database is migrated once
at start, then each worker thread keeps its own connection), the error pages, and the
order of the middleware: ``serve.guards.RequestGuard`` outermost (size limits, security
headers, a plain 500), then CORS when origins are listed (none by default: no
cross-origin reads). What the endpoints do is ``serve.api`` and ``serve.web``;
``onrecord serve`` runs it with uvicorn.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from onrecord import __version__
from onrecord.serve import api, web
from onrecord.serve.cache import ResultCache
from onrecord.serve.guards import RequestGuard, body_limit, docs_policy
from onrecord.store.db import open_database

WORKER_THREADS = 8
"""Threads (and database connections) answering requests; more only add memory, as the
queries hold the interpreter lock for most of their time."""


def create_app(
    db: str,
    write_token: str | None = None,
    max_extract_chars: int = api.MAX_EXTRACT_CHARS,
    *,
    cors_origins: Sequence[str] = (),
    max_body_bytes: int | None = None,
    worker_threads: int = WORKER_THREADS,
) -> FastAPI:
    """The onrecord web application over one database.

    Args:
        db: An SQLite file or a PostgreSQL URL (created and migrated if needed).
        write_token: Enables ``POST /api/articles`` for requests bearing it.
        max_extract_chars: Size limit of posted articles.
        cors_origins: Origins (``https://example.org``) whose pages may read the API
            (GET only, no credentials); none by default.
        max_body_bytes: The largest request body; by default what an article of
            ``max_extract_chars`` characters may take (``guards.body_limit``).
        worker_threads: Threads answering requests that read the database, each with
            its own connection (and page cache): the bound on the server's memory.

    Returns:
        The ASGI app.
    """
    open_database(db).close()  # create and migrate once, before serving

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = worker_threads
        yield
        with app.state.open_lock:
            for _, database in app.state.open_databases:
                database.close()
            app.state.open_databases.clear()

    app = FastAPI(
        title="onrecord",
        version=__version__,
        description="Who said what, about whom, where and when: the record as an API.",
        lifespan=lifespan,
        docs_url=None,  # served below, with a Content-Security-Policy that fits it
        redoc_url=None,  # it needs fonts from Google and blob: workers: not worth allowing
    )
    app.state.settings = api.ServerSettings(db, write_token or None, max_extract_chars)
    app.state.open_databases = []
    app.state.cache = ResultCache()
    app.state.open_lock = threading.Lock()
    app.include_router(api.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), "static")
    docs = get_swagger_ui_html(openapi_url=app.openapi_url or "", title="onrecord API").body
    docs_headers = {"Content-Security-Policy": docs_policy(bytes(docs))}

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> Response:
        return HTMLResponse(docs, headers=docs_headers)

    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "HEAD"],
            allow_credentials=False,
            max_age=600,
        )
    # Added last, so outermost: it refuses oversized requests before anything reads them.
    app.add_middleware(
        RequestGuard,
        max_body=max_body_bytes if max_body_bytes is not None else body_limit(max_extract_chars),
    )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('query', 'body'))}: {e.get('msg')}"
            for e in exc.errors()
        )
        return JSONResponse({"detail": problems or "invalid request"}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.query_params.get("format") == "json":
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return web.TEMPLATES.TemplateResponse(
            request,
            "base.html",
            {"error_page": f"{exc.status_code}: {exc.detail}"},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    return app
