"""Polite concurrent fetching of web pages from a list of URLs.

Owns reading URL lists and downloading each URL at most once per try, politely: a
bounded number of requests in flight, a minimum interval between two requests to the
same host (raised by a robots.txt ``Crawl-delay``), robots.txt rules, retries with
exponential back-off, and a size cap on every body. Every per-URL problem is reported as
a ``FetchError`` in the URL's place, so that one bad URL never stops a batch.

Does not decode or clean the HTML it fetches (see ``onrecord.clean``) and does not store
anything. Redirects are followed by httpx: the robots.txt rules and the per-host interval
are applied to the URL as requested, not to the hosts a redirect passes through.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

DEFAULT_USER_AGENT = (
    "onrecord/0.1 (+https://github.com/onrecord/onrecord; news attribution research)"
)
"""Sent with every request; names the project so that site owners can reach it."""

MAX_WAIT = 60.0
"""Longest wait honoured from a ``Retry-After`` header or a robots.txt ``Crawl-delay``."""

_ROBOTS_MAX_BYTES = 512 * 1024  # Google reads the first 500 KiB of a robots.txt
_RETRY_STATUSES = {429, 503}  # the statuses whose Retry-After header is honoured


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to fetch.

    Attributes:
        user_agent: The ``User-Agent`` header, also the name matched in robots.txt.
        concurrency: Most requests in flight at once, over all hosts.
        per_host_interval: Least seconds from the start, and from the end, of one request
            to a host to the start of the next (robots.txt requests included); a larger
            robots.txt ``Crawl-delay`` wins.
        timeout: Seconds allowed to connect, and to wait for each read.
        retries: Extra tries after a connection error, a timeout, a 429 or a 5xx.
        backoff: Seconds before the first retry, doubled for each later one; a
            ``Retry-After`` header on a 429 or 503 is used instead (at most ``MAX_WAIT``).
        max_bytes: Bodies larger than this are abandoned mid-stream with ``too_large``.
        respect_robots: Whether to read each host's robots.txt and skip disallowed URLs.
    """

    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = 8
    per_host_interval: float = 1.0
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    max_bytes: int = 10 * 1024 * 1024
    respect_robots: bool = True


