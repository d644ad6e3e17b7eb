"""Reliability of the confidence scores: bucketed confidence against precision.

Owns deciding whether one extracted quote is right against an article's annotations
(content and source both overlap one annotation) and the reliability table printed by
``onrecord eval polnear``: for each confidence bucket, how many quotes fell in it, their
mean confidence and the share that were right. A calibrated extractor has the two close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

from onrecord.eval.polnear import OVERLAP_THRESHOLD, jaccard, span_positions
from onrecord.ingest.polnear import GoldAttribution, read_gold, select_annotation_files
from onrecord.models import ArticleRecord, Quote

BUCKET_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def quote_is_correct(text: str, quote: Quote, gold: Iterable[GoldAttribution]) -> bool:
    """Whether some annotation matches the quote's content and source (overlap ≥ 0.5).

    Args:
        text: The article text.
        quote: The extracted quote.
        gold: The article's annotations.

    Returns:
        True when an annotation's content overlaps the quote's and their sources overlap
        too (or neither has one).
    """
    content = span_positions(text, quote.content)
    source = span_positions(text, quote.source) if quote.source else frozenset()
    for attribution in gold:
        if not attribution.content:
            continue
        if jaccard(content, span_positions(text, attribution.content)) < OVERLAP_THRESHOLD:
            continue
        if not attribution.source and not quote.source:
            return True
        if (
            attribution.source
            and quote.source
            and jaccard(source, span_positions(text, attribution.source)) >= OVERLAP_THRESHOLD
        ):
            return True
    return False


@dataclass(frozen=True)
class Bucket:
    """One confidence bucket of the reliability table."""

    low: float
    high: float
    count: int
    mean_confidence: float
    precision: float


def reliability_table(gold_dir: Path, records: Iterable[ArticleRecord]) -> list[Bucket]:
    """Bucket every quote by confidence and measure each bucket's precision.

    Args:
        gold_dir: A PolNeAR-layout folder.
        records: Extracted records whose ``path`` stems name the articles.

    Returns:
        One bucket per confidence band (empty bands included, with zeros).
    """
    files = select_annotation_files(gold_dir)
    outcomes: list[tuple[float, bool]] = []
    for record in records:
        stem = Path(record.path).stem
        if stem not in files:
            continue
        gold = read_gold(files[stem])
        outcomes.extend(
            (q.confidence, quote_is_correct(record.text, q, gold)) for q in record.quotes
        )
    buckets = []
    for low, high in pairwise(BUCKET_EDGES):
        inside = [(c, ok) for c, ok in outcomes if low <= c < high]
        count = len(inside)
        buckets.append(
            Bucket(
                low=low,
                high=min(high, 1.0),
                count=count,
                mean_confidence=sum(c for c, _ in inside) / count if count else 0.0,
                precision=sum(ok for _, ok in inside) / count if count else 0.0,
            )
        )
    return buckets


def reliability_dicts(buckets: list[Bucket]) -> list[dict[str, float]]:
    """Return the buckets as JSON-ready dicts."""
    return [asdict(b) for b in buckets]


def format_reliability(buckets: list[Bucket]) -> str:
    """Render the table as plain text."""
    lines = [
        "Reliability (confidence vs. attribution precision)",
        "bucket        quotes  mean conf  precision",
    ]
    for bucket in buckets:
        lines.append(
            f"{bucket.low:.1f}-{bucket.high:.1f}    {bucket.count:7d}  {bucket.mean_confidence:9.3f}  {bucket.precision:9.3f}"
        )
    total = sum(b.count for b in buckets)
    if total:
        error = sum(b.count * abs(b.mean_confidence - b.precision) for b in buckets) / total
        lines.append(f"expected calibration error: {error:.3f}")
    return "\n".join(lines)
