"""What every request passes through first: size limits, security headers, a plain 500.

Owns ``RequestGuard``, a pure ASGI middleware around the whole app. It sees a request
before FastAPI reads any of it and each response as it starts, so it can: refuse URLs
over ``max_url`` bytes (414) or with a NUL character in them (400); refuse a body over
``max_body`` bytes (413) — at once when Content-Length declares it, and for a chunked
body as soon as the bytes read pass the limit, so the rest is never read; add the
security headers (``SECURITY_HEADERS``) to every response that has not set its own; and
answer an unhandled exception with a generic 500 (JSON under ``/api/``, else a short
page) with no traceback, which goes to the ``onrecord.serve`` log instead. CORS, off
unless origins are listed, is Starlette's middleware, added in ``serve.app``; what the
endpoints answer is ``serve.api`` and ``serve.web``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Iterable

from markupsafe import escape
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("onrecord.serve")

MAX_URL_BYTES = 8192
"""The longest path plus query string accepted (browsers and proxies allow about this)."""

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of the pages and the API: no script at all, styles from
the one stylesheet, forms posting only here, never framed."""

SECURITY_HEADERS = {
    "content-security-policy": PAGE_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
"""Headers every response gets, unless it set its own (``docs_policy`` for ``/docs``)."""


def body_limit(max_extract_chars: int) -> int:
    """The body size that still fits an article of ``max_extract_chars`` characters.

    The worst encoding is 12 bytes a character (a 4-byte UTF-8 character
    percent-encoded in a form, or an escaped surrogate pair in JSON); 64 KiB more for
    the other fields.
    """
    return 12 * max_extract_chars + 65_536


def docs_policy(html: bytes) -> str:
    """The Content-Security-Policy of the OpenAPI page: its CDN, and its own inline script.

    Args:
        html: The page; the hash of each of its inline scripts is allowed, nothing else
            inline.

    Returns:
        The policy.
    """
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in re.findall(rb"<script>(.*?)</script>", html, re.S)
    ]
    return (
        f"default-src 'none'; script-src https://cdn.jsdelivr.net {' '.join(hashes)}; "
        "style-src https://cdn.jsdelivr.net 'unsafe-inline'; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


class BodyTooLargeError(HTTPException):
    """A request body passed the server's limit (raised while the body is being read)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {limit:,} bytes")


class RequestGuard:
    """Size limits, security headers and a generic 500 around an ASGI app.

    Args:
        app: The app to guard.
        max_body: The largest request body accepted, in bytes.
        max_url: The longest path plus query string accepted, in bytes.
    """

    def __init__(self, app: ASGIApp, max_body: int, max_url: int = MAX_URL_BYTES) -> None:
        self.app = app
        self.max_body = max_body
        self.max_url = max_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request (other ASGI events pass through untouched)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            await _answer(scope, send_with_headers, *refusal, close=True)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLargeError(self.max_body)
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except BodyTooLargeError as exc:
            if started:
                raise
            await _answer(scope, send_with_headers, exc.status_code, exc.detail, close=True)
        except Exception:
            logger.exception("unhandled error answering %s %s", scope["method"], scope["path"])
            if started:
                raise
            await _answer(scope, send_with_headers, 500, "internal server error")

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        """The status and message to refuse a request with before reading it, if any."""
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        if len(raw_path) + len(query) > self.max_url:
            return 414, f"URL too long: the limit is {self.max_url:,} bytes"
        if any(b"\x00" in part or b"%00" in part for part in (raw_path, query)):
            return 400, "the URL contains a NUL character"
        declared = _header(scope["headers"], b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return 400, "Content-Length is not a number"
            if int(declared) > self.max_body:
                return 413, f"request body too large: the limit is {self.max_body:,} bytes"
        return None


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value.strip()
    return None


async def _answer(scope: Scope, send: Send, status: int, detail: str, close: bool = False) -> None:
    """A short error answer: JSON for the API and ``?format=json``, else a page."""
    wants_json = scope["path"].startswith("/api/") or b"format=json" in scope.get(
        "query_string", b""
    )
    if wants_json:
        body = json.dumps({"detail": detail}).encode()
        kind = b"application/json"
    else:
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{status} · onrecord</title>"
            '<link rel="stylesheet" href="/static/site.css"></head>'
            f'<body><main id="main"><h1>{status}: {escape(detail)}</h1>'
            '<p><a href="/">Search the record</a></p></main></body></html>'
        ).encode()
        kind = b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    if close:
        # The body was not read: the connection cannot carry another request.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
