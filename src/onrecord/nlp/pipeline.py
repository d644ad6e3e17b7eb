"""From a decoded document to the public ``ArticleRecord``: the extraction pipeline.

Owns the order of the stages — layout clean-up, parsing of the headline and body
paragraphs, quoted regions, quote rules, entities, speaker resolution — and the
assembly of their results into one record. Each stage lives in its own module; this
one only wires them and converts between their types.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from onrecord.clean.language import identify_language
from onrecord.clean.layout import analyse_layout, published_date
from onrecord.models import (
    ArticleRecord,
    Entity,
    Layout,
    Notice,
    Quote,
    RawDocument,
    Span,
    content_hash,
)
from onrecord.nlp.copies import carry_over
from onrecord.nlp.entities import ArticleEntities
from onrecord.nlp.model.predict import WEIGHTS_DIR, RoleSpans, tag_articles
from onrecord.nlp.parse import ParsedArticle, load_pipeline, paragraph_pieces, parse_articles
from onrecord.nlp.quotes.calibration import load_calibration, rule_key
from onrecord.nlp.quotes.marks import find_quoted_regions
from onrecord.nlp.quotes.rules import EXTRACTOR_NAME, QuoteRules
from onrecord.nlp.speakers import SpeakerResolver

EXTRACTORS = ("rules", "model")
DEFAULT_EXTRACTOR = "model"
DROP_BELOW = float(os.environ.get("ONRECORD_DROP_BELOW", "0.3"))
"""Calibrated statements less likely than this to be right are not reported (a setting).

