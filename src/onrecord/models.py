"""Plain data types shared by every layer: documents, quotes, entities, warnings, records.

This module owns the shape of the public JSONL record written by ``onrecord extract``
(see ``ArticleRecord.to_dict``) and nothing else: no I/O, no NLP. Every other layer
imports from here; this module imports from none of them.

Offsets everywhere are Python ``str`` offsets into ``ArticleRecord.text``, end exclusive.
A span with several fragments (a quote interrupted by "he said") is a list of
``(start, end)`` pairs in text order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

Span = tuple[int, int]
"""One contiguous fragment: ``(start, end)``, end exclusive."""

QuoteType = Literal["direct", "indirect", "mixed"]


@dataclass(frozen=True)
class Notice:
    """A warning about one input, attached to its record instead of stopping the batch.

    Attributes:
        code: A stable machine-readable identifier, e.g. ``"foreign_script"``.
        message: A sentence for people, naming the problem.
        spans: Where in the text the problem lies, if anywhere.
    """

    code: str
    message: str
    spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in the public record."""
        return {"code": self.code, "message": self.message, "spans": [list(s) for s in self.spans]}


@dataclass
class RawDocument:
    """An input article as read from disk or stdin, before any analysis.

    Attributes:
        path: The path as the user gave it (``"-"`` for stdin).
        text: The decoded text, exactly as read.
        encoding: The encoding used to decode the bytes.
        notices: Problems found while reading (encoding guessed, NUL bytes, ...).
        format: Where the text came from: ``text``, ``html``, ``feed``, ``warc`` or
            ``jsonl``. For every format but ``text`` the text is the article body only
            and the headline and other facts come from the fields below.
        title: The headline, when the source gives it (HTML metadata, a feed entry).
        url: The article's canonical or fetched URL.
        authors: Bylines, in source order.
        published: Publication date (ISO 8601) given by the source.
        site: The site or outlet name given by the source.
        language: The language the source declares (the text's own is identified later).
    """

    path: str
    text: str
    encoding: str = "utf-8"
    notices: list[Notice] = field(default_factory=list)
    format: str = "text"
    title: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    site: str | None = None
    language: str | None = None


@dataclass
class Layout:
    """What clean-up found around the article body; the text itself is never changed.

    Attributes:
        title: The headline, if the first line looks like one.
        title_span: Where the headline lies.
        site: The site name printed as page chrome ("RKS NEWS").
        reading_time: A reading-time line ("2 Min Read"), as written.
        boilerplate: Spans of site chrome to keep out of quote and entity extraction.
        paragraphs: Spans of body paragraphs, in order, with chrome removed.
        notices: Warnings about the text (foreign-script words, ...).
    """

    title: str | None = None
    title_span: Span | None = None
    site: str | None = None
    reading_time: str | None = None
    boilerplate: list[Span] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


@dataclass
class Quote:
    """One statement and its attribution.

    Attributes:
        content: Fragments of what was said.
        cue: Fragments of the attribution cue ("said", "according to", ":").
        source: The speaker mention as written nearest the cue ("he", "Rutte").
        speaker: The resolved canonical speaker ("Mark Rutte"), if known.
        speaker_role: The speaker's role or title in this article, if given.
        type: ``direct``, ``indirect`` or ``mixed``.
        confidence: How sure the extractor is, between 0 and 1.
        extractor: Name and version of the code that made this quote.
        rule: Which rule of the extractor found it (for calibration and tracing; not
            part of the public JSON record).
        agreement: How the trained tagger's spans agree with it (for calibration; not
            part of the public JSON record).
    """

    content: list[Span]
    cue: list[Span] = field(default_factory=list)
    source: list[Span] = field(default_factory=list)
    speaker: str | None = None
    speaker_role: str | None = None
    type: QuoteType = "direct"
    confidence: float = 0.5
    extractor: str = "onrecord.QuoteRules.v1"
    rule: str = ""
    agreement: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in the public record."""
        return {
            "content": [list(s) for s in self.content],
            "cue": [list(s) for s in self.cue],
            "source": [list(s) for s in self.source],
            "speaker": self.speaker,
            "speaker_role": self.speaker_role,
            "type": self.type,
            "confidence": round(self.confidence, 3),
        }


@dataclass
class Entity:
    """A person, organisation, place or date, with all its mentions in one article.

    Attributes:
        text: The fullest form as written.
        label: spaCy's label (``PERSON``, ``ORG``, ``GPE``, ``LOC``, ``DATE``, ...).
        canonical: The canonical name within the article ("Mark Rutte" for "Rutte").
        spans: Every mention.
        roles: Roles or titles the article gives the entity ("NATO Secretary General").
    """

    text: str
    label: str
    canonical: str
    spans: list[Span] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in the public record."""
        return {
            "text": self.text,
            "label": self.label,
            "canonical": self.canonical,
            "spans": [list(s) for s in self.spans],
            "roles": list(self.roles),
        }