@dataclass(frozen=True)
class FetchedPage:
    """A successfully fetched (2xx) response.

    Attributes:
        url: The URL as requested.
        final_url: The URL after redirects.
        status: The HTTP status code.
        content_type: The media type without parameters, lower case; ``""`` when absent.
        charset: The ``charset`` parameter of the ``Content-Type`` header, when given.
        body: The body, with any content encoding (gzip, ...) undone.
        fetched_at: When the response arrived, ISO 8601 in UTC.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: str


@dataclass(frozen=True)
class FetchError:
    """A URL that could not be fetched.

    Attributes:
        url: The URL as requested (or the line as read, for ``invalid_url``).
        code: A stable identifier: ``invalid_url``, ``robots_disallowed``, ``http_error``,
            ``timeout``, ``connection_error``, ``too_large``, ``too_many_redirects``.
        message: A sentence naming the URL and the problem.
        status: The HTTP status code, for ``http_error``.
    """

    url: str
    code: str
    message: str
    status: int | None = None


def read_url_list(path: str) -> Iterator[str | FetchError]:
    """Read a URL list: one URL per line.

    Blank lines and lines starting with ``#`` are skipped; surrounding whitespace is
    removed.

    Args:
        path: The file to read (UTF-8).

    Yields:
        Each URL, or a ``FetchError`` with code ``invalid_url`` naming the file and line
        number for a line that is not an http(s) URL.

    Raises:
        OSError: The file cannot be opened or read (a problem with the whole list).
        UnicodeDecodeError: The file is not UTF-8.
    """
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if _is_http_url(text):
                yield text
            else:
                yield FetchError(
                    text, "invalid_url", f"{path}:{number}: not an http(s) URL: {text!r}"
                )


def fetch_urls(
    urls: Iterable[str | FetchError],
    settings: FetchSettings = FetchSettings(),
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Iterator[FetchedPage | FetchError]:
    """Fetch URLs concurrently, yielding one result per input in input order.

    The requests run on an asyncio loop in a background thread, so fetching goes on while
    the caller works on a result; at most ``2 * settings.concurrency`` inputs are taken
    ahead of the one last yielded, which bounds the results held in memory. Closing the
    generator early cancels the requests in flight.

    Args:
        urls: The URLs. A ``FetchError`` (as ``read_url_list`` yields for a bad line) is
            passed through in its place, so that results still line up with the input.
        settings: Politeness, patience and size limits.
        transport: An httpx transport to use instead of the network (tests, proxies); it
            is closed with the client when the generator finishes.

    Yields:
        A ``FetchedPage`` for each 2xx response, a ``FetchError`` for every other input.
    """
    window = max(1, settings.concurrency) * 2
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="onrecord-fetch", daemon=True)
    thread.start()
    pending: deque[concurrent.futures.Future[FetchedPage | FetchError]] = deque()
    fetcher: _Fetcher | None = None
    try:
        fetcher = asyncio.run_coroutine_threadsafe(
            _Fetcher.open(settings, transport), loop
        ).result()
        for item in urls:
            if isinstance(item, FetchError):
                done: concurrent.futures.Future[FetchedPage | FetchError] = (
                    concurrent.futures.Future()
                )
                done.set_result(item)
                pending.append(done)
            else:
                pending.append(asyncio.run_coroutine_threadsafe(fetcher.fetch(item), loop))
            # Yield finished results at the head early, so a slow input (stdin) still
            # streams; block only when the window is full.
            while pending and (len(pending) >= window or pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        asyncio.run_coroutine_threadsafe(_shutdown(fetcher), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


async def _shutdown(fetcher: _Fetcher | None) -> None:
    """Cancel what is still running on the fetch loop and release its resources."""
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if fetcher is not None:
        await fetcher.client.aclose()
    loop = asyncio.get_running_loop()
    await loop.shutdown_asyncgens()
    await loop.shutdown_default_executor()  # getaddrinfo runs in the default executor


@dataclass
class _Host:
    """Per-host pacing: one request starts at a time, ``interval`` after the last."""

    interval: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float = float("-inf")


@dataclass
class _Attempt:
    """The outcome of one try, and whether (and when) another try may help."""

    result: FetchedPage | FetchError
    retry: bool = False
    retry_after: float | None = None


class _Fetcher:
    """The state shared by all requests of one ``fetch_urls`` run; lives on its loop."""

    def __init__(self, settings: FetchSettings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    @classmethod
    async def open(
        cls, settings: FetchSettings, transport: httpx.AsyncBaseTransport | None
    ) -> _Fetcher:
        """Create the fetcher and its client on the running loop."""
        concurrency = max(1, settings.concurrency)
        client = httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.timeout),
            # The semaphore already bounds requests; a pool as large never makes one wait.
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            transport=transport,
        )
        return cls(settings, client)

    async def fetch(self, url: str) -> FetchedPage | FetchError:
        """Fetch one URL with robots.txt, pacing and retries; never raises for the URL."""
        if not _is_http_url(url):
            return FetchError(url, "invalid_url", f"{url}: not an http(s) URL")
        if self.settings.respect_robots and not await self._allowed(url):
            return FetchError(
                url, "robots_disallowed", f"{url}: disallowed by the site's robots.txt"
            )
        host = self._host(url)
        tries = max(0, self.settings.retries) + 1
        for number in range(tries):
            async with self._turn(host):
                attempt = await self._try(url)
            if not attempt.retry or number == tries - 1:
                break
            wait = attempt.retry_after
            if wait is None:
                wait = self.settings.backoff * 2**number
            await asyncio.sleep(min(max(wait, 0.0), MAX_WAIT))
        result = attempt.result
        if attempt.retry and tries > 1 and isinstance(result, FetchError):
            result = FetchError(
                result.url,
                result.code,
                f"{result.message} (gave up after {tries} tries)",
                result.status,
            )
        return result

    def _host(self, url: str) -> _Host:
        name = (urlsplit(url).hostname or "").lower()
        host = self._hosts.get(name)
        if host is None:
            host = self._hosts[name] = _Host(max(0.0, self.settings.per_host_interval))
        return host

    @asynccontextmanager
    async def _turn(self, host: _Host) -> AsyncIterator[None]:
        """Wait for the host's interval and a free slot; hold the slot for the request.

        The host lock is held while waiting for the slot, so the recorded start time is
        when the request really starts, and waiting tasks for one busy host leave the
        slots to other hosts. The interval also counts from the end of the request: the
        client's start time precedes the server's arrival time by a varying latency, and
        counting from the end guarantees the server sees sequential requests at least
        ``interval`` apart.
        """
        async with host.lock:
            await _wait_for_interval(host)
            await self._slots.acquire()
            try:
                # A request to this host that ended meanwhile restarts the clock.
                await _wait_for_interval(host)
            except BaseException:
                self._slots.release()
                raise
            host.last = time.monotonic()
        try:
            yield
        finally:
            host.last = max(host.last, time.monotonic())
            self._slots.release()

    async def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._read_robots(origin, self._host(url))
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(self.settings.user_agent, url)

    async def _read_robots(self, origin: str, host: _Host) -> RobotFileParser | None:
        """Fetch and parse an origin's robots.txt; ``None`` means everything is allowed.

        A missing robots.txt (any 4xx) allows everything, as RFC 9309 says; an unreachable
        one (network error, timeout, 5xx) is not allowed to stop the run either.
        """
        try:
            async with self._turn(host), self.client.stream("GET", f"{origin}/robots.txt") as r:
                if r.status_code != 200:
                    return None
                data = bytearray()
                async for chunk in r.aiter_bytes():
                    data += chunk
                    if len(data) >= _ROBOTS_MAX_BYTES:
                        break
        except httpx.HTTPError:
            return None
        rules = RobotFileParser(f"{origin}/robots.txt")
        rules.parse(bytes(data[:_ROBOTS_MAX_BYTES]).decode("utf-8", "replace").splitlines())
        delay = rules.crawl_delay(self.settings.user_agent)
        if delay is not None:
            host.interval = max(host.interval, min(float(delay), MAX_WAIT))
        return rules

    async def _try(self, url: str) -> _Attempt:
        """Make one request and read the body, mapping every failure to a FetchError."""
        max_bytes = self.settings.max_bytes
        try:
            async with self.client.stream("GET", url) as response:
                status = response.status_code
                if not 200 <= status < 300:
                    return _status_error(url, response)
                too_large = _Attempt(
                    FetchError(
                        url, "too_large", f"{url}: larger than the limit of {max_bytes:,} bytes"
                    )
                )
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    return too_large
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        return too_large
                    chunks.append(chunk)
                content_type, charset = _parse_content_type(
                    response.headers.get("content-type", "")
                )
                return _Attempt(
                    FetchedPage(
                        url=url,
                        final_url=str(response.url),
                        status=status,
                        content_type=content_type,
                        charset=charset,
                        body=b"".join(chunks),
                        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    )
                )
        except httpx.TimeoutException as exc:
            return _Attempt(
                FetchError(
                    url,
                    "timeout",
                    f"{url}: timed out after {self.settings.timeout:g} s ({type(exc).__name__})",
                ),
                retry=True,
            )
        except httpx.TooManyRedirects:
            return _Attempt(FetchError(url, "too_many_redirects", f"{url}: more than 5 redirects"))
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            # Reached through a redirect to a non-http(s) or malformed URL.
            return _Attempt(FetchError(url, "invalid_url", f"{url}: {_describe(exc)}"))
        except httpx.TransportError as exc:
            return _Attempt(
                FetchError(url, "connection_error", f"{url}: connection failed ({_describe(exc)})"),
                retry=True,
            )
        except httpx.HTTPError as exc:  # DecodingError and the like: another try won't help
            return _Attempt(
                FetchError(url, "connection_error", f"{url}: bad response ({_describe(exc)})")
            )


async def _wait_for_interval(host: _Host) -> None:
    """Sleep until ``host.interval`` has passed since ``host.last``, which may move meanwhile."""
    while (delay := host.last + host.interval - time.monotonic()) > 0:
        await asyncio.sleep(delay)


def _status_error(url: str, response: httpx.Response) -> _Attempt:
    status = response.status_code
    reason = response.reason_phrase
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    message = f"{url}: HTTP {status} {reason}".rstrip()
    error = FetchError(url, "http_error", message, status)
    if status == 429 or status >= 500:
        retry_after = None
        if status in _RETRY_STATUSES:
            retry_after = _parse_retry_after(response.headers.get("retry-after"))
        return _Attempt(error, retry=True, retry_after=retry_after)
    return _Attempt(error)


def _parse_retry_after(value: str | None) -> float | None:
    """Read a ``Retry-After`` header: delay seconds or an HTTP date; ``None`` if unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit(), yet float("²") fails
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _parse_content_type(header: str) -> tuple[str, str | None]:
    """Split a ``Content-Type`` header into the lower-case media type and the charset."""
    media_type, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def _describe(exc: Exception) -> str:
    """Name an httpx exception for a message; some carry no text of their own."""
    return str(exc) or type(exc).__name__


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