A statement right with probability p raises the expected F1 only when p exceeds half the
F1 reached (Lipton et al., 2014, "Thresholding classifiers to maximize F1 score"); the
attribution F1 is about 0.6-0.65, hence 0.3."""
DEFAULT_MAX_ANALYSED_CHARS = int(os.environ.get("ONRECORD_MAX_ANALYSED_CHARS", "1000000"))
"""Text past this many characters is kept in the record but not analysed (a setting, also
``--max-chars``): the time an article takes grows with it, about 30 s per million."""
_TEXT = re.compile(r"\S")
EXTRACTED_LANGUAGES = ("en",)
"""Languages the extractors are built for; articles in others are stored, not analysed."""
MIN_LANGUAGE_PROBABILITY = 0.9
"""An article is skipped as foreign only when the language guess is at least this sure."""


def extract_article(
    document: RawDocument,
    nlp: Language | None = None,
    *,
    max_analysed_chars: int = DEFAULT_MAX_ANALYSED_CHARS,
    calibrated: bool = True,
    extractor: str | None = None,
    tagger_weights: Path | None = None,
) -> ArticleRecord:
    """Extract quotes, speakers and entities from one document.

    Args:
        document: The decoded input.
        nlp: The spaCy pipeline; defaults to the configured one.
        max_analysed_chars: Analyse at most this many characters; a warning says when
            the rest of a very long article was left out.
        extractor: ``rules`` (the parse rules and the cue table) or ``model`` (the
            same, plus the cues found by the trained tagger in ``nlp.model``);
            default ``$ONRECORD_EXTRACTOR`` or ``DEFAULT_EXTRACTOR``.
        tagger_weights: Another trained tagger to use (for held-out calibration).
        calibrated: Replace each rule's own confidence by its measured precision
            (``nlp.quotes.calibration``); off when building that calibration.

    Returns:
        The record; ``text`` is exactly the document's text.
    """
    return extract_articles(
        [document],
        nlp,
        max_analysed_chars=max_analysed_chars,
        calibrated=calibrated,
        extractor=extractor,
        tagger_weights=tagger_weights,
    )[0]


def extract_articles(
    documents: Sequence[RawDocument],
    nlp: Language | None = None,
    *,
    max_analysed_chars: int = DEFAULT_MAX_ANALYSED_CHARS,
    calibrated: bool = True,
    extractor: str | None = None,
    tagger_weights: Path | None = None,
) -> list[ArticleRecord]:
    """Extract several documents, their paragraphs parsed and tagged together.

    Each record is the one ``extract_article`` gives for its document alone; the
    documents only share the pipeline's batches, which run faster full. An exception
    from any document's extraction fails the whole call (``nlp.run`` then extracts the
    documents one by one to find which).

    Args:
        documents: The decoded inputs.
        nlp: The spaCy pipeline; defaults to the configured one.
        max_analysed_chars: As for ``extract_article``.
        calibrated: As for ``extract_article``.
        extractor: As for ``extract_article``.
        tagger_weights: As for ``extract_article``.

    Returns:
        One record per document, in order.
    """
    extractor = extractor or os.environ.get("ONRECORD_EXTRACTOR") or DEFAULT_EXTRACTOR
    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r}; choose one of {', '.join(EXTRACTORS)}")
    prepared = [_prepare(document, max_analysed_chars) for document in documents]
    analysed = [p for p in prepared if isinstance(p, _Prepared)]
    parses = parse_articles(
        [(p.document.text, p.to_parse) for p in analysed], nlp or load_pipeline()
    )
    tags: list[RoleSpans | None] = [None] * len(analysed)
    if extractor == "model":
        body = []
        for p, parsed in zip(analysed, parses, strict=True):
            pieces = paragraph_pieces(p.document.text, p.paragraphs)
            after_title = parsed.paragraphs[len(parsed.paragraphs) - len(pieces) :]
            body.append((p.document.text, pieces, [paragraph.doc for paragraph in after_title]))
        tags = list(tag_articles(body, weights_dir=tagger_weights or WEIGHTS_DIR))
    finished = iter(
        _finish(p, parsed, tagged, calibrated=calibrated)
        for p, parsed, tagged in zip(analysed, parses, tags, strict=True)
    )
    return [p if isinstance(p, ArticleRecord) else next(finished) for p in prepared]


@dataclass
class _Prepared:
    """An article laid out and found to be English, waiting for the parse."""

    document: RawDocument
    layout: Layout
    language: str | None
    warnings: list[Notice]
    paragraphs: list[Span]
    to_parse: list[Span]
    """The headline (when there is one) and the body paragraphs."""


def _prepare(document: RawDocument, max_analysed_chars: int) -> _Prepared | ArticleRecord:
    """Lay an article out; a record already when it is not analysed (not English)."""
    text = document.text
    layout = analyse_layout(
        text, headline_in_text=headline_in_text(document), max_chars=max_analysed_chars
    )
    warnings: list[Notice] = list(document.notices) + list(layout.notices)
    guess = identify_language(text)
    language = guess.code if guess is not None else document.language
    if (
        guess is not None
        and guess.code not in EXTRACTED_LANGUAGES
        and guess.probability >= MIN_LANGUAGE_PROBABILITY
    ):
        warnings.append(
            Notice(
                "not_english",
                f"{document.path}: the text is in {guess.code!r}, not English; "
                "stored without quote extraction",
            )
        )
        return _record(document, layout, language, [], [], warnings, words=None)
    paragraphs = _limit(layout.paragraphs, max_analysed_chars)
    if _TEXT.search(text, max_analysed_chars):  # the layout stops at the limit
        warnings.append(
            Notice(
                "analysis_truncated",
                f"{document.path}: only the first {max_analysed_chars:,} characters were analysed",
                ((max_analysed_chars, len(text)),),
            )
        )
    to_parse = ([layout.title_span] if layout.title_span else []) + paragraphs
    return _Prepared(document, layout, language, warnings, paragraphs, to_parse)


def _finish(
    prepared: _Prepared, parsed: ParsedArticle, tagged: RoleSpans | None, *, calibrated: bool
) -> ArticleRecord:
    """Find the statements, entities and speakers of a parsed article: its record."""
    document, text = prepared.document, prepared.document.text
    regions, mark_notices = find_quoted_regions(text, prepared.to_parse, location=document.path)
    warnings = prepared.warnings + mark_notices
    attributions = QuoteRules(parsed, regions, prepared.layout.title_span, tagged).extract()
    calibration = load_calibration()
    entities = ArticleEntities(parsed)
    resolutions = SpeakerResolver(text, entities).resolve_all(attributions)
    quotes = [
        Quote(
            content=a.content,
            cue=a.cue,
            source=a.source,
            speaker=r.speaker,
            speaker_role=r.role,
            type=a.type,
            confidence=(
                calibration.confidence(
                    rule_key(a.rule, a.type, bool(a.source), a.confidence),
                    a.confidence,
                    a.agreement,
                )
                if calibrated
                else a.confidence
            ),
            extractor=EXTRACTOR_NAME,
            rule=a.rule,
            agreement=a.agreement,
        )
        for a, r in zip(attributions, resolutions, strict=True)
    ]
    if calibrated:
        quotes = [q for q in quotes if q.confidence >= DROP_BELOW]
    return _record(
        document,
        prepared.layout,
        prepared.language,
        quotes,
        entities.to_entities(),
        warnings,
        words=parsed.word_count(),
    )


def _record(
    document: RawDocument,
    layout: Layout,
    language: str | None,
    quotes: list[Quote],
    entities: list[Entity],
    warnings: list[Notice],
    *,
    words: int | None,
) -> ArticleRecord:
    text = document.text
    return ArticleRecord(
        path=document.path,
        text=text,
        title=document.title or layout.title,
        site=document.site or layout.site,
        published=document.published or published_date(text, layout),
        url=document.url,
        authors=list(document.authors),
        language=language,
        quotes=quotes,
        entities=entities,
        warnings=warnings,
        metadata={
            "encoding": document.encoding,
            "format": document.format,
            "content_hash": content_hash(text),
            "reading_time": layout.reading_time,
            "boilerplate": [list(s) for s in layout.boilerplate],
            "words": words,
            "extractor": EXTRACTOR_NAME if words is not None else None,
        },
    )


def headline_in_text(document: RawDocument) -> bool:
    """Whether the first line of a document's text may be its headline.

    Scraped text starts with it; a body extracted from HTML or a feed does only when it
    repeats the headline the page declares (an ``<h1>`` kept in the body).
    """
    if document.format == "text":
        return True
    if not document.title:
        return False
    first = document.text.lstrip().split("\n", 1)[0]
    return " ".join(first.split()).casefold() == " ".join(document.title.split()).casefold()


def record_for_copy(first: ArticleRecord, document: RawDocument) -> ArticleRecord:
    """The record of a syndicated copy, with the quotes already extracted from another copy.

    The copy keeps its own text, title, site, URL and metadata; the first copy's quotes
    and entities are moved onto its text (``nlp.copies``), and a notice names the copy
    they came from.

    Args:
        first: The record of the copy that was extracted.
        document: The other copy.

    Returns:
        The copy's record, its ``cluster`` set to the first copy's.
    """
    layout = analyse_layout(
        document.text,
        headline_in_text=headline_in_text(document),
        max_chars=DEFAULT_MAX_ANALYSED_CHARS,
    )
    quotes, entities, lost = carry_over(first, document.text)
    warnings = list(document.notices) + list(layout.notices)
    message = f"{document.path}: a copy of {first.path}; its quotes were extracted once"
    if lost:
        message += f" ({lost} of them not found in this copy and left out)"
    warnings.append(Notice("syndicated_copy", message))
    record = _record(
        document,
        layout,
        first.language,
        quotes,
        entities,
        warnings,
        words=first.metadata.get("words"),
    )
    record.metadata["copy_of"] = first.path
    record.cluster = first.cluster
    return record


def _limit(spans: list[Span], max_chars: int) -> list[Span]:
    kept = []
    for start, end in spans:
        if start >= max_chars:
            break
        kept.append((start, min(end, max_chars)))
    return kept
