"""End to end in a real browser: Debian's Chromium driven by Playwright over ``onrecord serve``.

The server runs in a thread on 127.0.0.1 over a database ingested from the bundled
samples; screenshots go to ``tests/artifacts/`` (kept by CI as artefacts).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from onrecord.serve.cli import app
from test_security import IMG, SCRIPT, hostile_article

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.slow


def _browser_missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs the playwright package (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return (
            "needs Chromium at /usr/bin/chromium (Debian's chromium package; .ci/run installs it)"
        )
    return None


@contextmanager
def _serving(db: str) -> Iterator[str]:
    """``onrecord serve``'s app over the database, on 127.0.0.1 in a thread; its URL."""
    import uvicorn

    from onrecord.serve.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not web.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(timeout=10)


def _skip_without_browser() -> None:
    missing = _browser_missing()
    if missing:
        if os.environ.get("ONRECORD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required here but: {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _skip_without_browser()
    db = str(tmp_path_factory.mktemp("web") / "news.db")
    result = CliRunner().invoke(app, ["ingest", str(ROOT / "samples"), "--db", db])
    assert result.exit_code == 0, result.output
    with _serving(db) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over one article whose title, speaker, quote and entity are HTML with script."""
    _skip_without_browser()
    from onrecord.store.db import open_database

    db = str(tmp_path_factory.mktemp("hostile") / "news.db")
    with open_database(db) as database:
        database.save_article(hostile_article())
    with _serving(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


def test_search_open_speaker_and_article(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.fill("#q", "ukraine")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=ukraine*")
    hits = page.locator("mark.hit")
    assert hits.count() >= 3 and hits.first.inner_text().lower() == "ukraine"
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.locator("a.speaker", has_text="Mark Rutte").first.click()
    page.wait_for_url("**/speakers/*")
    assert page.locator("h1").inner_text() == "Mark Rutte"
    assert "NATO Secretary General" in page.locator("#roles + ul").inner_text()
    assert page.locator("svg.timeline rect").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "speaker.png"), full_page=True)

    page.locator("ol.quotes a").first.click()
    page.wait_for_url("**/articles/*")
    marks = page.locator("article.annotated mark.quote")
    assert marks.count() >= 10
    titles = {marks.nth(i).get_attribute("title") or "" for i in range(marks.count())}
    assert all(t.startswith("Mark Rutte (") for t in titles)
    assert any("cue “said”" in t for t in titles)
    assert page.locator("article.annotated b.cue").count() >= 10
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=False)
    page.close()


def test_quotes_are_reachable_by_keyboard(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/articles")
    page.locator("ol.quotes a", has_text="Mark Rutte").first.click()
    first = page.locator("article.annotated mark.quote").first
    first.focus()
    focused = page.evaluate(
        "document.activeElement.tagName + ' ' + document.activeElement.className"
    )
    assert focused.startswith("MARK quote")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    page.close()


def test_phone_width_has_no_sideways_scrolling(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})  # type: ignore[attr-defined]
    for path in ("/", "/?q=nurses", "/speakers", "/articles", "/extract"):
        page.goto(server + path)
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 1, path
    page.screenshot(path=str(ARTIFACTS / "phone-search.png"), full_page=True)
    page.close()


def test_extract_page_annotates_a_pasted_article(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/extract")
    page.fill(
        "#text",
        'Ferry fares cut\n\n"We want families back on the boats," said Anna Kowalski, '
        "the authority's director.",
    )
    page.click("main form button[type=submit]")
    page.wait_for_selector("article.annotated mark.quote")
    assert (page.locator("mark.quote").first.get_attribute("title") or "").startswith(
        "Anna Kowalski (direct"
    )
    page.close()


def _csp_violations(page: object) -> list[str]:
    """Console messages about the Content-Security-Policy, collected from now on."""
    seen: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None
    )
    return seen


def test_pages_work_under_their_content_security_policy(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    violations = _csp_violations(page)
    page.goto(server + "/?q=ukraine")
    assert page.locator("mark.hit").count() >= 1
    # the stylesheet applies: the brand is bold, the skip link is off screen
    assert page.evaluate("getComputedStyle(document.querySelector('.brand')).fontWeight") == "700"
    page.locator("a.speaker").first.click()
    page.wait_for_url("**/speakers/*")
    page.locator("ol.quotes a").first.click()
    page.wait_for_url("**/articles/*")
    for path in ("/speakers", "/articles", "/articles?q=nurses"):
        page.goto(server + path)
    page.goto(server + "/extract")
    page.fill("#text", 'Votes\n\n"Yes," said Mayor Jane Doe.')
    page.click("main form button[type=submit]")
    page.wait_for_selector("article.annotated mark.quote")
    page.goto(server + "/docs")  # its CDN is out of reach here; its own script must be allowed
    assert violations == [], violations
    page.close()


def test_stored_html_is_shown_as_text_and_never_runs(hostile_server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def assert_inert(where: str) -> None:
        assert page.evaluate("typeof window.__pwned") == "undefined", where
        assert page.locator("script").count() == 0, where
        assert page.locator("img").count() == 0, where
        assert page.locator("a[href^='javascript']").count() == 0, where

    page.goto(hostile_server + "/?q=zebrafish")
    quote = page.locator("ol.quotes blockquote").first.inner_text()
    assert SCRIPT in quote and IMG in quote
    speaker = page.locator("a.speaker").first
    assert speaker.inner_text() == f"Eve {SCRIPT}{IMG}"
    assert_inert("search")
    page.screenshot(path=str(ARTIFACTS / "hostile-search.png"), full_page=True)

    speaker.click()
    page.wait_for_url("**/speakers/*")
    assert page.locator("h1").inner_text() == f"Eve {SCRIPT}{IMG}"
    assert f"role {IMG}" in page.locator("#roles + ul").inner_text()
    assert_inert("speaker")

    page.locator("ol.quotes a").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("h1").inner_text() == f"Title {SCRIPT}{IMG}"
    assert page.title().startswith(f"Title {SCRIPT}{IMG}")
    marked = page.locator("article.annotated mark.quote").first
    assert SCRIPT in marked.inner_text()
    assert (marked.get_attribute("title") or "").startswith(f"Eve {SCRIPT}{IMG} (direct")
    assert_inert("article")

    for path in ("/speakers", "/articles", "/articles?q=zebrafish"):
        page.goto(hostile_server + path)
        assert SCRIPT in page.locator("main").inner_text(), path
        assert_inert(path)
    assert dialogs == []
    page.close()


def test_screenshots_were_written() -> None:
    if _browser_missing():
        pytest.skip(_browser_missing() or "")
    for name in ("search.png", "speaker.png", "article.png", "phone-search.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000, name
