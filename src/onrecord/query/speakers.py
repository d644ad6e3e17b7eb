"""Listing the people on record: names, aliases, roles over time and how much they said.

Owns ``list_speakers`` and ``SpeakerRow``: one row per person (``store.identity``) with
every name they were reported under, each role with the first and last date it was
reported, and counts of quotes and articles. Linking names to persons is the store's
job; this module only reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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


def list_speakers(db: Database, search: str | None = None, limit: int = 100) -> list[SpeakerRow]:
    """List persons, most quoted first.

    Args:
        db: An open database.
        search: Keep persons whose name or an alias contains this (case and accents
            ignored).
        limit: The most rows; at least 1.

    Returns:
        The persons.

    Raises:
        ValueError: If ``limit`` is less than 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    conn = db.connection
    wanted: set[int] | None = None
    if search is not None and search.strip():
        key = name_key(search)
        wanted = {
            int(person_id)
            for person_id, alias_key in conn.execute(
                "SELECT person_id, alias_key FROM person_aliases"
            )
            if key in str(alias_key)
        }
        if not wanted:
            return []
    rows = conn.execute(
        "SELECT p.id, p.name, count(q.id), count(DISTINCT q.article_id),"
        " min(coalesce(a.published, substr(a.ingested_at, 1, 10))),"
        " max(coalesce(a.published, substr(a.ingested_at, 1, 10)))"
        " FROM persons AS p LEFT JOIN quotes AS q ON q.person_id = p.id"
        " LEFT JOIN articles AS a ON a.id = q.article_id"
        " GROUP BY p.id ORDER BY count(q.id) DESC, p.name, p.id"
    ).fetchall()
    result: list[SpeakerRow] = []
    for person_id, name, quotes, articles, first, last in rows:
        if wanted is not None and int(person_id) not in wanted:
            continue
        aliases = [
            str(r[0])
            for r in conn.execute(
                "SELECT alias FROM person_aliases WHERE person_id = ? ORDER BY id", (person_id,)
            )
        ]
        roles = [
            RoleSpan(str(role), first_r, last_r, int(n))
            for role, first_r, last_r, n in conn.execute(
                "SELECT role, min(reported), max(reported), count(DISTINCT article_id)"
                " FROM person_roles WHERE person_id = ? GROUP BY role"
                " ORDER BY max(reported) DESC, role",
                (person_id,),
            )
        ]
        result.append(
            SpeakerRow(
                int(person_id), str(name), aliases, roles, int(quotes), int(articles), first, last
            )
        )
        if len(result) >= limit:
            break
    return result
