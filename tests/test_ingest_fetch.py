"""Fetching URL lists: polite, concurrent, in input order, every failure reported by URL.

Everything is served by a local server on 127.0.0.1; no test touches the network.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from local_site import HTML, Reply, Site
from onrecord.ingest.fetch import (
    DEFAULT_USER_AGENT,
    FetchedPage,
    FetchError,
    FetchSettings,
    fetch_urls,
    read_url_list,
)

FAST = FetchSettings(per_host_interval=0.0, timeout=5.0, retries=2, backoff=0.01)


def _fetch(urls: list[str | FetchError], settings: FetchSettings = FAST) -> list[object]:
    return list(fetch_urls(urls, settings))


def _page(result: object) -> FetchedPage:
    assert isinstance(result, FetchedPage), result
    return result


def _error(result: object) -> FetchError:
    assert isinstance(result, FetchError), result
    return result


def test_html_page_with_content_type_and_charset(site: Site) -> None:
    site.routes["/article"] = Reply(headers={"Content-Type": 'Text/HTML; Charset="ISO-8859-1"'})
    [result] = _fetch([site.url("/article")])
    page = _page(result)
    assert page.url == page.final_url == site.url("/article")
    assert (page.status, page.content_type, page.charset, page.body) == (
        200,
        "text/html",
        "ISO-8859-1",
        HTML,
    )
    fetched_at = datetime.fromisoformat(page.fetched_at)
    assert fetched_at.utcoffset() == UTC.utcoffset(None)
    assert abs((datetime.now(UTC) - fetched_at).total_seconds()) < 60


def test_missing_content_type_is_empty(site: Site) -> None:
    site.routes["/bare"] = Reply(headers={})
    page = _page(_fetch([site.url("/bare")])[0])
    assert (page.content_type, page.charset) == ("", None)


def test_404_is_reported_and_the_rest_is_fetched(site: Site) -> None:
    site.routes["/a"] = Reply()
    site.routes["/b"] = Reply()
    results = _fetch([site.url("/a"), site.url("/gone"), site.url("/b")])
    error = _error(results[1])
    assert (error.code, error.status) == ("http_error", 404)
    assert error.message == f"{site.url('/gone')}: HTTP 404 Not Found"
    assert _page(results[0]).url == site.url("/a") and _page(results[2]).url == site.url("/b")
    assert site.paths().count("/gone") == 1  # a 4xx is not retried


def test_500_twice_then_200_succeeds_after_retries(site: Site) -> None:
    site.routes["/flaky"] = [Reply(500), Reply(500), Reply()]
    page = _page(_fetch([site.url("/flaky")])[0])
    assert page.body == HTML
    assert site.paths().count("/flaky") == 3


def test_server_error_gives_up_after_the_retries(site: Site) -> None:
    site.routes["/down"] = Reply(503, b"down")
    error = _error(_fetch([site.url("/down")], replace(FAST, retries=1))[0])
    assert (error.code, error.status) == ("http_error", 503)
    assert "HTTP 503" in error.message and "after 2 tries" in error.message
    assert site.paths().count("/down") == 2


def test_429_honours_retry_after_instead_of_backoff(site: Site) -> None:
    site.routes["/busy"] = [Reply(429, b"slow down", headers={"Retry-After": "0"}), Reply()]
    start = time.monotonic()
    page = _page(_fetch([site.url("/busy")], replace(FAST, backoff=30.0))[0])
    assert time.monotonic() - start < 5  # the 30 s back-off was not used
    assert page.status == 200 and site.paths().count("/busy") == 2


def test_slow_server_times_out(site: Site) -> None:
    site.routes["/slow"] = Reply(delay=2.0)
    start = time.monotonic()
    error = _error(_fetch([site.url("/slow")], replace(FAST, timeout=0.3, retries=1))[0])
    assert error.code == "timeout" and site.url("/slow") in error.message
    assert time.monotonic() - start < 1.8
    assert site.paths().count("/slow") == 2  # a timeout is retried


def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"  # nothing listens there any more
    error = _error(_fetch([url], replace(FAST, retries=1))[0])
    assert error.code == "connection_error" and error.message.startswith(url)
    assert error.status is None


@pytest.mark.parametrize("send_length", [True, False], ids=["content-length", "streamed"])
def test_body_over_the_limit_is_too_large(site: Site, send_length: bool) -> None:
    site.routes["/big"] = Reply(body=b"x" * 50_000, send_length=send_length)
    site.routes["/small"] = Reply(body=b"y" * 500)
    results = _fetch([site.url("/big"), site.url("/small")], replace(FAST, max_bytes=1000))
    assert _error(results[0]).code == "too_large"
    assert _page(results[1]).body == b"y" * 500
    assert site.paths().count("/big") == 1  # not retried


def test_robots_disallowed_url_is_never_requested(site: Site) -> None:
    site.routes["/robots.txt"] = Reply(
        body=b"User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"}
    )
    site.routes["/public"] = Reply()
    results = _fetch([site.url("/private/page"), site.url("/public"), site.url("/private")])
    assert [getattr(r, "code", "page") for r in results] == [
        "robots_disallowed",
        "page",
        "robots_disallowed",
    ]
    assert site.url("/private/page") in _error(results[0]).message
    assert site.paths() == ["/robots.txt", "/public"]  # robots.txt read once per host


def test_robots_rules_for_our_agent_apply(site: Site) -> None:
    site.routes["/robots.txt"] = Reply(body=b"User-agent: onrecord\nDisallow: /\n")
    assert _error(_fetch([site.url("/a")])[0]).code == "robots_disallowed"
    assert site.paths() == ["/robots.txt"]


def test_robots_can_be_ignored(site: Site) -> None:
    site.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /\n")
    site.routes["/a"] = Reply()
    _page(_fetch([site.url("/a")], replace(FAST, respect_robots=False))[0])
    assert site.paths() == ["/a"]


@pytest.mark.parametrize("status", [404, 500], ids=["missing", "unreachable"])
def test_robots_missing_or_failing_allows_everything(site: Site, status: int) -> None:
    site.routes["/robots.txt"] = Reply(status, b"")
    site.routes["/page"] = Reply()
    _page(_fetch([site.url("/page")])[0])
    assert site.paths() == ["/robots.txt", "/page"]


def test_redirect_is_followed(site: Site) -> None:
    site.routes["/old"] = Reply(301, b"", headers={"Location": "/new"})
    site.routes["/new"] = Reply()
    page = _page(_fetch([site.url("/old")])[0])
    assert (page.url, page.final_url, page.status) == (site.url("/old"), site.url("/new"), 200)


def test_redirect_loop_is_too_many_redirects(site: Site) -> None:
    site.routes["/loop"] = Reply(302, b"", headers={"Location": "/loop"})
    error = _error(_fetch([site.url("/loop")])[0])
    assert error.code == "too_many_redirects" and site.url("/loop") in error.message


def test_user_agent_is_sent_everywhere(site: Site) -> None:
    site.routes["/a"] = Reply()
    _fetch([site.url("/a")], replace(FAST, user_agent="onrecord-test/9"))
    assert [(h.path, h.user_agent) for h in site.hits] == [
        ("/robots.txt", "onrecord-test/9"),
        ("/a", "onrecord-test/9"),
    ]
    assert FetchSettings().user_agent == DEFAULT_USER_AGENT


def test_requests_to_one_host_are_spaced(site: Site) -> None:
    for name in "abcd":
        site.routes[f"/{name}"] = Reply()
    urls: list[str | FetchError] = [site.url(f"/{name}") for name in "abcd"]
    results = _fetch(urls, replace(FAST, per_host_interval=0.2))
    assert all(isinstance(r, FetchedPage) for r in results)
    times = [hit.at for hit in site.hits]  # robots.txt included: it counts as a request too
    assert len(times) == 5
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.18, gaps


def test_robots_crawl_delay_raises_the_interval(site: Site) -> None:
    site.routes["/robots.txt"] = Reply(body=b"User-agent: *\nCrawl-delay: 1\n")
    site.routes["/a"] = Reply()
    _fetch([site.url("/a")], replace(FAST, per_host_interval=0.0))
    robots, page = site.hits
    assert page.at - robots.at >= 0.95


def test_requests_run_concurrently_within_the_bound(site: Site) -> None:
    for n in range(8):
        site.routes[f"/{n}"] = Reply(delay=0.3)
    start = time.monotonic()
    results = _fetch([site.url(f"/{n}") for n in range(8)], replace(FAST, concurrency=4))
    elapsed = time.monotonic() - start
    assert all(isinstance(r, FetchedPage) for r in results)
    assert elapsed < 1.5, elapsed  # one at a time would take 2.4 s
    assert 2 <= site.max_active <= 4


def test_results_come_back_in_input_order(site: Site) -> None:
    delays = [0.4, 0.0, 0.2, 0.0, 0.1]
    for n, delay in enumerate(delays):
        site.routes[f"/{n}"] = Reply(body=str(n).encode(), delay=delay)
    bad = FetchError("nope", "invalid_url", "urls.txt:3: not an http(s) URL: 'nope'")
    urls: list[str | FetchError] = [site.url(f"/{n}") for n in range(len(delays))]
    urls[2:2] = [bad, "ftp://example.org/file"]
    results = _fetch(urls)
    assert [getattr(r, "url", None) for r in results] == [
        u.url if isinstance(u, FetchError) else u for u in urls
    ]
    assert results[2] is bad
    assert _error(results[3]).code == "invalid_url"
    assert [r.body for r in results if isinstance(r, FetchedPage)] == [b"0", b"1", b"2", b"3", b"4"]


def test_input_is_read_lazily_and_closing_early_stops_the_fetcher(site: Site) -> None:
    site.routes["/a"] = Reply()
    taken = 0

    def endless() -> Iterator[str]:
        nonlocal taken
        for _ in itertools.count():
            taken += 1
            yield site.url("/a")

    results = fetch_urls(endless(), replace(FAST, concurrency=2))
    _page(next(results))
    assert taken <= 4  # the window is twice the concurrency
    results.close()
    assert not [t for t in threading.enumerate() if t.name == "onrecord-fetch"]


def test_custom_transport_is_used() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=b"mock", headers={"Content-Type": "text/plain"})

    settings = replace(FAST, per_host_interval=0.0)
    [result] = fetch_urls(
        ["https://news.example/a"], settings, transport=httpx.MockTransport(answer)
    )
    page = _page(result)
    assert (page.body, page.content_type, page.charset) == (b"mock", "text/plain", None)


def test_read_url_list_skips_comments_and_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "urls.txt"
    path.write_text(
        "# today's front pages\n"
        "https://news.example/a\n"
        "\n"
        "   http://news.example/b?x=1  \n"
        "news.example/c\n"
        "  # indented comment\n"
        "ftp://news.example/d\n"
        "https://\n",
        encoding="utf-8",
    )
    items = list(read_url_list(str(path)))
    assert items[:2] == ["https://news.example/a", "http://news.example/b?x=1"]
    errors = [_error(item) for item in items[2:]]
    assert [e.code for e in errors] == ["invalid_url"] * 3
    assert [e.url for e in errors] == ["news.example/c", "ftp://news.example/d", "https://"]
    assert errors[0].message.startswith(f"{path}:5:")
    assert errors[1].message.startswith(f"{path}:7:")


def test_url_list_results_line_up_with_its_lines(site: Site, tmp_path: Path) -> None:
    site.routes["/a"] = Reply()
    path = tmp_path / "urls.txt"
    path.write_text(f"{site.url('/a')}\nnot a url\n{site.url('/gone')}\n", encoding="utf-8")
    results = list(fetch_urls(read_url_list(str(path)), FAST))
    assert [getattr(r, "code", "page") for r in results] == ["page", "invalid_url", "http_error"]
