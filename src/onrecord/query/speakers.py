"""Listing the people on record: names, aliases, roles over time and how much they said.

Owns ``list_speakers`` and ``SpeakerRow``: one row per person (``store.identity``) with
every name they were reported under, each role with the first and last date it was
reported, and counts of quotes and articles. Linking names to persons is the store's
job; this module only reads.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from onrecord.store.db import Database
from onrecord.store.identity import name_key


@dataclass(frozen=True)
class RoleSpan:
    """A role as reported: its wording and the first and last dates it was reported."""

    role: str
    first: str | None
    last: str | None
    articles: int


@dataclass(frozen=True)
class SpeakerRow:
    """One person on record.

    Attributes:
        person_id: The person's id (``#ID`` in ``merge-speakers``/``split-speaker``).
        name: The fullest name reported.
        aliases: Every name they were reported under, as written.
        roles: Roles with the dates they were reported, most recent first.
        quotes: How many quotes are theirs.
        articles: In how many articles.
        first_seen: Date of the earliest article quoting them.
        last_seen: Date of the latest.
    """

    person_id: int
    name: str
    aliases: list[str] = field(default_factory=list)
    roles: list[RoleSpan] = field(default_factory=list)
    quotes: int = 0
    articles: int = 0
    first_seen: str | None = None
    last_seen: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def list_speakers(
    db: Database, search: str | None = None, limit: int = 100, *, person_id: int | None = None
) -> list[SpeakerRow]:
    """List persons, most quoted first.

    Args:
        db: An open database.
        search: Keep persons whose name or an alias contains this (case and accents
            ignored).
        limit: The most rows; at least 1.
        person_id: Only this person.

    Returns:
        The persons.

    Raises:
        ValueError: If ``limit`` is less than 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    conn = db.connection
    wanted: list[int] | None = [person_id] if person_id is not None else None
    if search is not None and search.strip():
        key = name_key(search)
        found = {
            int(pid)
            for pid, alias_key in conn.execute("SELECT person_id, alias_key FROM person_aliases")
            if key in str(alias_key)
        }
        wanted = sorted(found & set(wanted)) if wanted is not None else sorted(found)
    if wanted is not None and not wanted:
        return []
    rows = conn.execute(
        "SELECT p.id, p.name, count(q.id), count(DISTINCT q.article_id),"
        " min(coalesce(a.published, substr(a.ingested_at, 1, 10))),"
        " max(coalesce(a.published, substr(a.ingested_at, 1, 10)))"
        " FROM persons AS p LEFT JOIN quotes AS q ON q.person_id = p.id"
        " LEFT JOIN articles AS a ON a.id = q.article_id"
        + (
            " WHERE p.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))"
            if wanted is not None
            else ""
        )
        + " GROUP BY p.id ORDER BY count(q.id) DESC, p.name, p.id LIMIT ?",
        [*([json.dumps(wanted)] if wanted is not None else []), limit],
    ).fetchall()
    result: list[SpeakerRow] = []
    for pid, name, quotes, articles, first, last in rows:
        aliases = [
            str(r[0])
            for r in conn.execute(
                "SELECT alias FROM person_aliases WHERE person_id = ? ORDER BY id", (pid,)
            )
        ]
        roles = [
            RoleSpan(str(role), first_r, last_r, int(n))
            for role, first_r, last_r, n in conn.execute(
                "SELECT role, min(reported), max(reported), count(DISTINCT article_id)"
                " FROM person_roles WHERE person_id = ? GROUP BY role"
                " ORDER BY max(reported) DESC, role",
                (pid,),
            )
        ]
        result.append(
            SpeakerRow(int(pid), str(name), aliases, roles, int(quotes), int(articles), first, last)
        )
    return result


@dataclass(frozen=True)
class SpeakerDetail:
    """Everything a speaker page shows.

    Attributes:
        speaker: The person with aliases, roles over time and counts.
        timeline: ``[week start (ISO date), statements]`` for every week with statements.
        top_entities: ``[name, articles]`` of people, organisations and places named in
            the articles quoting them, most frequent first.
        top_words: ``[word, uses]`` of the content words they use most.
    """

    speaker: SpeakerRow
    timeline: list[tuple[str, int]]
    top_entities: list[tuple[str, int]]
    top_words: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "like",
        "more",
        "most",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "said",
        "say",
        "says",
        "she",
        "should",
        "so",
        "some",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "make",
        "made",
        "many",
        "much",
        "new",
        "people",
        "going",
        "get",
        "got",
        "want",
        "need",
        "well",
        "even",
        "still",
        "year",
        "years",
        "time",
        "because",
        "think",
        "know",
        "go",
        "there's",
        "it's",
        "don't",
        "that's",
        "we're",
        "i'm",
    ]
)


def speaker_detail(db: Database, person_id: int, top: int = 12) -> SpeakerDetail | None:
    """The speaker page's data for one person.

    Args:
        db: An open database.
        person_id: The person.
        top: How many entities and words to list.

    Returns:
        The detail, or None when there is no such person.
    """
    conn = db.connection
    found = list_speakers(db, person_id=person_id, limit=1)
    if not found:
        return None
    weeks: dict[str, int] = {}
    words: dict[str, int] = {}
    for date, content in conn.execute(
        "SELECT coalesce(a.published, a.ingested_at), q.content_text FROM quotes AS q"
        " JOIN articles AS a ON a.id = q.article_id WHERE q.person_id = ?",
        (person_id,),
    ):
        week = _week_start(str(date))
        if week:
            weeks[week] = weeks.get(week, 0) + 1
        for word in re.findall(r"[^\W\d_]{3,}", str(content).casefold()):
            if word not in _STOPWORDS:
                words[word] = words.get(word, 0) + 1
    entities = conn.execute(
        "SELECT e.canonical, count(DISTINCT e.article_id) FROM entities AS e"
        " WHERE e.article_id IN (SELECT article_id FROM quotes WHERE person_id = ?)"
        " AND e.label IN ('PERSON', 'ORG', 'GPE', 'NORP', 'LOC', 'FAC', 'EVENT')"
        " GROUP BY e.canonical ORDER BY count(DISTINCT e.article_id) DESC, e.canonical LIMIT ?",
        (person_id, top + 1),
    ).fetchall()
    speaker = found[0]
    own = {name_key(a) for a in speaker.aliases}
    return SpeakerDetail(
        speaker,
        sorted(weeks.items()),
        [(str(n), int(c)) for n, c in entities if name_key(str(n)) not in own][:top],
        sorted(words.items(), key=lambda item: (-item[1], item[0]))[:top],
    )


def _week_start(date: str) -> str | None:
    """The Monday of the week a date (ISO 8601, possibly with a time) falls in."""
    try:
        day = datetime.fromisoformat(date[:10])
    except ValueError:
        return None
    return (day - timedelta(days=day.weekday())).date().isoformat()
