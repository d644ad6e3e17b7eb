"""Scoring extracted quotes against gold attributions in PolNeAR layout.

Owns the scores (gold is read by ``ingest.polnear``): precision, recall and F1 for the content,
cue and source roles and for whole attributions, plus content recall by gold type. Leaves
extraction to the NLP layer and reading of ``onrecord extract`` output to its callers:
this module takes ``ArticleRecord`` values and never runs the pipeline.

Scoring conventions:

* Every span is compared as the set of character positions its fragments cover,
  restricted to alphanumeric characters (so outer quotation marks, punctuation and
  whitespace never decide a match). A span without any alphanumeric character (a cue
  ``":"``) falls back to its non-whitespace characters.
* Exact: the two position sets are equal. Overlap: their Jaccard index is at least 0.5.
* Matching is one to one, greedy by descending similarity, ties broken by text order.
* Roles are scored independently, each as a set of span items; an empty role is no item.
  So source is scored over the attributions that have a source: a gold source the
  prediction leaves empty is a false negative, a predicted source where gold has none is
  a false positive (unless it matches another gold source), and attributions without a
  source on either side do not count for source.
* Attribution: a predicted quote matches a gold attribution when their contents match
  and their sources match, or both have no source; one to one, micro-averaged.
* Recall by type: the share of gold contents of each type matched in the content overlap
  matching (gold attributions without content are left out).
* Counts are summed over articles (micro-average). A ratio with a zero denominator is 1.0
  when there is nothing on either side (no gold and no prediction), else 0.0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from onrecord.ingest.polnear import (
    ROLES,
    GoldAttribution,
    classify_quote_type,
    quoted_mask,
    read_article_text,
    read_gold,
    select_annotation_files,
)
from onrecord.models import ArticleRecord, Quote, QuoteType, Span

__all__ = [
    "GoldAttribution",
    "PolnearScores",
    "classify_quote_type",
    "jaccard",
    "quoted_mask",
    "read_article_text",
    "read_gold",
    "records_by_stem",
    "score_article",
    "score_directory",
    "select_annotation_files",
    "span_positions",
]

OVERLAP_THRESHOLD = 0.5
"""The least Jaccard index over alphanumeric positions for an overlap match."""

QUOTE_TYPES: tuple[QuoteType, ...] = get_args(QuoteType)


def _ratio(numerator: int, denominator: int, *, nothing_on_either_side: bool) -> float:
    """Return ``numerator / denominator``; 1.0 or 0.0 when the denominator is zero."""
    if denominator:
        return numerator / denominator
    return 1.0 if nothing_on_either_side else 0.0


@dataclass(frozen=True)
class MatchCounts:
    """How many gold and predicted items there were and how many were matched.

    Attributes:
        gold: Gold items.
        predicted: Predicted items.
        matched: Pairs matched one to one.
    """

    gold: int = 0
    predicted: int = 0
    matched: int = 0

    def __add__(self, other: MatchCounts) -> MatchCounts:
        return MatchCounts(
            self.gold + other.gold, self.predicted + other.predicted, self.matched + other.matched
        )

    @property
    def precision(self) -> float:
        """Return matched / predicted."""
        empty = self.gold == 0
        return _ratio(self.matched, self.predicted, nothing_on_either_side=empty)

    @property
    def recall(self) -> float:
        """Return matched / gold."""
        empty = self.predicted == 0
        return _ratio(self.matched, self.gold, nothing_on_either_side=empty)

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall (0.0 when both are 0)."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the counts and the three ratios."""
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True)
class LevelScores:
    """Counts for one role (or whole attributions) at both strictness levels.

    Attributes:
        exact: Matches on equal alphanumeric positions.
        overlap: Matches on Jaccard index at least ``OVERLAP_THRESHOLD``.
    """

    exact: MatchCounts = MatchCounts()
    overlap: MatchCounts = MatchCounts()

    def __add__(self, other: LevelScores) -> LevelScores:
        return LevelScores(self.exact + other.exact, self.overlap + other.overlap)

    def to_dict(self) -> dict[str, Any]:
        """Return both levels as dicts."""
        return {"exact": self.exact.to_dict(), "overlap": self.overlap.to_dict()}


