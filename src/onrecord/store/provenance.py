"""Quote provenance: which stored statements are the same statement reported again.

Owns the grouping of quotes into clusters when they are stored: a new quote joins the
cluster of an earlier quote by the same person (or, for unlinked speakers, the same name
as written) whose words are the same statement — identical once case, punctuation and
the reporting "that" are ignored, or differing by a few words changed, added or dropped
(a misquotation is still the same statement, and worth showing). The first occurrence
is the cluster's id. Quotes with no speaker join only identical quotes of a syndicated
copy of their article. Showing a cluster's history is ``query.provenance``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from onrecord.store.engine import Connection

MIN_SIMILARITY = 0.8
"""Word-sequence similarity (difflib ratio) from which two statements are one."""
MIN_CONTAINED_WORDS = 6
"""A shorter statement wholly inside a longer one joins it when it has this many words."""

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_LEADING = {"that", "to"}


def content_key(text: str) -> str:
    """A statement's words, lower-cased, without punctuation or a leading "that"/"to".

    Args:
        text: The quote's content as stored (fragments joined by " … ").

    Returns:
        The words joined by spaces.
    """
    words = [w.casefold().replace("’", "'") for w in _WORD.findall(text)]
    while words and words[0] in _LEADING:
        words = words[1:]
    return " ".join(words)


def same_statement(first: str, second: str) -> bool:
    """Whether two content keys are one statement (see the module docstring)."""
    if first == second:
        return bool(first)
    a, b = first.split(), second.split()
    if not a or not b:
        return False
    overlap = len(set(a) & set(b)) / len(set(a) | set(b))
    if overlap < 0.5:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) >= MIN_CONTAINED_WORDS and _contains(longer, shorter):
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= MIN_SIMILARITY


def _contains(longer: list[str], shorter: list[str]) -> bool:
    size = len(shorter)
    return any(longer[i : i + size] == shorter for i in range(len(longer) - size + 1))


def quote_cluster(
    conn: Connection,
    key: str,
    person_id: int | None,
    speaker_id: int | None,
    article_cluster: str | None,
) -> int | None:
    """The cluster (first occurrence's quote id) a new quote belongs to, if any.

    Args:
        conn: The connection, inside the write transaction storing the quote.
        key: The new quote's ``content_key``.
        person_id: Its person, if linked.
        speaker_id: Its speaker name's id, if any.
        article_cluster: The syndication cluster of its article.

    Returns:
        The id of the first quote of the same statement, or None for a new statement.
    """
    if not key:
        return None
    if person_id is not None:
        rows = conn.execute(
            "SELECT coalesce(cluster_id, id), content_key FROM quotes WHERE person_id = ?"
            " ORDER BY id",
            (person_id,),
        )
    elif speaker_id is not None:
        rows = conn.execute(
            "SELECT coalesce(cluster_id, id), content_key FROM quotes"
            " WHERE speaker_id = ? AND person_id IS NULL ORDER BY id",
            (speaker_id,),
        )
    else:
        rows = conn.execute(
            "SELECT coalesce(q.cluster_id, q.id), q.content_key FROM quotes AS q"
            " JOIN articles AS a ON a.id = q.article_id"
            " WHERE q.speaker_id IS NULL AND a.cluster = ? AND q.content_key = ? ORDER BY q.id",
            (article_cluster, key),
        )
    for cluster, other in rows:
        if same_statement(key, str(other)):
            return int(cluster)
    return None


def mark_first_report(conn: Connection, cluster: int, quote_id: int, dated: str) -> None:
    """Keep ``first_report`` on the earliest-dated report of a statement.

    Args:
        conn: The connection, inside the write transaction.
        cluster: The statement's cluster id.
        quote_id: A report just added to it (stored with ``first_report`` = 1).
        dated: Its article's date.
    """
    row = conn.execute(
        "SELECT q.id, coalesce(a.published, a.ingested_at) FROM quotes AS q"
        " JOIN articles AS a ON a.id = q.article_id"
        " WHERE q.cluster_id = ? AND q.first_report = 1 AND q.id != ?"
        " ORDER BY coalesce(a.published, a.ingested_at), q.id LIMIT 1",
        (cluster, quote_id),
    ).fetchone()
    if row is None:
        return
    if dated < str(row[1]):
        conn.execute(
            "UPDATE quotes SET first_report = 0 WHERE cluster_id = ? AND id != ?",
            (cluster, quote_id),
        )
    else:
        conn.execute("UPDATE quotes SET first_report = 0 WHERE id = ?", (quote_id,))
