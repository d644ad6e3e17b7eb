"""The server's defences, against the real app over a real database (both engines).

Write token (constant-time, 403/401/201), CORS (off unless origins are listed), size
limits (413 before the body is read, 414), hostile query strings in every filter (never
a 5xx, no rows gained, no table touched), escaping of stored HTML, security headers on
every response, and a generic 500 without a traceback. The browser half of the escaping
test (does a stored script run?) is in ``test_browser.py``.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import ROOT
from onrecord.models import ArticleRecord, Entity, Quote
from onrecord.serve import api
from onrecord.serve.app import create_app
from onrecord.serve.cli import app as cli
from onrecord.store.db import Database, open_database
from test_record_api import news_db  # noqa: F401 - the three-article record, on each engine

TOKEN = "s3cret-token"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
)


@pytest.fixture
def client(news_db: str) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(news_db, write_token=TOKEN, max_extract_chars=20_000)) as c:
        yield c


# -- the write token -------------------------------------------------------------------


def test_writes_need_the_token(client: TestClient, news_db: str) -> None:  # noqa: F811
    article = {"text": 'Port news\n\n"The ferry will run daily," said Captain Ola Berg.'}
    missing = client.post("/api/articles", json=article)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    for header in ("Bearer nope", "Bearer", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN[:-1]):
        assert (
            client.post(
                "/api/articles", json=article, headers={"Authorization": header}
            ).status_code
            == 401
        ), header
    # compare_digest raises on str with non-ASCII characters: such a header is a 401, not a 500
    non_ascii = {"Authorization": "Bearer sécret".encode()}
    assert client.post("/api/articles", json=article, headers=non_ascii).status_code == 401
    right = client.post("/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 201 and right.json()["status"] == "stored"
    with TestClient(create_app(news_db)) as read_only, TestClient(create_app(news_db, "")) as empty:
        for server in (read_only, empty):
            refused = server.post(
                "/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}
            )
            assert refused.status_code == 403 and "disabled" in refused.json()["detail"]


def test_token_comparison_is_constant_time_and_byte_exact() -> None:
    assert api.token_matches("Bearer s3cret", "s3cret")
    assert api.token_matches("Bearer  s3cret ", "s3cret")
    # a client sends the token's UTF-8 bytes; Starlette reads header bytes as Latin-1
    assert api.token_matches("Bearer " + "sécret".encode().decode("latin-1"), "sécret")
    assert not api.token_matches("Bearer sécret", "sécret")
    assert not api.token_matches(None, "s3cret") and not api.token_matches("Bearer ", "s3cret")
    # No == / != / in on anything named like a token anywhere in the server code.
    for path in sorted((ROOT / "src" / "onrecord" / "serve").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and not all(
                isinstance(op, ast.Is | ast.IsNot) for op in node.ops
            ):
                names = {
                    n.id if isinstance(n, ast.Name) else n.attr
                    for side in (node.left, *node.comparators)
                    for n in ast.walk(side)
                    if isinstance(n, ast.Name | ast.Attribute)
                }
                assert not any("token" in name.lower() for name in names), (
                    f"{path.name}:{node.lineno} compares a token with {ast.unparse(node)!r}"
                )
    assert "compare_digest" in (ROOT / "src" / "onrecord" / "serve" / "api.py").read_text()


# -- CORS ------------------------------------------------------------------------------


def test_no_cross_origin_reads_by_default(client: TestClient) -> None:
    evil = {"Origin": "https://evil.example"}
    for path in ("/api/quotes", "/api/speakers", "/", "/api/entities"):
        response = client.get(path, headers=evil)
        assert response.status_code == 200
        assert not any(h.startswith("access-control-") for h in response.headers), path
    for method in ("GET", "POST"):
        preflight = client.options(
            "/api/articles",
            headers={
                **evil,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert not 200 <= preflight.status_code < 300
        assert "access-control-allow-origin" not in preflight.headers


def test_cors_origins_when_listed(news_db: str) -> None:  # noqa: F811
    allowed = "https://news.example"
    with TestClient(create_app(news_db, TOKEN, cors_origins=[allowed])) as c:
        ok = c.get("/api/quotes", headers={"Origin": allowed})
        assert ok.headers["access-control-allow-origin"] == allowed
        assert "access-control-allow-credentials" not in ok.headers
        other = c.get("/api/quotes", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        read = c.options(
            "/api/quotes", headers={"Origin": allowed, "Access-Control-Request-Method": "GET"}
        )
        assert read.status_code == 200 and read.headers["access-control-allow-origin"] == allowed
        assert all(h in read.headers for h in SECURITY_HEADERS)
        write = c.options(
            "/api/articles",
            headers={
                "Origin": allowed,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert write.status_code == 400  # writes stay same-origin (or non-browser) only
        sneaky = c.options(
            "/api/quotes",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert sneaky.status_code == 400 and "access-control-allow-origin" not in sneaky.headers


@pytest.mark.parametrize(
    "origin", ["*", "https://news.example/path", "news.example", "ftp://news.example"]
)
def test_serve_refuses_what_is_not_an_origin(tmp_path: Path, origin: str) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(tmp_path / "x.db"), "--cors-origin", origin]
    )
    assert result.exit_code == 2 and "--cors-origin" in result.output


# -- size limits -----------------------------------------------------------------------


def test_request_size_limits(news_db: str) -> None:  # noqa: F811
    with TestClient(create_app(news_db, TOKEN, max_body_bytes=4096)) as c:
        big = b'{"text": "' + b"x" * 5000 + b'"}'
        auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        for path in ("/api/extract", "/api/articles", "/extract", "/api/quotes", "/"):
            method = "POST" if "extract" in path or path == "/api/articles" else "GET"
            response = c.request(method, path, content=big, headers=auth)
            assert response.status_code == 413, path
            assert "too large" in response.text and response.headers["connection"] == "close"
            assert all(h in response.headers for h in SECURITY_HEADERS)
        assert c.get("/api/quotes", params={"q": "x" * 9000}).status_code == 414
        long_page = c.get("/", params={"q": "x" * 9000})
        assert long_page.status_code == 414 and "text/html" in long_page.headers["content-type"]
        assert c.get("/api/quotes", params={"q": "x" * 2000}).status_code == 200
        bad_length = c.post("/api/extract", content=b"{}", headers={"Content-Length": "abc"})
        assert bad_length.status_code == 400
        fits = c.post("/api/extract", json={"text": "   "})
        assert fits.status_code == 422  # read and answered, not refused for its size


def _serve(app: object) -> tuple[object, threading.Thread, int]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    return server, thread, port


def _response_to(port: int, head: bytes, body_chunks: list[bytes]) -> bytes:
    """Send a request whose body never ends; return what the server answered within 10 s."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        for chunk in body_chunks:
            conn.sendall(chunk)
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = conn.recv(65536)
            if not data:
                break
            answer += data
        return answer


