"""Where a statement was reported: every occurrence, the first, and how its wording varied.

Owns ``statement_history``: given any quote id, the statement (quote cluster, grouped
when stored by ``store.provenance``) with its first-seen occurrence and date, every
occurrence with outlet and date, and each distinct wording with the words changed,
added or dropped compared with the first (a misquotation shows up as a variant).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from onrecord.store.db import Database


@dataclass(frozen=True)
class Occurrence:
    """One report of a statement."""

    quote_id: int
    article_id: int
    content_text: str
    speaker: str | None
    article_title: str | None
    article_path: str
    site: str | None
    url: str | None
    published: str | None


@dataclass(frozen=True)
class Variant:
    """One wording of a statement and how it differs from the first-seen wording.

    Attributes:
        content_text: The wording.
        occurrences: How many reports use it.
        dropped: Words of the first wording missing here.
        added: Words here that the first wording lacks.
        changed: ``[first's words, these words]`` pairs replaced one for the other.
    """

    content_text: str
    occurrences: int
    dropped: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class StatementHistory:
    """A statement's provenance.

    Attributes:
        statement_id: The cluster id (the first stored occurrence's quote id).
        first: The earliest reported occurrence (by date).
        occurrences: Every occurrence — one per outlet copy — earliest first.
        variants: Each distinct wording, the first one first.
        outlets: Distinct outlets that reported it.
    """

    statement_id: int
    first: Occurrence
    occurrences: list[Occurrence]
    variants: list[Variant]
    outlets: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def statement_history(db: Database, quote_id: int) -> StatementHistory | None:
    """The provenance of the statement a quote belongs to.

    Args:
        db: An open database.
        quote_id: Any quote of the statement.

    Returns:
        Its history, or None when there is no such quote.
    """
    conn = db.connection
    row = conn.execute(
        "SELECT coalesce(cluster_id, id) FROM quotes WHERE id = ?", (quote_id,)
    ).fetchone()
    if row is None:
        return None
    statement = int(row[0])
    # One occurrence per place the article was read from: an identical copy at another
    # outlet is one stored article with several sources.
    rows = conn.execute(
        "SELECT q.id, q.article_id, q.content_text, coalesce(p.name, s.name), a.title, src.path,"
        " coalesce(src.site, a.site), coalesce(src.url, a.url),"
        " coalesce(src.published, a.published)"
        " FROM quotes AS q JOIN articles AS a ON a.id = q.article_id"
        " JOIN article_sources AS src ON src.article_id = a.id"
        " LEFT JOIN persons AS p ON p.id = q.person_id"
        " LEFT JOIN speakers AS s ON s.id = q.speaker_id"
        " WHERE coalesce(q.cluster_id, q.id) = ?"
        " ORDER BY coalesce(src.published, a.published, a.ingested_at), a.id, src.id, q.position",
        (statement,),
    ).fetchall()
    occurrences = [Occurrence(int(r[0]), int(r[1]), *r[2:]) for r in rows]
    outlets = conn.execute(
        "SELECT count(DISTINCT coalesce(src.site, src.url, src.path)) FROM quotes AS q"
        " JOIN article_sources AS src ON src.article_id = q.article_id"
        " WHERE coalesce(q.cluster_id, q.id) = ?",
        (statement,),
    ).fetchone()[0]
    first = occurrences[0]
    counts: dict[str, int] = {}
    for occurrence in occurrences:
        counts[occurrence.content_text] = counts.get(occurrence.content_text, 0) + 1
    variants = [word_diff(first.content_text, text, n) for text, n in counts.items()]
    return StatementHistory(statement, first, occurrences, variants, int(outlets))


def word_diff(first: str, other: str, occurrences: int = 1) -> Variant:
    """How ``other`` differs from ``first``, word by word.

    Args:
        first: The reference wording.
        other: Another wording.
        occurrences: How many reports use ``other``.

    Returns:
        The variant with its dropped, added and changed words.
    """
    a, b = first.split(), other.split()
    # Compare words without case or surrounding punctuation; show them as written.
    plain_a, plain_b = [_plain(w) for w in a], [_plain(w) for w in b]
    dropped: list[str] = []
    added: list[str] = []
    changed: list[list[str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(
        None, plain_a, plain_b, autojunk=False
    ).get_opcodes():
        if tag == "delete":
            dropped.append(" ".join(a[i1:i2]))
        elif tag == "insert":
            added.append(" ".join(b[j1:j2]))
        elif tag == "replace":
            changed.append([" ".join(a[i1:i2]), " ".join(b[j1:j2])])
    return Variant(other, occurrences, dropped, added, changed)


def _plain(word: str) -> str:
    return word.strip(".,;:!?\"'“”‘’()[]…—–-").casefold()
