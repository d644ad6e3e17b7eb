"""Run the trained attribution-role taggers and return character spans per label.

The shipped weights are spaCy pipelines under ``weights/<group>/``, each a
``tok2vec`` + ``ner`` with its own English tokenizer. Shipped: ``all``
(labels CUE, SOURCE, CONTENT in one ``ner``; a CONTENT never overlaps a CUE/SOURCE, so an
outer content that holds a nested attribution comes out cut around its cue and source).
Also supported, if trained into ``weights/``: ``cue_source`` (CUE, SOURCE) plus ``content``
(CONTENT alone, nested contents kept whole), used when ``all`` is absent. Texts are
tagged paragraph by paragraph (blank-line separated blocks), as in training; spans are
character offsets into the given text.

A tagger whose ``tok2vec`` embeds ``TAG`` and ``DEP`` (the shipped one; see
``data.parsed_copy``) reads the part-of-speech tags and dependency labels of the main
pipeline's parse: ``tag_paragraphs`` then takes the already parsed pieces (``parsed``), or
parses the pieces itself with ``onrecord.nlp.parse.load_pipeline`` when given none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from onrecord.nlp.fast_layers import speed_up_inference
from onrecord.nlp.matmul import use_numpy_matmul
from onrecord.nlp.model.data import embeds_syntax, paragraph_bounds, parsed_copy
from onrecord.nlp.parse import load_pipeline, pipe_docs, pipe_texts

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
GROUPS = ("all", "cue_source", "content")

RoleSpans = dict[str, list[tuple[int, int]]]
"""Label (``CUE``, ``SOURCE``, ``CONTENT``) to sorted ``(start, end)`` character spans."""


@cache
def load_tagger(path: str) -> Language:
    """Load (once) one trained pipeline directory, with the faster inference layers."""
    return use_numpy_matmul(speed_up_inference(spacy.load(path)))


def reads_syntax(nlp: Language) -> bool:
    """Whether a tagger's embedding reads the main pipeline's tags and dependency labels."""
    return embeds_syntax(nlp.config)


def available_groups(weights_dir: Path = WEIGHTS_DIR) -> list[str]:
    """Return the label groups to run: ``all`` if present, else the separate ones present."""
    present = [group for group in GROUPS if (weights_dir / group / "config.cfg").exists()]
    return ["all"] if "all" in present else present


def tag_texts(
    texts: Iterable[str],
    *,
    weights_dir: Path = WEIGHTS_DIR,
    groups: Sequence[str] | None = None,
) -> list[RoleSpans]:
    """Tag attribution roles in each text, paragraph by paragraph (blank-line separated).

    Args:
        texts: Article texts.
        weights_dir: Directory holding one pipeline per label group.
        groups: Label groups to run (default: all present).

    Returns:
        For each text, label to sorted character spans. Spans of one label never overlap;
        spans of labels from different groups may (CUE inside a CONTENT, as in PolNeAR).
    """
    return [
        tag_paragraphs(text, paragraph_bounds(text), weights_dir=weights_dir, groups=groups)
        for text in texts
    ]


def tag_text(text: str, **kwargs: object) -> RoleSpans:
    """Tag one text; see ``tag_texts``."""
    return tag_texts([text], **kwargs)[0]  # type: ignore[arg-type]


def tag_paragraphs(
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    *,
    weights_dir: Path = WEIGHTS_DIR,
    groups: Sequence[str] | None = None,
    parsed: Sequence[Doc] | None = None,
) -> RoleSpans:
    """Tag the given paragraph spans of one text (the body, chrome left out).

    Args:
        text: The article text.
        paragraphs: ``(start, end)`` spans to tag, each on its own.
        weights_dir: Directory holding the trained pipelines, or one pipeline directory.
        groups: Label groups to run (default: all present).
        parsed: The main pipeline's docs of exactly these spans, for a tagger that reads
            the parse (parsed here when not given); ignored by one that does not.

    Returns:
        Label to sorted character spans into ``text``.
    """
    return tag_articles([(text, paragraphs, parsed)], weights_dir=weights_dir, groups=groups)[0]


def tag_articles(
    articles: Sequence[tuple[str, Sequence[tuple[int, int]], Sequence[Doc] | None]],
    *,
    weights_dir: Path = WEIGHTS_DIR,
    groups: Sequence[str] | None = None,
) -> list[RoleSpans]:
    """Tag the paragraph spans of several texts in one stream of batches.

    As ``tag_paragraphs`` for each ``(text, paragraphs, parsed)``; the paragraphs of all
    texts go through each tagger together (full batches run faster), and the tags of a
    paragraph do not depend on its batch.

    Args:
        articles: ``(text, paragraph spans, parsed docs of them or None)`` per text.
        weights_dir: Directory holding the trained pipelines, or one pipeline directory.
        groups: Label groups to run (default: all present).

    Returns:
        Label to sorted character spans, one mapping per text, in order.
    """
    results: list[RoleSpans] = [{} for _ in articles]
    if (weights_dir / "config.cfg").exists():
        pipelines = [weights_dir]  # a pipeline directory itself (e.g. a fresh model-best)
    else:
        chosen = groups if groups is not None else available_groups(weights_dir)
        pipelines = [weights_dir / group for group in chosen]
    parses: list[list[Doc]] | None = None  # parsed once, for every tagger that reads it
    for pipeline in pipelines:
        nlp = load_tagger(str(pipeline))
        docs: Iterable[Doc]
        if reads_syntax(nlp):
            if parses is None:
                parses = [
                    list(parsed)
                    if parsed is not None
                    else list(pipe_texts(load_pipeline(), (text[s:e] for s, e in paragraphs)))
                    for text, paragraphs, parsed in articles
                ]
            # Copies in the main pipeline's vocabulary, whose entries for these words exist
            # already (4-5x faster than in the tagger's, which would also grow without end).
            first = next((piece[0] for piece in parses if piece), None)
            vocab = first.vocab if first is not None else nlp.vocab
            for label in nlp.get_pipe("ner").labels:  # type: ignore[attr-defined]
                vocab.strings.add(label)
            docs = pipe_docs(nlp, (parsed_copy(vocab, doc) for piece in parses for doc in piece))
        else:
            docs = pipe_texts(
                nlp, (text[s:e] for text, paragraphs, _ in articles for s, e in paragraphs)
            )
        owners = (
            (spans, offset)
            for spans, (_, paragraphs, _) in zip(results, articles, strict=True)
            for offset, _ in paragraphs
        )
        for (spans, offset), doc in zip(owners, docs, strict=True):
            for ent in doc.ents:
                spans.setdefault(ent.label_, []).append(
                    (offset + ent.start_char, offset + ent.end_char)
                )
    for spans in results:
        for label in spans:
            spans[label].sort()
    return results
