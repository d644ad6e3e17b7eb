"""Convert PolNeAR brat attributions into spaCy ``DocBin`` training data.

Each article becomes one ``Doc`` (or one per paragraph with ``by_paragraph``) made with the
tokenizer of the given pipeline (``nlp.make_doc``), or parsed by it (``parse``: tags and
dependency labels for a tagger that reads them, see ``parsed_copy`` and the corpus reader
``onrecord.ParsedCorpus.v1``), with the gold roles of its attributions as ``doc.ents``
labelled ``CUE``, ``SOURCE`` and ``CONTENT``.

Span policy:

* A discontinuous role (``3223 3246;3248 3443``) gives one span per fragment; a fragment
  that crosses a paragraph break is cut there (paragraph = blank-line separated block).
* Leading/trailing whitespace is trimmed and a fragment is aligned to tokens with
  ``doc.char_span(..., alignment_mode="expand")``.
* ``doc.ents`` cannot overlap, while PolNeAR nests attributions (a CUE and SOURCE inside
  another attribution's CONTENT, contents inside contents). Spans are therefore chosen
  greedily: by label priority (the order of ``labels``: CUE, SOURCE, CONTENT by default),
  then longest first, then text order; a span overlapping one already kept is dropped.
  Hence inner CUE/SOURCE win over an outer CONTENT, and an outer CONTENT wins over the
  contents nested in it.
* Because of that conflict the recommended setup trains one model per *label group*
  (``LABEL_GROUPS``): ``cue_source`` (CUE and SOURCE hardly ever overlap) and ``content``
  (CONTENT alone, so outer contents are never cut by the cues inside them).

Article texts are read from the PolNeAR folder at run time and never stored in the repo.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from spacy.attrs import DEP, TAG
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab

from onrecord.ingest.polnear import read_gold, select_annotation_files
from onrecord.nlp.parse import pipe_texts

CUE, SOURCE, CONTENT = "CUE", "SOURCE", "CONTENT"
LABELS: tuple[str, ...] = (CUE, SOURCE, CONTENT)
LABEL_GROUPS: dict[str, tuple[str, ...]] = {
    "all": LABELS,
    "cue_source": (CUE, SOURCE),
    "content": (CONTENT,),
}
"""Named label sets: one ``DocBin`` (and one model) per group."""

_ROLE_OF_LABEL = {CUE: "cue", SOURCE: "source", CONTENT: "content"}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")

CharSpan = tuple[int, int, str]
"""``(start, end, label)`` character span."""


def gold_char_spans(ann_path: Path, labels: Sequence[str] = LABELS) -> list[CharSpan]:
    """Return the distinct gold fragments of the given labels in one ``.ann`` file."""
    spans: set[CharSpan] = set()
    for attribution in read_gold(ann_path):
        for label in labels:
            for start, end in getattr(attribution, _ROLE_OF_LABEL[label]):
                spans.add((start, end, label))
    return sorted(spans)


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of each non-blank paragraph (blank-line separated)."""
    bounds, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _split_at_paragraphs(span: CharSpan, paragraphs: Sequence[tuple[int, int]]) -> list[CharSpan]:
    """Cut a character span at paragraph breaks (dropping the pieces in the breaks)."""
    start, end, label = span
    pieces = [(max(start, p_start), min(end, p_end), label) for p_start, p_end in paragraphs]
    return [piece for piece in pieces if piece[0] < piece[1]]


def _trim(text: str, span: CharSpan) -> CharSpan | None:
    start, end, label = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end, label) if start < end else None


def choose_ents(doc: Doc, spans: Sequence[CharSpan], labels: Sequence[str]) -> list[Span]:
    """Align character spans to tokens and keep a non-overlapping subset (see module doc).

    Args:
        doc: The tokenised document; span offsets are relative to ``doc.text``.
        spans: ``(start, end, label)`` character spans; labels outside ``labels`` are ignored.
        labels: The labels to keep, highest priority first.

    Returns:
        The kept spans, sorted by position.
    """
    priority = {label: rank for rank, label in enumerate(labels)}
    candidates = []
    for span in spans:
        if span[2] not in priority:
            continue
        trimmed = _trim(doc.text, span)
        if trimmed is None:
            continue
        aligned = doc.char_span(trimmed[0], trimmed[1], label=trimmed[2], alignment_mode="expand")
        if aligned is not None and len(aligned):
            candidates.append(aligned)
    candidates.sort(key=lambda s: (priority[s.label_], -len(s), s.start))
    taken = [False] * len(doc)
    kept: list[Span] = []
    for candidate in candidates:
        if any(taken[candidate.start : candidate.end]):
            continue
        taken[candidate.start : candidate.end] = [True] * len(candidate)
        kept.append(candidate)
    return sorted(kept, key=lambda s: s.start)


