"""Identifying the language of an article's text.

Owns the language guess for a text, from the langid.py model that ships inside the
``py3langid`` package (97 languages, no download at run time). Does not decide what to
do with a non-English article: the pipeline (``onrecord.nlp.pipeline``) skips the
English extractors for it and says so in a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SAMPLE_CHARS = 4000
"""Only this many characters (from the start) are read: enough for a stable guess."""
MIN_LETTERS = 40
"""Texts with fewer letters than this get no guess: too short to tell."""

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class LanguageGuess:
    """The identified language of a text.

    Attributes:
        code: ISO 639-1 code (``en``, ``de``, ...).
        probability: The model's normalised probability for it, 0..1.
    """

    code: str
    probability: float


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def identify_language(text: str) -> LanguageGuess | None:
    """Guess the language of ``text``.

    Args:
        text: Any text; only its first ``SAMPLE_CHARS`` characters are read.

    Returns:
        The guess, or None when the text has too few letters to tell.
    """
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    code, probability = _identifier().classify(sample)
    return LanguageGuess(str(code), float(probability))
