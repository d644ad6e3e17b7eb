"""Extracting a stream of documents: one record per article, each story extracted once.

Owns the batch loop below every front end (command line, API, distributed runs): it
takes documents (and the ``InputError``s of the readers, passed through), assigns each
article to a cluster of syndicated copies (``clean.duplicates``), runs the extractors on
the first copy of each story (``nlp.pipeline``), a window of consecutive articles at a
time so that their paragraphs share the parser's and the tagger's batches, and re-uses
that extraction for the other copies, and turns an extractor crash on one article into
an ``InputError`` for that article only. Printing, storing and progress bars belong to
the callers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from onrecord.clean.duplicates import DEFAULT_THRESHOLD, SyndicationIndex
from onrecord.ingest.errors import InputError
from onrecord.models import ArticleRecord, RawDocument, content_hash
from onrecord.nlp.pipeline import DEFAULT_MAX_ANALYSED_CHARS, extract_articles, record_for_copy

REMEMBERED_STORIES = 20_000
"""Extractions kept for re-use by later copies; older stories are extracted again."""


WINDOW_ARTICLES = 32
"""Articles extracted together (their paragraphs share the parser's batches)."""
WINDOW_CHARS = 60_000
"""A window holds articles up to about this many characters in all (about one parser
batch); a longer article is extracted on its own."""


@dataclass(frozen=True)
class RunSettings:
    """Options of an extraction run.

    Attributes:
        max_analysed_chars: Analyse at most this many characters of each article.
        extractor: ``rules`` or ``model`` (None: the default).
        deduplicate: Find syndicated copies and extract each story once.
        similarity: Estimated Jaccard similarity from which texts are one story.
        tagger_weights: Another trained tagger to use.
        window_articles: Consecutive articles extracted together at most; 1 extracts
            each as soon as it is read (for inputs that arrive slowly, such as fetched
            pages, where waiting for a window would only delay the records).
    """

    max_analysed_chars: int = DEFAULT_MAX_ANALYSED_CHARS
    extractor: str | None = None
    deduplicate: bool = True
    similarity: float = DEFAULT_THRESHOLD
    tagger_weights: Path | None = None
    window_articles: int = WINDOW_ARTICLES

    def extraction_options(self) -> dict[str, Any]:
        """The keyword arguments of ``extract_articles`` these settings give."""
        return {
            "max_analysed_chars": self.max_analysed_chars,
            "extractor": self.extractor,
            "tagger_weights": self.tagger_weights,
        }


def extract_documents(
    items: Iterable[RawDocument | InputError],
    nlp: Language,
    settings: RunSettings | None = None,
    *,
    index: SyndicationIndex | None = None,
    stored: Callable[[str], bool] | None = None,
) -> Iterator[ArticleRecord | InputError]:
    """Extract every document, re-using the extraction of a story for its copies.

    Consecutive articles to extract are taken in windows (``WINDOW_ARTICLES``,
    ``WINDOW_CHARS``) and extracted together, which gives each the record it would get
    alone, faster. A window is closed early before a document that depends on one in
    it: a copy of its story, or the same text (which ``stored`` must then see stored).

    Args:
        items: Documents, and reader errors to pass through.
        nlp: The spaCy pipeline.
        settings: Run options.
        index: An index of stories seen before (a store's, so that copies join the
            clusters of stored stories); a new one when None.
        stored: Tells whether a text (by content hash) is stored already; such a text is
            not extracted again (an interrupted ingest resumes where it stopped) and its
            record carries no statements, only where it was read from. It is asked
            after the records before are yielded, so it may answer from what the caller
            stored of them.

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
    window = _Window(settings.window_articles)

    def remember(record: ArticleRecord) -> None:
        stories[record.cluster or ""] = record
        if len(stories) > REMEMBERED_STORIES:
            stories.popitem(last=False)

    def close_window() -> Iterator[ArticleRecord | InputError]:
        results, extracted = window.extract(nlp, settings)
        if index is not None:
            for record in extracted:
                remember(record)
        yield from results

    for item in items:
        if isinstance(item, InputError):
            window.add_ready(item)
            continue
        digest = content_hash(item.text)
        if digest in window.digests:
            yield from close_window()
        if stored is not None and stored(digest):
            if index is not None:
                known = index.assign(digest, item.text)
                if not (known.id in stories or known.id in skipped or known.id in window.clusters):
                    skipped[known.id] = item
                    if len(skipped) > REMEMBERED_STORIES:
                        skipped.popitem(last=False)
            window.add_ready(already_stored(item, digest))
            continue
        cluster = index.assign(digest, item.text) if index is not None else None
        if cluster is not None and cluster.id in window.clusters:
            yield from close_window()
        first = stories.get(cluster.id) if cluster is not None else None
        if first is None and cluster is not None and cluster.id in skipped:
            extracted = _extract_alone(
                skipped.pop(cluster.id), nlp, settings, cluster.id, reported=item
            )
            if isinstance(extracted, InputError):
                window.add_ready(extracted)
                continue
            first = extracted
            remember(first)
        if first is not None:
            try:
                window.add_ready(record_for_copy(first, item))
            except Exception as exc:  # one article's failure must not stop the batch
                window.add_ready(_failure(item, exc))
            stories.move_to_end(first.cluster or "")
            continue
        window.add_pending(item, digest, cluster.id if cluster is not None else digest)
        if window.full():
            yield from close_window()
    yield from close_window()


def _extract_alone(
    document: RawDocument,
    nlp: Language,
    settings: RunSettings,
    cluster: str,
    *,
    reported: RawDocument | None = None,
) -> ArticleRecord | InputError:
    """Extract one document alone.

    Returns:
        The record, or when the extraction fails the ``InputError`` of ``reported``
        (the document itself by default; a copy reports its stored first copy's).
    """
    try:
        record = extract_articles([document], nlp, **settings.extraction_options())[0]
    except Exception as exc:  # one article's failure must not stop the batch
        return _failure(reported or document, exc)
    record.cluster = cluster
    return record


def _failure(document: RawDocument, exc: Exception) -> InputError:
    """The error reported for a document whose extraction raised ``exc``."""
    return InputError(
        document.path,
        "extraction_failed",
        f"{document.path}: extraction failed ({type(exc).__name__}: {exc})",
    )


class _Window:
    """Consecutive documents of a run, in input order, waiting to be yielded.

    It holds results ready already (errors, copies, stored texts) and the articles to
    extract together.
    """

    def __init__(self, articles: int = WINDOW_ARTICLES) -> None:
        self.articles = articles
        self._clear()

    def _clear(self) -> None:
        self.slots: list[ArticleRecord | InputError | int] = []
        self.pending: list[tuple[RawDocument, str]] = []
        self.digests: set[str] = set()
        self.clusters: set[str] = set()
        self.chars = 0

    def add_ready(self, result: ArticleRecord | InputError) -> None:
        self.slots.append(result)

    def add_pending(self, document: RawDocument, digest: str, cluster: str) -> None:
        self.slots.append(len(self.pending))
        self.pending.append((document, cluster))
        self.digests.add(digest)
        self.clusters.add(cluster)
        self.chars += len(document.text)

    def full(self) -> bool:
        return len(self.pending) >= self.articles or self.chars >= WINDOW_CHARS

    def extract(
        self, nlp: Language, settings: RunSettings
    ) -> tuple[list[ArticleRecord | InputError], list[ArticleRecord]]:
        """Extract the pending articles together and empty the window.

        When the joint extraction fails, each article is extracted alone, so that only
        the one that fails becomes an error.

        Returns:
            The window's results in input order, and the records just extracted.
        """
        documents = [document for document, _ in self.pending]
        extracted: list[ArticleRecord | InputError] = []
        try:
            if documents:
                extracted = list(extract_articles(documents, nlp, **settings.extraction_options()))
            for record, (_, cluster) in zip(extracted, self.pending, strict=True):
                record.cluster = cluster  # type: ignore[union-attr]
        except Exception:
            extracted = [
                _extract_alone(document, nlp, settings, cluster)
                for document, cluster in self.pending
            ]
        results = [extracted[slot] if isinstance(slot, int) else slot for slot in self.slots]
        self._clear()
        return results, [r for r in extracted if isinstance(r, ArticleRecord)]


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