@dataclass(frozen=True)
class TypeRecall:
    """Content overlap recall for the gold attributions of one type.

    Attributes:
        gold: Gold attributions of this type.
        found: How many of them had their content matched (overlap).
    """

    gold: int = 0
    found: int = 0

    def __add__(self, other: TypeRecall) -> TypeRecall:
        return TypeRecall(self.gold + other.gold, self.found + other.found)

    @property
    def recall(self) -> float:
        """Return found / gold (1.0 when there is no gold of this type)."""
        return _ratio(self.found, self.gold, nothing_on_either_side=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the counts and the recall."""
        return {"gold": self.gold, "found": self.found, "recall": self.recall}


def _empty_type_recalls() -> dict[QuoteType, TypeRecall]:
    return {quote_type: TypeRecall() for quote_type in QUOTE_TYPES}


def _empty_type_counts() -> dict[QuoteType, int]:
    return dict.fromkeys(QUOTE_TYPES, 0)


@dataclass(frozen=True)
class PolnearScores:
    """Scores of predicted quotes against PolNeAR gold, summed over articles.

    Attributes:
        articles: Articles scored.
        gold_attributions: Gold attributions.
        predicted_quotes: Predicted quotes.
        content: Content spans.
        cue: Cue spans.
        source: Source spans (only where there is a source).
        attribution: Whole attributions (content and source).
        recall_by_type: Content overlap recall per gold type.
        predicted_by_type: Predicted quotes per predicted type.
    """

    articles: int = 0
    gold_attributions: int = 0
    predicted_quotes: int = 0
    content: LevelScores = LevelScores()
    cue: LevelScores = LevelScores()
    source: LevelScores = LevelScores()
    attribution: LevelScores = LevelScores()
    recall_by_type: dict[QuoteType, TypeRecall] = field(default_factory=_empty_type_recalls)
    predicted_by_type: dict[QuoteType, int] = field(default_factory=_empty_type_counts)

    def __add__(self, other: PolnearScores) -> PolnearScores:
        return PolnearScores(
            articles=self.articles + other.articles,
            gold_attributions=self.gold_attributions + other.gold_attributions,
            predicted_quotes=self.predicted_quotes + other.predicted_quotes,
            content=self.content + other.content,
            cue=self.cue + other.cue,
            source=self.source + other.source,
            attribution=self.attribution + other.attribution,
            recall_by_type={
                t: self.recall_by_type[t] + other.recall_by_type[t] for t in QUOTE_TYPES
            },
            predicted_by_type={
                t: self.predicted_by_type[t] + other.predicted_by_type[t] for t in QUOTE_TYPES
            },
        )

    def levels(self) -> dict[str, LevelScores]:
        """Return the four scored rows by name: content, cue, source, attribution."""
        return {
            "content": self.content,
            "cue": self.cue,
            "source": self.source,
            "attribution": self.attribution,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return every count and ratio as plain JSON-ready values."""
        return {
            "articles": self.articles,
            "gold_attributions": self.gold_attributions,
            "predicted_quotes": self.predicted_quotes,
            **{name: level.to_dict() for name, level in self.levels().items()},
            "recall_by_type": {t: r.to_dict() for t, r in self.recall_by_type.items()},
            "predicted_by_type": dict(self.predicted_by_type),
        }

    def format_table(self) -> str:
        """Return a plain-text table: P/R/F1 per row and level, then recall by type."""
        lines = [
            f"PolNeAR: {self.articles} articles, {self.gold_attributions} gold attributions,"
            f" {self.predicted_quotes} predicted quotes",
            "",
            f"{'':<12} {'exact':^20}   {'overlap (J>=0.5)':^20}   {'gold':>6} {'pred':>6}",
            f"{'':<12} {'P':>6} {'R':>6} {'F1':>6}   {'P':>6} {'R':>6} {'F1':>6}",
        ]
        for name, level in self.levels().items():
            exact, overlap = level.exact, level.overlap
            lines.append(
                f"{name:<12} {_ratios(exact)}   {_ratios(overlap)}"
                f"   {overlap.gold:>6} {overlap.predicted:>6}"
            )
        lines += ["", "Content recall by gold type (overlap)"]
        lines.append(f"{'type':<12} {'gold':>6} {'found':>6} {'recall':>6} {'pred':>6}")
        for quote_type, recall in self.recall_by_type.items():
            lines.append(
                f"{quote_type:<12} {recall.gold:>6} {recall.found:>6} {recall.recall:>6.3f}"
                f" {self.predicted_by_type[quote_type]:>6}"
            )
        return "\n".join(lines)


def _ratios(counts: MatchCounts) -> str:
    """Format precision, recall and F1 as three columns."""
    return f"{counts.precision:>6.3f} {counts.recall:>6.3f} {counts.f1:>6.3f}"


# --------------------------------------------------------------------------- matching

Positions = frozenset[int]


def span_positions(text: str, spans: Sequence[Span]) -> Positions:
    """Return the normalised positions a span covers, as compared by the scores.

    Args:
        text: The article text.
        spans: The fragments.

    Returns:
        The alphanumeric positions covered, or the non-whitespace ones when there are
        no alphanumeric ones.

    Raises:
        ValueError: If a fragment lies outside the text.
    """
    for start, end in spans:
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {(start, end)} outside a text of {len(text)} characters")
    covered = {index for start, end in spans for index in range(start, end)}
    core = frozenset(index for index in covered if text[index].isalnum())
    return core or frozenset(index for index in covered if not text[index].isspace())


def jaccard(first: Positions, second: Positions) -> float:
    """Return the Jaccard index of two position sets (0.0 when both are empty)."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def _greedy_match(similarities: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """Pair gold and predicted items one to one, most similar first.

    Args:
        similarities: ``(gold index, predicted index)`` to similarity, for eligible
            pairs only.

    Returns:
        The chosen pairs.
    """
    ranked = sorted(similarities.items(), key=lambda item: (-item[1], item[0]))
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs = []
    for (gold_index, predicted_index), _ in ranked:
        if gold_index in used_gold or predicted_index in used_predicted:
            continue
        used_gold.add(gold_index)
        used_predicted.add(predicted_index)
        pairs.append((gold_index, predicted_index))
    return pairs


def _span_similarities(
    gold: Sequence[Positions], predicted: Sequence[Positions], threshold: float
) -> dict[tuple[int, int], float]:
    """Return the Jaccard index of every pair of non-empty items at or above threshold."""
    similarities = {}
    for gold_index, gold_positions in enumerate(gold):
        for predicted_index, predicted_positions in enumerate(predicted):
            if gold_positions and predicted_positions:
                similarity = jaccard(gold_positions, predicted_positions)
                if similarity >= threshold:
                    similarities[(gold_index, predicted_index)] = similarity
    return similarities


def _role_counts(
    gold: Sequence[Positions], predicted: Sequence[Positions], threshold: float
) -> tuple[MatchCounts, list[tuple[int, int]]]:
    """Match one role's spans (empty ones are no items) and count."""
    pairs = _greedy_match(_span_similarities(gold, predicted, threshold))
    counts = MatchCounts(
        gold=sum(1 for positions in gold if positions),
        predicted=sum(1 for positions in predicted if positions),
        matched=len(pairs),
    )
    return counts, pairs


@dataclass(frozen=True)
class _Item:
    """The normalised positions of one attribution's roles."""

    content: Positions
    cue: Positions
    source: Positions


def _attribution_counts(
    gold: Sequence[_Item], predicted: Sequence[_Item], threshold: float
) -> MatchCounts:
    """Match whole attributions: content and source (or no source on both sides)."""
    contents = _span_similarities(
        [g.content for g in gold], [p.content for p in predicted], threshold
    )
    similarities = {}
    for (gold_index, predicted_index), content_similarity in contents.items():
        gold_source, predicted_source = gold[gold_index].source, predicted[predicted_index].source
        if not gold_source and not predicted_source:
            source_similarity = 1.0
        else:
            source_similarity = jaccard(gold_source, predicted_source)
        if source_similarity >= threshold:
            similarities[(gold_index, predicted_index)] = content_similarity + source_similarity
    return MatchCounts(
        gold=sum(1 for g in gold if g.content),
        predicted=sum(1 for p in predicted if p.content),
        matched=len(_greedy_match(similarities)),
    )


def score_article(
    text: str, gold: Sequence[GoldAttribution], predicted: Sequence[Quote]
) -> PolnearScores:
    """Score one article's predicted quotes against its gold attributions.

    Args:
        text: The article text the spans of both sides point into.
        gold: The gold attributions.
        predicted: The predicted quotes.

    Returns:
        The scores of this one article.

    Raises:
        ValueError: If a span lies outside the text.
    """
    gold_items = [_item(text, g.content, g.cue, g.source) for g in gold]
    predicted_items = [_item(text, q.content, q.cue, q.source) for q in predicted]
    levels: dict[str, LevelScores] = {}
    found: set[int] = set()
    for role in ROLES:
        gold_role = [getattr(item, role) for item in gold_items]
        predicted_role = [getattr(item, role) for item in predicted_items]
        exact, _ = _role_counts(gold_role, predicted_role, 1.0)
        overlap, pairs = _role_counts(gold_role, predicted_role, OVERLAP_THRESHOLD)
        levels[role] = LevelScores(exact, overlap)
        if role == "content":
            found = {gold_index for gold_index, _ in pairs}
    attribution = LevelScores(
        _attribution_counts(gold_items, predicted_items, 1.0),
        _attribution_counts(gold_items, predicted_items, OVERLAP_THRESHOLD),
    )
    return PolnearScores(
        articles=1,
        gold_attributions=len(gold),
        predicted_quotes=len(predicted),
        content=levels["content"],
        cue=levels["cue"],
        source=levels["source"],
        attribution=attribution,
        recall_by_type=_recall_by_type(gold, found),
        predicted_by_type=_count_types(q.type for q in predicted),
    )


def _item(text: str, content: Sequence[Span], cue: Sequence[Span], source: Sequence[Span]) -> _Item:
    """Normalise the three roles of one attribution or quote."""
    return _Item(
        span_positions(text, content), span_positions(text, cue), span_positions(text, source)
    )


def _recall_by_type(
    gold: Sequence[GoldAttribution], found: set[int]
) -> dict[QuoteType, TypeRecall]:
    """Count gold attributions of each type, and those whose content was found.

    Attributions without content (a stray trigger) are left out: there is nothing to find.
    """
    recalls = _empty_type_recalls()
    for index, attribution in enumerate(gold):
        if attribution.content:
            recalls[attribution.type] += TypeRecall(gold=1, found=int(index in found))
    return recalls


def _count_types(types: Iterable[QuoteType]) -> dict[QuoteType, int]:
    """Count quote types, listing every type."""
    counts = Counter(types)
    return {quote_type: counts[quote_type] for quote_type in QUOTE_TYPES}


# --------------------------------------------------------------------------- directories


def score_directory(gold_dir: Path, records: Iterable[ArticleRecord]) -> PolnearScores:
    """Score extracted records against every annotated article of a PolNeAR directory.

    Records are matched to articles by the stem of ``record.path``; an article with no
    record counts as all missed, and records for articles not in ``gold_dir`` are
    ignored. Where an article has several annotators, the lowest annotator id is used.

    Args:
        gold_dir: A directory with ``text/*.txt`` and ``attributions/*.ann``.
        records: Extracted records, one per article.

    Returns:
        The scores summed over the annotated articles.

    Raises:
        ValueError: If two records share a stem, a text file is missing, or a record's
            text differs from its gold text file.
    """
    by_article = records_by_stem(records)
    total = PolnearScores()
    for article, ann_path in select_annotation_files(gold_dir).items():
        text_path = gold_dir / "text" / f"{article}.txt"
        if not text_path.is_file():
            raise ValueError(f"{ann_path}: no text file {text_path}")
        text = read_article_text(text_path)
        record = by_article.get(article)
        if record is not None and record.text != text:
            raise ValueError(f"record {record.path!r}: text differs from the gold text {text_path}")
        quotes = record.quotes if record is not None else []
        total += score_article(text, read_gold(ann_path), quotes)
    return total


def records_by_stem(records: Iterable[ArticleRecord]) -> dict[str, ArticleRecord]:
    """Index records by the stem of their path, refusing duplicates."""
    by_stem: dict[str, ArticleRecord] = {}
    for record in records:
        stem = Path(record.path).stem
        if stem in by_stem:
            raise ValueError(f"two records for article {stem!r}: {record.path!r}")
        by_stem[stem] = record
    return by_stem