@dataclass
class ArticleRecord:
    """Everything extracted from one article: the public ``onrecord extract`` record.

    Attributes:
        path: The path as given.
        text: The decoded original text; all offsets point into it.
        title: The headline.
        site: The site name.
        published: Publication date (ISO 8601), when known.
        url: Where the article was published, when known (HTML, feeds, WARC, JSONL).
        authors: Bylines, when known.
        language: ISO 639-1 code of the text's language, as identified.
        cluster: Identifier shared by near-duplicate copies of one story (syndicated wire
            copy); the ``content_hash`` of the first copy seen.
        quotes: Statements found.
        entities: People, organisations, places and dates.
        warnings: Problems with this input.
        metadata: Extra facts (encoding, reading time, boilerplate spans, content hash).
    """

    path: str
    text: str
    title: str | None = None
    site: str | None = None
    published: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    cluster: str | None = None
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the public JSON record (keys and meanings are a stable contract)."""
        return {
            "path": self.path,
            "text": self.text,
            "title": self.title,
            "site": self.site,
            "published": self.published,
            "url": self.url,
            "authors": list(self.authors),
            "language": self.language,
            "cluster": self.cluster,
            "quotes": [q.to_dict() for q in self.quotes],
            "entities": [e.to_dict() for e in self.entities],
            "warnings": [w.to_dict() for w in self.warnings],
            "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleRecord:
        """Rebuild a record from its JSON form (the inverse of ``to_dict``).

        Args:
            data: A dict as produced by ``to_dict`` or read from JSONL.

        Returns:
            The record.
        """

        def spans(value: Any) -> list[Span]:
            return [(int(s), int(e)) for s, e in value]

        return cls(
            path=data["path"],
            text=data["text"],
            title=data.get("title"),
            site=data.get("site"),
            published=data.get("published"),
            url=data.get("url"),
            authors=list(data.get("authors", [])),
            language=data.get("language"),
            cluster=data.get("cluster"),
            quotes=[
                Quote(
                    content=spans(q["content"]),
                    cue=spans(q.get("cue", [])),
                    source=spans(q.get("source", [])),
                    speaker=q.get("speaker"),
                    speaker_role=q.get("speaker_role"),
                    type=q.get("type", "direct"),
                    confidence=float(q.get("confidence", 0.5)),
                )
                for q in data.get("quotes", [])
            ],
            entities=[
                Entity(
                    text=e["text"],
                    label=e["label"],
                    canonical=e["canonical"],
                    spans=spans(e.get("spans", [])),
                    roles=list(e.get("roles", [])),
                )
                for e in data.get("entities", [])
            ],
            warnings=[
                Notice(w["code"], w["message"], tuple(spans(w.get("spans", []))))
                for w in data.get("warnings", [])
            ],
            metadata=dict(data.get("metadata", {})),
        )


def span_text(text: str, spans: list[Span]) -> str:
    """Join the fragments of a span with " … " for display.

    Args:
        text: The article text.
        spans: The fragments.

    Returns:
        The fragments' text.
    """
    return " … ".join(text[s:e] for s, e in spans)


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of the text's UTF-8 bytes: the article's identity.

    Args:
        text: The article text.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