def test_oversized_bodies_are_refused_before_they_are_read(tmp_path: Path) -> None:
    server, thread, port = _serve(create_app(str(tmp_path / "x.db"), max_body_bytes=10_000))
    try:
        # Declared too large, and nothing sent after the headers: answered at once.
        declared = _response_to(
            port,
            b"POST /api/extract HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000000000\r\n\r\n",
            [],
        )
        assert declared.startswith(b"HTTP/1.1 413"), declared[:100]
        # Chunked, no Content-Length: past the limit the server answers though the body
        # has not ended (a server reading it all would wait forever).
        chunk = b"%x\r\n%s\r\n" % (4096, b"x" * 4096)
        chunked = _response_to(
            port,
            b"POST /api/extract HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n",
            [chunk] * 4,
        )
        assert chunked.startswith(b"HTTP/1.1 413"), chunked[:100]
        assert b"content-security-policy" in chunked.lower()
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)


# -- hostile query strings -------------------------------------------------------------

TAUTOLOGIES = ["' OR 1=1 --", "' OR '1'='1", '" OR ""="', "1) OR (1=1", "x' OR 'x'='x"]
HOSTILE = [
    *TAUTOLOGIES,
    '"; DROP TABLE quotes; --',
    "'; DELETE FROM articles; --",
    "' UNION SELECT name, sql FROM sqlite_master --",
    "%",
    "_",
    "%%",
    "NEAR(a b)",
    "a NEAR/2 b",
    "*",
    "w*",
    '"unbalanced',
    "col:term",
    "content_text:ukraine",
    "^ukraine",
    "-ukraine",
    "ukraine AND OR NOT",
    "(",
    ")",
    "a\\b\\",
    "\\",
    "x\x00y",
    "\x00",
    "\x1b[31m",
    "ünïcödé 中文 🙂 \u202e",
    "x" * 3000,
    "ü" * 1000,
    "?",
    "$1",
    ":name",
    "{}",
    "99999999999999999999",
    "-1",
    "1e308",
    "NaN",
    "-inf",
    base64.urlsafe_b64encode(b'{"offset": 100000000000000000000000}').decode(),
    base64.urlsafe_b64encode(b'{"offset": "1 OR 1=1"}').decode(),
]
FILTERS = ["speaker", "q", "role", "outlet", "since", "until", "mentions", "type"]
FILTERS += ["min_confidence", "limit", "cursor"]
ENDPOINTS = {
    "/api/quotes": FILTERS,
    "/api/articles": FILTERS,
    "/api/speakers": ["search", "limit", "cursor"],
    "/api/entities": ["search", "label", "limit"],
    "/": [f for f in FILTERS if f not in ("limit", "cursor")] + ["page", "format"],
    "/speakers": ["search", "format"],
    "/articles": [f for f in FILTERS if f not in ("limit", "cursor")] + ["format"],
}
TEXT_FILTERS = {"speaker", "q", "role", "outlet", "mentions", "search", "label"}
IGNORED = {"/api/articles": {"speaker", "role"}, "/articles": {"speaker", "role"}}
"""Filters an endpoint takes but does not apply (articles have no one speaker)."""


