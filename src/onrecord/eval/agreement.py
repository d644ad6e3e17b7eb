"""How far PolNeAR's annotators agree with each other: the human ceiling of its scores.

Owns scoring, on every article that more than one annotator marked, each further
annotator's attributions against the first one's (the lowest annotator id, the one
``onrecord eval polnear`` scores the extractor against), with the extractor's own scorer
(``eval.polnear.score_article``): a second person's attributions, read as predictions.
Reading brat files is ``ingest.polnear``'s; printing is the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from onrecord.eval.polnear import PolnearScores, score_article
from onrecord.ingest.polnear import (
    GoldAttribution,
    annotation_files,
    read_article_text,
    read_gold,
)
from onrecord.models import Quote


@dataclass(frozen=True)
class Agreement:
    """Annotator agreement summed over the doubly annotated articles.

    Attributes:
        articles: Articles marked by more than one annotator.
        pairs: Scored pairs (first annotator, another one).
        scores: The other annotators' attributions scored against the first's.
    """

    articles: int
    pairs: int
    scores: PolnearScores


def as_predictions(attributions: Iterable[GoldAttribution]) -> list[Quote]:
    """An annotator's attributions as the quotes an extractor would give."""
    return [
        Quote(content=a.content, cue=a.cue, source=a.source, type=a.type)
        for a in attributions
        if a.content
    ]


def annotator_agreement(split_dirs: Iterable[Path]) -> Agreement:
    """Score every further annotator of an article against its first one.

    Args:
        split_dirs: Directories in PolNeAR layout (``text/``, ``attributions/``).

    Returns:
        The agreement over every article with more than one annotation file.

    Raises:
        ValueError: If an annotated article has no text file.
    """
    total = PolnearScores()
    articles = pairs = 0
    for split_dir in split_dirs:
        for article, paths in annotation_files(split_dir).items():
            if len(paths) < 2:
                continue
            text_path = split_dir / "text" / f"{article}.txt"
            if not text_path.is_file():
                raise ValueError(f"{paths[0]}: no text file {text_path}")
            text = read_article_text(text_path)
            first = read_gold(paths[0])
            articles += 1
            for other in paths[1:]:
                total += score_article(text, first, as_predictions(read_gold(other)))
                pairs += 1
    return Agreement(articles, pairs, total)
