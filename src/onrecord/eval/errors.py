"""Error analysis against PolNeAR-layout annotations: which kinds of mistakes, how often.

Owns sorting every error into a kind — a missed statement (by its type and the kind of
cue that introduced it), a content boundary off, a wrong or missing source, a spurious
statement (by the rule that produced it) — and counting the kinds, so the most frequent
ones can be listed (``onrecord eval errors``; the list in docs/error-analysis.md). Uses
the same overlap criterion as ``eval.polnear``; does not compute the scores themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from onrecord.eval.polnear import OVERLAP_THRESHOLD, jaccard, span_positions
from onrecord.eval.reliability import quote_is_correct
from onrecord.ingest.polnear import GoldAttribution, read_gold, select_annotation_files
from onrecord.models import ArticleRecord, Quote
from onrecord.nlp.quotes.cue_table import load_cue_table, verb_relations
from onrecord.nlp.quotes.cues import (
    PRONOUNS_FEMALE,
    PRONOUNS_MALE,
    PRONOUNS_PLURAL,
    SPEECH_VERBS,
)
from onrecord.nlp.quotes.rules import TABLE_THRESHOLD


def cue_kind(doc: Doc, gold: GoldAttribution) -> str:
    """Describe the cue of a gold attribution ("verb in lexicon", "noun", "colon", ...)."""
    if not gold.cue:
        return "no cue"
    start, end = gold.cue[0][0], gold.cue[-1][1]
    text = doc.text[start:end].strip().lower()
    if text in (":", "—", "-", "–"):
        return "punctuation"
    if text.startswith("according"):
        return "according to"
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return "unaligned"
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
    if not verbs:
        return "noun or other" if any(t.pos_ == "NOUN" for t in span) else "other word"
    verb = verbs[-1]
    lemma = verb.lemma_.lower()
    words = "multi-word " if len([t for t in span if not t.is_punct]) > 1 else ""
    if lemma in SPEECH_VERBS:
        return f"{words}verb in lexicon"
    table = load_cue_table()
    best = max((table.probability(lemma, rel) for rel, _ in verb_relations(verb)), default=0.0)
    if best >= TABLE_THRESHOLD:
        return f"{words}verb in cue table"
    return f"{words}verb unknown to the rules"


def _source_kind(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return "none"
    words = " ".join(text[s:e] for s, e in spans).lower().split()
    if len(words) == 1 and words[0] in PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_PLURAL | {
        "i",
        "it",
    }:
        return "pronoun"
    return "name or phrase"


def classify_article_errors(
    text: str, doc: Doc, gold: list[GoldAttribution], quotes: list[Quote]
) -> Counter[str]:
    """Count the error kinds of one article.

    Args:
        text: The article text.
        doc: The article parsed whole (for the gold cues' parts of speech).
        gold: The annotations.
        quotes: The extracted quotes.

    Returns:
        Error kind to count.
    """
    kinds: Counter[str] = Counter()
    predicted = [span_positions(text, q.content) for q in quotes]
    for attribution in gold:
        if not attribution.content:
            continue
        content = span_positions(text, attribution.content)
        scored = sorted(((jaccard(content, p), i) for i, p in enumerate(predicted)), reverse=True)
        best, index = scored[0] if scored else (0.0, -1)
        if best == 0.0:
            kinds[f"missed {attribution.type} statement, cue: {cue_kind(doc, attribution)}"] += 1
            continue
        quote = quotes[index]
        if best < OVERLAP_THRESHOLD:
            longer = len(predicted[index]) > len(content)
            side = "too long" if longer else "too short"
            kinds[f"content boundary ({attribution.type}): prediction {side}"] += 1
            continue
        if quote_is_correct(text, quote, [attribution]):
            continue
        gold_source = _source_kind(text, attribution.source)
        predicted_source = _source_kind(text, quote.source)
        if predicted_source == "none":
            kinds[f"source missing (gold source: {gold_source})"] += 1
        elif gold_source == "none":
            kinds["source given where annotators have none"] += 1
        else:
            kinds[f"wrong source mention (gold: {gold_source}, predicted: {predicted_source})"] += 1
    for quote in quotes:
        content = span_positions(text, quote.content)
        overlaps = [jaccard(content, span_positions(text, g.content)) for g in gold if g.content]
        if not overlaps or max(overlaps) == 0.0:
            kinds[f"spurious statement (rule: {quote.rule or 'unknown'})"] += 1
    return kinds


def analyse_errors(gold_dir: Path, records: Iterable[ArticleRecord], nlp: Language) -> Counter[str]:
    """Count error kinds over every annotated article that has a record.

    Args:
        gold_dir: A PolNeAR-layout folder.
        records: Extracted records (``path`` stems name the articles).
        nlp: The spaCy pipeline, to parse the gold cues.

    Returns:
        Error kind to count, over all articles.
    """
    files = select_annotation_files(gold_dir)
    total: Counter[str] = Counter()
    for record in records:
        stem = Path(record.path).stem
        if stem not in files:
            continue
        total += classify_article_errors(
            record.text, nlp(record.text), read_gold(files[stem]), record.quotes
        )
    return total


def format_errors(kinds: Counter[str], top: int = 30) -> str:
    """Render the most frequent kinds as a Markdown table."""
    total = sum(kinds.values())
    lines = ["| # | error kind | count | share |", "| --- | --- | ---: | ---: |"]
    for rank, (kind, count) in enumerate(kinds.most_common(top), start=1):
        lines.append(f"| {rank} | {kind} | {count} | {count / total:.1%} |")
    lines.append(f"\n{total} errors in all, {len(kinds)} kinds.")
    return "\n".join(lines)
