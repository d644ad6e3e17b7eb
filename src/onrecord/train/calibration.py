"""Building the confidence calibration (``onrecord train calibration``).

Owns running the extractor, uncalibrated, over an annotated PolNeAR-layout split and
counting, per rule key, how many statements it found and how many were right: a
statement is right when its content overlaps an annotated content (Jaccard ≥ 0.5 over
alphanumeric positions) and its source overlaps that annotation's source, or neither has
one. The table and its use live in ``nlp.quotes.calibration``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spacy.language import Language

from onrecord.eval.reliability import quote_is_correct
from onrecord.ingest.polnear import (
    read_article_text,
    read_gold,
    select_annotation_files,
)
from onrecord.models import ArticleRecord, RawDocument
from onrecord.nlp.pipeline import extract_article
from onrecord.nlp.quotes.calibration import (
    Calibration,
    agreement_key,
    is_agreement_key,
    rule_key,
)


def build_calibration(
    split_dir: Path,
    nlp: Language,
    progress: Callable[[str], None] | None = None,
    *,
    tagger_weights: Path | None = None,
    keep: Callable[[str], bool] | None = None,
) -> Calibration:
    """Count found and correct statements per rule key over an annotated split.

    Args:
        split_dir: A PolNeAR-layout folder (``text/``, ``attributions/``).
        nlp: The spaCy pipeline used at run time.
        progress: Called with each article's name, for progress bars.
        tagger_weights: A tagger other than the shipped one (see ``held_out_calibration``).
        keep: Count only the rule keys this accepts.

    Returns:
        The calibration counts.
    """
    calibration = Calibration(source=f"{split_dir.name} split of {split_dir.parent.name}")
    files = select_annotation_files(split_dir)
    for stem in sorted(files):
        text = read_article_text(split_dir / "text" / f"{stem}.txt")
        record: ArticleRecord = extract_article(
            RawDocument(path=f"{stem}.txt", text=text),
            nlp,
            calibrated=False,
            tagger_weights=tagger_weights,
        )
        gold = read_gold(files[stem])
        for quote in record.quotes:
            key = rule_key(quote.rule, quote.type, bool(quote.source), quote.confidence)
            keys = [key, agreement_key(key, quote.agreement)] if quote.agreement else [key]
            correct = quote_is_correct(text, quote, gold)
            for counted in keys:
                if keep is None or keep(counted):
                    calibration.add(counted, correct)
        if progress is not None:
            progress(stem)
    return calibration


def is_tagger_key(key: str) -> bool:
    """Whether a key counts statements found through, or judged by, the trained tagger."""
    return key.startswith("tagged_") or is_agreement_key(key)


def held_out_calibration(
    split_dir: Path,
    holdout_dir: Path,
    holdout_weights: Path,
    nlp: Language,
    progress: Callable[[str], None] | None = None,
) -> Calibration:
    """Calibrate the rules on ``split_dir`` and the tagger's statements on held-out data.

    The shipped tagger was trained on ``split_dir``, where its statements look better
    than they are; a tagger trained without ``holdout_dir`` (``holdout_weights``) shows
    how such a tagger does on articles it has not seen.

    Args:
        split_dir: The annotated split the shipped models were built from.
        holdout_dir: Annotated articles the ``holdout_weights`` tagger was not trained on.
        holdout_weights: That tagger's pipeline directory.
        nlp: The spaCy pipeline.
        progress: Called with each article's name.

    Returns:
        The merged counts.
    """
    rules = build_calibration(split_dir, nlp, progress, keep=lambda key: not is_tagger_key(key))
    tagger = build_calibration(
        holdout_dir, nlp, progress, tagger_weights=holdout_weights, keep=is_tagger_key
    )
    rules.found.update(tagger.found)
    rules.correct.update(tagger.correct)
    rules.source = f"{rules.source}; tagger statements: {holdout_dir.name} held out"
    return rules
