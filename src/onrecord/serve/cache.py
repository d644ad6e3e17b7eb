"""Answers to repeated read requests, kept until the stored record changes.

Owns ``ResultCache``: a bounded LRU map from a request (path and normalised query) to
its JSON answer, tagged with the record's version — the newest article, source and
speaker-correction ids, read at most once per ``ttl`` seconds — so that an answer is
never served after a write it predates by more than ``ttl`` (a write through this
server bumps the version at once). A new version empties the cache, so under a steady
ingest it holds one version's answers, not ``size`` dead ones. Used by the list
endpoints of ``serve.api``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from onrecord.store.db import Database

DEFAULT_SIZE = 2048
DEFAULT_TTL = 1.0


def record_version(db: Database) -> tuple[int, ...]:
    """A value that changes whenever articles, sources or speaker corrections are added."""
    row = db.connection.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM articles),"
        " (SELECT coalesce(max(id), 0) FROM article_sources),"
        " (SELECT coalesce(max(id), 0) FROM person_corrections),"
        " (SELECT count(*) FROM persons)"
    ).fetchone()
    return tuple(int(v) for v in row)


class ResultCache:
    """A thread-safe LRU of answers, valid for one record version.

    Args:
        size: The most answers kept.
        ttl: Seconds a read record version is trusted before it is read again.
    """

    def __init__(self, size: int = DEFAULT_SIZE, ttl: float = DEFAULT_TTL) -> None:
        self.size = size
        self.ttl = ttl
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._version: tuple[int, ...] | None = None
        self._read_at = 0.0
        self._local_writes = 0

    def fresh_version(self) -> tuple[int, ...] | None:
        """The record version when it was read less than ``ttl`` ago (no I/O), else None."""
        with self._lock:
            if self._version is not None and time.monotonic() - self._read_at < self.ttl:
                return (*self._version, self._local_writes)
        return None

    def version(self, read: Callable[[], tuple[int, ...]]) -> tuple[int, ...]:
        """The record version, read again with ``read`` when older than ``ttl``."""
        now = time.monotonic()
        with self._lock:
            if self._version is not None and now - self._read_at < self.ttl:
                return (*self._version, self._local_writes)
        version = read()
        with self._lock:
            if version != self._version:
                # Every answer kept is for an older record and can never be asked for
                # again: free them now rather than when the LRU pushes them out.
                self._items.clear()
            self._version, self._read_at = version, now
            return (*version, self._local_writes)

    def wrote(self) -> None:
        """Forget every answer: this server just changed the record."""
        with self._lock:
            self._local_writes += 1
            self._items.clear()

    def get(self, key: tuple[Any, ...]) -> Any | None:
        """The cached answer for a key, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        """Keep an answer."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
