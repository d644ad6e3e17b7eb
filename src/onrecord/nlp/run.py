"""Extracting a stream of documents: one record per article, each story extracted once.

Owns the batch loop below every front end (command line, API, distributed runs): it
takes documents (and the ``InputError``s of the readers, passed through), assigns each
article to a cluster of syndicated copies (``clean.duplicates``), runs the extractors on
the first copy of each story (``nlp.pipeline``) and re-uses that extraction for the
other copies, and turns an extractor crash on one article into an ``InputError`` for
that article only. Printing, storing and progress bars belong to the callers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from onrecord.clean.duplicates import DEFAULT_THRESHOLD, SyndicationIndex
from onrecord.ingest.errors import InputError
from onrecord.models import ArticleRecord, RawDocument, content_hash
from onrecord.nlp.pipeline import DEFAULT_MAX_ANALYSED_CHARS, extract_article, record_for_copy

REMEMBERED_STORIES = 20_000
"""Extractions kept for re-use by later copies; older stories are extracted again."""


@dataclass(frozen=True)
class RunSettings:
    """Options of an extraction run.

    Attributes:
        max_analysed_chars: Analyse at most this many characters of each article.
        extractor: ``rules`` or ``model`` (None: the default).
        deduplicate: Find syndicated copies and extract each story once.
        similarity: Estimated Jaccard similarity from which texts are one story.
        tagger_weights: Another trained tagger to use.
    """

    max_analysed_chars: int = DEFAULT_MAX_ANALYSED_CHARS
    extractor: str | None = None
    deduplicate: bool = True
    similarity: float = DEFAULT_THRESHOLD
    tagger_weights: Path | None = None


def extract_documents(
    items: Iterable[RawDocument | InputError],
    nlp: Language,
    settings: RunSettings | None = None,
    *,
    index: SyndicationIndex | None = None,
    stored: Callable[[str], bool] | None = None,
) -> Iterator[ArticleRecord | InputError]:
    """Extract every document, re-using the extraction of a story for its copies.

    Args:
        items: Documents, and reader errors to pass through.
        nlp: The spaCy pipeline.
        settings: Run options.
        index: An index of stories seen before (a store's, so that copies join the
            clusters of stored stories); a new one when None.
        stored: Tells whether a text (by content hash) is stored already; such a text is
            not extracted again (an interrupted ingest resumes where it stopped) and its
            record carries no statements, only where it was read from.

    Yields:
        A record per document (its ``cluster`` set), or the ``InputError`` of an item
        that could not be read or extracted, in input order.
    """
    settings = settings or RunSettings()
    if not settings.deduplicate:
        index = None
    elif index is None:
        index = SyndicationIndex(settings.similarity)
    stories: OrderedDict[str, ArticleRecord] = OrderedDict()
    # Stored first copies skipped by this run, in case a copy of theirs comes later: it is
    # then given the first copy's statements, as in a run that was never interrupted.
    skipped: OrderedDict[str, RawDocument] = OrderedDict()

    def extract(document: RawDocument) -> ArticleRecord:
        return extract_article(
            document,
            nlp,
            max_analysed_chars=settings.max_analysed_chars,
            extractor=settings.extractor,
            tagger_weights=settings.tagger_weights,
        )

    for item in items:
        if isinstance(item, InputError):
            yield item
            continue
        digest = content_hash(item.text)
        if stored is not None and stored(digest):
            if index is not None:
                known = index.assign(digest, item.text)
                if known.id not in stories and known.id not in skipped:
                    skipped[known.id] = item
                    if len(skipped) > REMEMBERED_STORIES:
                        skipped.popitem(last=False)
            yield already_stored(item, digest)
            continue
        cluster = index.assign(digest, item.text) if index is not None else None
        first = stories.get(cluster.id) if cluster is not None else None
        try:
            if first is None and cluster is not None and cluster.id in skipped:
                first = extract(skipped.pop(cluster.id))
                first.cluster = cluster.id
                stories[cluster.id] = first
            if first is not None:
                record = record_for_copy(first, item)
                stories.move_to_end(first.cluster or "")
            else:
                record = extract(item)
                record.cluster = cluster.id if cluster is not None else digest
                if cluster is not None:
                    stories[cluster.id] = record
                    if len(stories) > REMEMBERED_STORIES:
                        stories.popitem(last=False)
        except Exception as exc:  # one article's failure must not stop the batch
            yield InputError(
                item.path,
                "extraction_failed",
                f"{item.path}: extraction failed ({type(exc).__name__}: {exc})",
            )
            continue
        yield record


def already_stored(document: RawDocument, digest: str) -> ArticleRecord:
    """A record for a text that is stored already: where it was read from, nothing more."""
    return ArticleRecord(
        path=document.path,
        text=document.text,
        title=document.title,
        site=document.site,
        published=document.published,
        url=document.url,
        authors=list(document.authors),
        language=document.language,
        metadata={"content_hash": digest, "format": document.format, "already_stored": True},
    )
