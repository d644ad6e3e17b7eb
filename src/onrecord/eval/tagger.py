"""Score the attribution-role taggers on a PolNeAR split, per label, against gold fragments.

Gold items are the distinct fragments of each role (a discontinuous role counts once per
fragment; no overlap resolution), predicted items the tagged spans. Spans are compared as in
``onrecord.eval.polnear``: alphanumeric character positions; exact = equal sets, overlap =
Jaccard >= 0.5; one-to-one greedy matching by similarity. Also measures words per second.

Command line: ``python -m onrecord.eval.tagger SPLIT_DIR [--weights DIR]``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import spacy

from onrecord.eval.polnear import OVERLAP_THRESHOLD, jaccard, span_positions
from onrecord.nlp.model.data import LABELS, gold_char_spans, iter_split
from onrecord.nlp.model.predict import WEIGHTS_DIR, RoleSpans, available_groups, tag_texts


def _match_count(
    text: str, gold: list[tuple[int, int]], pred: list[tuple[int, int]], exact: bool
) -> int:
    gold_pos = [span_positions(text, [g]) for g in gold]
    pred_pos = [span_positions(text, [p]) for p in pred]
    pairs: list[tuple[float, int, int]] = []
    for i, g in enumerate(gold_pos):
        for j, p in enumerate(pred_pos):
            if exact:
                if g == p:
                    pairs.append((1.0, i, j))
            elif g & p:
                similarity = jaccard(g, p)
                if similarity >= OVERLAP_THRESHOLD:
                    pairs.append((similarity, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g, used_p, count = set(), set(), 0
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            count += 1
    return count


def rule_predictions(texts: list[str]) -> list[RoleSpans]:
    """Return the rule-based extractor's quote roles as fragments per label (a baseline)."""
    from onrecord.models import RawDocument
    from onrecord.nlp.parse import load_pipeline
    from onrecord.nlp.pipeline import extract_article

    nlp = load_pipeline()
    results: list[RoleSpans] = []
    for text in texts:
        record = extract_article(RawDocument(path="dev.txt", text=text), nlp)
        spans: RoleSpans = {label: [] for label in LABELS}
        for quote in record.quotes:
            for label, fragments in (
                ("CUE", quote.cue),
                ("SOURCE", quote.source),
                ("CONTENT", quote.content),
            ):
                spans[label].extend((start, end) for start, end in fragments)
        results.append({label: sorted(set(found)) for label, found in spans.items()})
    return results


def evaluate(
    split_dir: Path, weights_dir: Path = WEIGHTS_DIR, *, rules: bool = False
) -> dict[str, Any]:
    """Return per-label exact/overlap P/R/F1 and words/s on one split.

    Args:
        split_dir: PolNeAR split directory.
        weights_dir: The trained pipelines (one per label group).
        rules: Score the rule-based extractor instead, for comparison.
    """
    articles = list(iter_split(split_dir))
    texts = [text for _, text, _ in articles]
    groups = ["rules"] if rules else available_groups(weights_dir)
    for group in groups if not rules else []:  # load before timing
        spacy.load(weights_dir / group)
    start = time.perf_counter()
    predictions = rule_predictions(texts) if rules else tag_texts(texts, weights_dir=weights_dir)
    seconds = time.perf_counter() - start
    words = sum(len(text.split()) for text in texts)
    counts = {label: {"gold": 0, "pred": 0, "exact": 0, "overlap": 0} for label in LABELS}
    for (_, text, ann_path), predicted in zip(articles, predictions, strict=True):
        gold_all = gold_char_spans(ann_path)
        for label in LABELS:
            gold = [(s, e) for s, e, lab in gold_all if lab == label]
            pred = predicted.get(label, [])
            c = counts[label]
            c["gold"] += len(gold)
            c["pred"] += len(pred)
            c["exact"] += _match_count(text, gold, pred, exact=True)
            c["overlap"] += _match_count(text, gold, pred, exact=False)
    scores: dict[str, Any] = {
        "groups": groups,
        "words": words,
        "seconds": round(seconds, 2),
        "words_per_second": round(words / seconds),
        "labels": {},
    }
    for label, c in counts.items():
        if not c["pred"] and not c["gold"]:
            continue
        row: dict[str, Any] = {"gold": c["gold"], "pred": c["pred"]}
        for kind in ("exact", "overlap"):
            p = c[kind] / c["pred"] if c["pred"] else 0.0
            r = c[kind] / c["gold"] if c["gold"] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            row[kind] = {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3)}
        scores["labels"][label] = row
    return scores


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split_dir", type=Path)
    parser.add_argument("--weights", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--rules", action="store_true", help="score the rule-based extractor")
    args = parser.parse_args()
    print(json.dumps(evaluate(args.split_dir, args.weights, rules=args.rules), indent=1))


if __name__ == "__main__":
    main()