def _ids(response_json: object) -> set[str]:
    items = response_json["items"] if isinstance(response_json, dict) else response_json  # type: ignore[index]
    keys = ("quote_id", "article_id", "person_id", "canonical")
    return {str(next(item[k] for k in keys if k in item)) for item in items}  # type: ignore[union-attr]


def test_hostile_filters_never_break_the_server(news_db: str) -> None:  # noqa: F811
    with open_database(news_db) as db:
        before = db.counts()
    with TestClient(create_app(news_db), raise_server_exceptions=False) as c:
        everything = {
            path: _ids(c.get(path, params={"format": "json", "limit": 500}).json())
            for path in ENDPOINTS
        }
        failures = []
        for path, fields in ENDPOINTS.items():
            for field in fields:
                for value in HOSTILE:
                    response = c.get(path, params={field: value})
                    if response.status_code >= 500:
                        failures.append(f"{path}?{field}={value[:30]!r}: {response.status_code}")
                        continue
                    assert response.status_code < 500
                    assert "Traceback" not in response.text
                    if response.status_code != 200 or field in ("format", "limit"):
                        continue
                    if path.startswith("/api/"):
                        found = _ids(response.json())
                    else:
                        json_twin = c.get(path, params={field: value, "format": "json"})
                        assert json_twin.status_code == 200, (path, field, value)
                        found = _ids(json_twin.json())
                    assert found <= everything[path], (path, field, value)
                    if value in TAUTOLOGIES and field in TEXT_FILTERS - IGNORED.get(path, set()):
                        assert not found, (path, field, value)
        assert not failures, "\n".join(failures)
        for path in ("/api/quotes/", "/api/speakers/", "/api/articles/", "/quotes/", "/articles/"):
            for value in ("1 OR 1=1", "1;DROP TABLE quotes", "-1", "99999999999999999999999"):
                assert 400 <= c.get(path + value).status_code < 500, path + value
    with open_database(news_db) as db:
        assert db.counts() == before


def test_nul_in_a_posted_article_is_a_422(client: TestClient) -> None:
    for article in (
        {"text": "Headline\n\nA\x00B said Ann."},
        {"text": "Headline\n\nAB said Ann.", "url": "https://x.example/\x00"},
        {"text": "Headline\n\nAB said Ann.", "path": "a\x00.txt"},
    ):
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for path in ("/api/extract", "/api/articles"):
            response = client.post(path, json=article, headers=auth)
            assert response.status_code == 422 and "NUL" in response.json()["detail"]
    form = client.post("/extract", data={"text": "Headline\n\nA\x00B said Ann."})
    assert form.status_code == 422 and "NUL" in form.text


# -- stored HTML is shown as text ------------------------------------------------------