def article_docs(
    nlp: Language,
    text: str,
    spans: Sequence[CharSpan],
    labels: Sequence[str] = LABELS,
    *,
    by_paragraph: bool = False,
    parse: bool = False,
) -> list[Doc]:
    """Make the gold ``Doc`` (s) of one article.

    Args:
        nlp: A pipeline whose tokenizer is used (``nlp.make_doc``), or that parses the
            text (``parse``).
        text: The article text.
        spans: Its gold ``(start, end, label)`` character spans.
        labels: Labels to keep, highest priority first.
        by_paragraph: One doc per paragraph instead of one per article.
        parse: Run the whole pipeline (tags and dependency labels for a tagger that reads
            them; its entities are replaced by the gold roles).

    Returns:
        The docs with ``doc.ents`` set; ``doc.user_data["offset"]`` is the character offset
        of the doc in the article.
    """
    paragraphs = paragraph_bounds(text)
    pieces = [piece for span in spans for piece in _split_at_paragraphs(span, paragraphs)]
    windows = paragraphs if by_paragraph else [(0, len(text))]
    docs = []
    made = (
        pipe_texts(nlp, (text[s:e] for s, e in windows))
        if parse
        else (nlp.make_doc(text[s:e]) for s, e in windows)
    )
    for (w_start, w_end), doc in zip(windows, made, strict=True):
        local = [
            (start - w_start, end - w_start, label)
            for start, end, label in pieces
            if w_start <= start and end <= w_end
        ]
        doc.ents = choose_ents(doc, local, labels)
        doc.user_data["offset"] = w_start
        docs.append(doc)
    return docs


def iter_split(
    split_dir: Path,
) -> Iterator[tuple[str, str, Path]]:
    """Yield ``(article, text, ann_path)`` for a PolNeAR split directory."""
    for article, ann_path in select_annotation_files(split_dir).items():
        text = (split_dir / "text" / f"{article}.txt").read_text(encoding="utf-8")
        yield article, text, ann_path


def split_docbin(
    nlp: Language,
    split_dir: Path,
    labels: Sequence[str] = LABELS,
    *,
    by_paragraph: bool = False,
    limit: int | None = None,
    parse: bool = False,
) -> DocBin:
    """Convert a PolNeAR split (``text/`` and ``attributions/``) into one ``DocBin``.

    Args:
        nlp: Pipeline whose tokenizer is used.
        split_dir: The split directory.
        labels: Labels to keep, highest priority first.
        by_paragraph: One doc per paragraph.
        limit: Convert only the first ``limit`` articles.
        parse: Parse the paragraphs (see ``article_docs``).

    Returns:
        The ``DocBin`` (user data kept).
    """
    docbin = DocBin(store_user_data=True)
    for index, (_, text, ann_path) in enumerate(iter_split(split_dir)):
        if limit is not None and index >= limit:
            break
        for doc in article_docs(
            nlp,
            text,
            gold_char_spans(ann_path, labels),
            labels,
            by_paragraph=by_paragraph,
            parse=parse,
        ):
            docbin.add(doc)
    return docbin


def write_docbins(
    nlp: Language,
    split_dir: Path,
    out_dir: Path,
    groups: Sequence[str] = ("cue_source", "content"),
    *,
    by_paragraph: bool = False,
    parse: bool = False,
) -> dict[str, Path]:
    """Write ``<out_dir>/<group>.spacy`` for each label group; return group to path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for group in groups:
        path = out_dir / f"{group}.spacy"
        split_docbin(
            nlp, split_dir, LABEL_GROUPS[group], by_paragraph=by_paragraph, parse=parse
        ).to_disk(path)
        paths[group] = path
    return paths


SYNTAX_ATTRS = ("TAG", "DEP")
"""Token attributes of the main pipeline's parse that a syntax-reading tagger embeds."""


def embeds_syntax(config: Mapping[str, Any]) -> bool:
    """Whether a tagger config's embedding reads the parse (``SYNTAX_ATTRS``).

    Such a tagger is trained on parsed docs and reads parsed copies at run time.

    Args:
        config: A spaCy config (loaded from a file, or ``nlp.config``).

    Returns:
        True if its ``tok2vec`` embeds a ``SYNTAX_ATTRS`` attribute (False for a pipeline
        without a shared ``tok2vec`` component, whose components embed the text alone).
    """
    tok2vec = config.get("components", {}).get("tok2vec", {})
    attrs = tok2vec.get("model", {}).get("embed", {}).get("attrs", [])
    return any(attr in SYNTAX_ATTRS for attr in attrs)


def parsed_copy(vocab: Vocab, parsed: Doc) -> Doc:
    """Return a fresh ``Doc`` with ``parsed``'s tokens, tags and dependency labels only.

    The copy has no heads (so no sentence boundaries, which would stop the tagger's
    spans at sentence ends) and no entities (so the tagger's ``ner`` starts from nothing);
    ``TAG`` and ``DEP`` are hashed by the embedding like any other string.

    Args:
        vocab: The tagger's vocabulary.
        parsed: A document tagged and parsed by the main pipeline.

    Returns:
        The copy.
    """
    copy = Doc(vocab, words=[t.text for t in parsed], spaces=[bool(t.whitespace_) for t in parsed])
    copy.from_array([TAG, DEP], parsed.to_array([TAG, DEP]))  # type: ignore[arg-type]
    return copy


@registry.readers("onrecord.ParsedCorpus.v1")  # type: ignore[untyped-decorator]
def parsed_corpus(path: Path) -> Any:
    """The spaCy corpus reader for ``DocBin``s written with ``parse=True``.

    Each example's predicted doc carries the gold doc's tags and dependency labels
    (``parsed_copy``), as the tagger's input does at run time.

    Args:
        path: The ``.spacy`` file.

    Returns:
        A reader: pipeline to examples.
    """

    def read(nlp: Language) -> Iterator[Example]:
        for reference in DocBin().from_disk(path).get_docs(nlp.vocab):
            yield Example(parsed_copy(nlp.vocab, reference), reference)

    return read
