"""Part of speech, morphology and lemmas for parsed tokens, remembered per token kind.

The small English pipeline sets a token's coarse part of speech and morphology with an
``attribute_ruler`` (a ``Matcher`` over 179 patterns) and then its lemma with a rule
``lemmatizer``. Together they cost a third of the pipeline's time here, although their
result depends on very little: a token's text, fine-grained tag and dependency label,
and for a handful of two-token patterns ("ai n't", "gon na", "there is") its neighbours.

This module owns ``TokenAttributes``, a pipeline component that replaces the two: it
looks each token's result up by that key and runs the original components only on a
small window around a token whose key it has not seen yet, so that its output is the
same as theirs, token for token (tested). Installing it is ``install_token_attributes``;
the choice of pipeline stays in ``nlp.parse``.
"""

from typing import Any, cast

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from thinc.types import Ints2d

RULER = "attribute_ruler"
LEMMATIZER = "lemmatizer"
COMPONENT = "onrecord_token_attributes"
MOSTLY_NEW = 3
"""A document with more than one in this many tokens of unseen kinds is annotated whole."""
MAX_REMEMBERED = 500_000
"""Keys kept before the memory is cleared (about 200 bytes each)."""

Key = tuple[int, ...]


class TokenAttributes:
    """Sets ``pos``, ``morph`` and ``lemma`` exactly as the pipeline's ruler and lemmatizer.

    Args:
        vocab: The pipeline's vocabulary.
        ruler: The pipeline's ``attribute_ruler``.
        lemmatizer: The pipeline's ``lemmatizer``.
    """

    def __init__(self, vocab: Any, ruler: Any, lemmatizer: Any) -> None:
        self.vocab = vocab
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.remembered: dict[Key, tuple[int, int, int]] = {}
        self._in_context = self._context_words(ruler)
        self._expl = vocab.strings.add("expl")
        self._separator_tag = vocab.strings.add("_SP")

    def _context_words(self, ruler: Any) -> set[int]:
        """The lower-case words of the ruler's multi-token patterns (their neighbours matter)."""
        words: set[int] = set()
        for pattern in ruler.patterns:
            tokens = pattern["patterns"][0]
            if len(tokens) < 2:
                continue
            for token in tokens:
                lower = token.get("LOWER")
                if isinstance(lower, str):
                    words.add(self.vocab.strings.add(lower))
                elif isinstance(lower, dict) and "IN" in lower:
                    words.update(self.vocab.strings.add(w) for w in lower["IN"])
                elif isinstance(lower, dict) and "REGEX" in lower:
                    # ^n'?t$ and ^y'?$: the few spellings they admit
                    for word in ("nt", "n't", "y", "y'"):
                        words.add(self.vocab.strings.add(word))
        return words

    def __call__(self, doc: Doc) -> Doc:
        """Annotate one document in place and return it."""
        rows = doc.to_array([ORTH, TAG, DEP, LOWER]).tolist()
        count = len(rows)
        keys: list[Key] = []
        windows: list[tuple[int, int, int]] = []
        missing: dict[Key, tuple[int, int, int]] = {}
        remembered = self.remembered
        context = self._in_context
        expl = self._expl
        for i, (orth, tag, dep, lower) in enumerate(rows):
            previous = rows[i - 1] if i else None
            after = rows[i + 1] if i + 1 < count else None
            if (
                lower in context
                or (previous is not None and (previous[3] in context or previous[2] == expl))
                or (after is not None and after[3] in context)
            ):
                key: Key = (orth, tag, dep, *(previous or (-1,)), *(after or (-1,)))
                window = (i - 1 if previous is not None else i, i + 2 if after else i + 1, i)
            else:
                key = (orth, tag, dep)
                window = (i, i + 1, i)
            keys.append(key)
            windows.append(window)
            if key not in remembered and key not in missing:
                missing[key] = window
        if len(remembered) + len(missing) > MAX_REMEMBERED:
            remembered.clear()  # bounded memory; this document's keys are all computed anew
            missing = dict(zip(keys, windows, strict=True))
        if len(missing) * MOSTLY_NEW > len(keys):
            # Many new kinds (a cold start): the original components on the document
            # itself cost less than on windows of its new tokens; remember their result.
            doc = self.lemmatizer(self.ruler(doc))
            found = doc.to_array([POS, MORPH, LEMMA]).tolist()
            for key, value in zip(keys, found, strict=True):
                remembered.setdefault(key, tuple(value))
            return doc
        if missing:
            remembered.update(
                zip(missing, self._compute(rows, list(missing.values())), strict=True)
            )
        if keys:
            values = numpy.array([remembered[key] for key in keys], dtype="uint64")
            doc.from_array([POS, MORPH, LEMMA], cast(Ints2d, values))
        return doc

    def _compute(
        self, rows: list[list[int]], windows: list[tuple[int, int, int]]
    ) -> list[tuple[int, int, int]]:
        """Run the original components on the token windows, one separator apart.

        Each window is ``(start, end, token)``: the tokens ``rows[start:end]`` go into one
        small document, and the result of ``token`` is read back. A line break token
        before each window of several tokens keeps patterns from matching across windows;
        single tokens need none, as every multi-token pattern names a context word.
        """
        strings = self.vocab.strings
        words: list[str] = []
        tags: list[int] = []
        deps: list[int] = []
        wanted: list[int] = []
        for start, end, token in windows:
            if words and end - start > 1:
                words.append("\n")
                tags.append(self._separator_tag)
                deps.append(0)
            wanted.append(len(words) + token - start)
            for row in rows[start:end]:
                words.append(strings[row[0]])
                tags.append(row[1])
                deps.append(row[2])
        small = Doc(self.vocab, words=words, spaces=[False] * len(words))
        values = numpy.array([tags, deps], dtype="uint64").T
        small.from_array([TAG, DEP], cast(Ints2d, numpy.ascontiguousarray(values)))
        small = self.lemmatizer(self.ruler(small))
        return [(small[i].pos, strings.add(str(small[i].morph)), small[i].lemma) for i in wanted]


def install_token_attributes(nlp: Language) -> Language:
    """Replace the pipeline's ``attribute_ruler`` and ``lemmatizer`` by ``TokenAttributes``.

    A pipeline without both components is returned unchanged.

    Args:
        nlp: A loaded pipeline.

    Returns:
        The same pipeline object.
    """
    if RULER not in nlp.pipe_names or LEMMATIZER not in nlp.pipe_names:
        return nlp
    if COMPONENT not in Language.factories:
        Language.factory(COMPONENT, func=_make_token_attributes)
    nlp.add_pipe(COMPONENT, after=LEMMATIZER)
    nlp.remove_pipe(LEMMATIZER)
    nlp.remove_pipe(RULER)
    return nlp


def _make_token_attributes(nlp: Language, name: str) -> TokenAttributes:
    """The factory: built while the ruler and lemmatizer are still in the pipeline."""
    return TokenAttributes(nlp.vocab, nlp.get_pipe(RULER), nlp.get_pipe(LEMMATIZER))