def hostile_article() -> ArticleRecord:
    """An article whose every stored field is HTML meant to run script."""
    said = f"zebrafish {SCRIPT} {IMG} must go"
    text = f"Zebrafish ruling\n\n{said}, said Eve {SCRIPT}.\n"
    start = text.index(said)
    cue = text.index("said Eve")
    speaker = f"Eve {SCRIPT}{IMG}"
    return ArticleRecord(
        path=f"hostile-{IMG}.txt",
        text=text,
        title=f"Title {SCRIPT}{IMG}",
        site=f"Site {IMG}",
        url="javascript:window.__pwned=3",
        published="2025-05-05",
        quotes=[
            Quote(
                content=[(start, start + len(said))],
                cue=[(cue, cue + 4)],
                speaker=speaker,
                speaker_role=f"role {IMG}",
                type="direct",
                confidence=0.9,
            )
        ],
        entities=[
            Entity(speaker, "PERSON", speaker, [], [f"role {IMG}"]),
            Entity(f"Org {SCRIPT}", "ORG", f"Org {SCRIPT}", [], []),
        ],
    )


def test_stored_html_is_escaped_in_every_page(news_db: str) -> None:  # noqa: F811
    with open_database(news_db) as db:
        article_id = db.save_article(hostile_article()).article_id
    with TestClient(create_app(news_db)) as c:
        (person,) = c.get("/api/speakers", params={"search": "eve"}).json()["items"]
        quote_id = c.get("/api/quotes", params={"q": "zebrafish"}).json()["items"][0]["quote_id"]
        for path in (
            "/?q=zebrafish",
            "/",
            "/?speaker=eve",
            f"/speakers/{person['person_id']}",
            "/speakers",
            "/articles",
            "/articles?q=zebrafish",
            f"/articles/{article_id}",
            f"/quotes/{quote_id}",
        ):
            page = c.get(path)
            assert page.status_code == 200, path
            assert "<script" not in page.text and "<img" not in page.text, path
            assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page.text, path
            assert "javascript:" not in page.text.replace("window.__pwned", ""), path
        form = c.post("/extract", data={"text": f"Head\n\n{SCRIPT} said Mayor Jane Doe."})
        assert "<script" not in form.text and "&lt;script&gt;" in form.text


# -- headers and errors ----------------------------------------------------------------


def test_security_headers_on_every_response(news_db: str) -> None:  # noqa: F811
    with TestClient(create_app(news_db, TOKEN, max_body_bytes=1000)) as c:
        responses = [
            c.get(path)
            for path in (
                "/",
                "/speakers",
                "/articles",
                "/extract",
                "/api/quotes",
                "/api/speakers/999999",
                "/articles/999999",
                "/static/site.css",
                "/openapi.json",
                "/no-such-page",
                "/?" + "q=x&" * 3000,
            )
        ]
        responses.append(c.post("/api/extract", content=b"x" * 2000))
        responses.append(c.post("/api/articles", json={"text": "x"}))
        responses.append(c.delete("/api/quotes"))
        for response in responses:
            headers = response.headers
            assert all(h in headers for h in SECURITY_HEADERS), response.url
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "no-referrer"
            policy = headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
            assert "unsafe-inline" not in policy and "script-src" not in policy
        docs = c.get("/docs")
        policy = docs.headers["content-security-policy"]
        (script,) = re.findall(rb"<script>(.*?)</script>", docs.content, re.S)
        digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
        assert f"'sha256-{digest}'" in policy and "script-src https://cdn.jsdelivr.net" in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert c.get("/redoc").status_code == 404


def test_unhandled_errors_are_a_plain_500_and_logged(
    news_db: str,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(news_db)

    def broken() -> Database:
        raise RuntimeError("secret detail at /srv/onrecord/db.py line 42")

    closed = open_database(news_db)
    closed.close()
    with TestClient(app, raise_server_exceptions=False) as c:
        for override in (broken, lambda: closed):
            app.dependency_overrides[api.database] = override
            caplog.clear()
            with caplog.at_level(logging.ERROR, logger="onrecord.serve"):
                answer = c.get("/api/speakers")
                page = c.get("/speakers")
            assert answer.status_code == 500 and answer.json() == {
                "detail": "internal server error"
            }
            assert page.status_code == 500 and "text/html" in page.headers["content-type"]
            assert "500: internal server error" in page.text
            for response in (answer, page):
                assert "Traceback" not in response.text and "secret" not in response.text
                assert ".py" not in response.text
                assert all(h in response.headers for h in SECURITY_HEADERS)
            logged = [r for r in caplog.records if r.name == "onrecord.serve"]
            assert len(logged) == 2 and all(r.exc_info for r in logged)
            assert "GET /api/speakers" in logged[0].getMessage()
        app.dependency_overrides.clear()
        assert c.get("/api/speakers").status_code == 200  # and the server goes on
