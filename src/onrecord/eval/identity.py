"""Scoring speaker identity across articles: pairwise merge precision and recall.

Owns reading the identity gold file (``eval/speaker_identity.jsonl``: one line per
speaker mention in a PolNeAR article — split, file name, the Source span's offsets, the
mention as written and the real-world person it names; never article text) and the
pairwise scores of a store's person links against it.

How it is scored: the gold articles' records are stored in a fresh database in date
order (the date in PolNeAR's file names), so persons are linked as an ingest would
link them. Each gold mention is matched to the stored quote whose source span shares
the most characters with it, and takes that quote's person. For every pair of matched
mentions in *different* articles, the pair is predicted "same person" when both quotes
link to one person, and is truly the same when the gold persons are equal. Precision
is true same-pairs among predicted same-pairs; recall is predicted among true
same-pairs; coverage is matched mentions among all. Pairs inside one article are left
out: they test within-article resolution (``eval speakers``), not linking.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from onrecord.models import ArticleRecord, Span
from onrecord.store.db import open_database


@dataclass(frozen=True)
class GoldMention:
    """One gold speaker mention.

    Attributes:
        split: ``dev`` or ``train``.
        article: The file name in that split's ``text/`` folder.
        source: The mention's span.
        source_text: The mention as written.
        kind: ``full``, ``surname`` or ``pronoun``.
        person: The real-world person, one string per person across the file.
    """

    split: str
    article: str
    source: Span
    source_text: str
    kind: str
    person: str


def load_identity_gold(path: Path) -> list[GoldMention]:
    """Read the gold file.

    Args:
        path: The JSONL file.

    Returns:
        The mentions, in file order.

    Raises:
        ValueError: For a line that is not a complete gold item (naming the line).
    """
    mentions: list[GoldMention] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
            mentions.append(
                GoldMention(
                    str(data["split"]),
                    str(data["article"]),
                    (int(data["source"][0]), int(data["source"][1])),
                    str(data["source_text"]),
                    str(data.get("kind", "")),
                    str(data["person"]),
                )
            )
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"{path}:{number}: not a gold mention ({exc})") from exc
    return mentions


@dataclass
class IdentityScores:
    """Pairwise scores of person links across articles."""

    mentions: int = 0
    matched: int = 0
    linked: int = 0
    predicted_pairs: int = 0
    true_pairs: int = 0
    correct_pairs: int = 0
    wrong_merges: Counter[tuple[str, str]] = field(default_factory=Counter)
    missed_merges: Counter[str] = field(default_factory=Counter)
    mentions_by_split: Counter[str] = field(default_factory=Counter)
    linked_by_split: Counter[str] = field(default_factory=Counter)
    """Coverage per PolNeAR split: the trained tagger has seen the train articles, so
    only the dev mentions show how it does on articles it has not seen."""

    @property
    def precision(self) -> float:
        """Correct same-person pairs among the predicted ones."""
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 0.0

    @property
    def recall(self) -> float:
        """Predicted same-person pairs among the true ones."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else 0.0

    @property
    def coverage(self) -> float:
        """Mentions matched to a stored quote linked to a person, among all."""
        return self.linked / self.mentions if self.mentions else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "mentions": self.mentions,
            "matched": self.matched,
            "linked": self.linked,
            "coverage": round(self.coverage, 4),
            "coverage_by_split": {
                split: round(self.linked_by_split[split] / count, 4)
                for split, count in sorted(self.mentions_by_split.items())
            },
            "pairs_predicted_same": self.predicted_pairs,
            "pairs_truly_same": self.true_pairs,
            "pairs_correct": self.correct_pairs,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "wrong_merges": [
                {"persons": list(k), "pairs": n} for k, n in self.wrong_merges.most_common(10)
            ],
            "missed_merges": [
                {"person": k, "pairs": n} for k, n in self.missed_merges.most_common(10)
            ],
        }


_DATE = re.compile(r"_(\d{4}-\d{2}-\d{2})_")


def article_order(name: str) -> tuple[str, str]:
    """Sort key of a PolNeAR file name: its date, then the name."""
    match = _DATE.search(name)
    return (match.group(1) if match else "9999", name)


def score_identity(
    gold: list[GoldMention], records: Iterable[tuple[str, ArticleRecord]]
) -> IdentityScores:
    """Store the records in date order and score the person links against the gold.

    Args:
        gold: The gold mentions.
        records: ``(article file name, record)`` pairs for the gold articles.

    Returns:
        The scores.
    """
    ordered = sorted(records, key=lambda pair: article_order(pair[0]))
    persons: dict[tuple[str, Span], int | None] = {}
    scores = IdentityScores(mentions=len(gold))
    scores.mentions_by_split.update(mention.split for mention in gold)
    with tempfile.TemporaryDirectory() as tmp, open_database(Path(tmp) / "identity.db") as db:
        ids: dict[str, int] = {}
        for name, record in ordered:
            ids[name] = db.save_article(record).article_id
        conn = db.connection
        for mention in gold:
            article_id = ids.get(mention.article)
            if article_id is None:
                continue
            best: tuple[int, int | None] | None = None
            for source, person_id in conn.execute(
                "SELECT source, person_id FROM quotes WHERE article_id = ?", (article_id,)
            ):
                shared = sum(
                    max(0, min(end, mention.source[1]) - max(start, mention.source[0]))
                    for start, end in json.loads(source)
                )
                if shared and (best is None or shared > best[0]):
                    best = (shared, person_id)
            if best is not None:
                scores.matched += 1
                persons[(mention.article, mention.source)] = best[1]
                if best[1] is not None:
                    scores.linked += 1
                    scores.linked_by_split[mention.split] += 1
    found = [m for m in gold if persons.get((m.article, m.source)) is not None]
    for first, second in combinations(found, 2):
        if first.article == second.article:
            continue
        predicted = (
            persons[(first.article, first.source)] == persons[(second.article, second.source)]
        )
        truth = first.person == second.person
        scores.predicted_pairs += predicted
        scores.true_pairs += truth
        scores.correct_pairs += predicted and truth
        if predicted and not truth:
            scores.wrong_merges[tuple(sorted((first.person, second.person)))] += 1  # type: ignore[index]
        if truth and not predicted:
            scores.missed_merges[first.person] += 1
    return scores
