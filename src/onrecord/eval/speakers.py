"""Scoring speaker resolution on pronoun and bare-surname sources against a hand-made gold set.

Owns reading the speaker gold file (``eval/speakers_dev.jsonl``: one JSON object per
attribution, with the article's file name, the offsets of its source mention, the named
person that mention refers to and an antecedent mention of that person; never article
text), comparing person names, and the scores. Leaves extraction to the NLP layer and
reading of ``onrecord extract`` output to its callers: this module takes
``ArticleRecord`` values and never runs the pipeline.

Scoring conventions:

* Records are matched to gold items by the stem of ``record.path`` and the article's file
  name. A record whose text does not hold ``source_text`` at the gold ``source`` offsets
  is refused (it is not the text the gold was made from).
* For each gold item, the predicted quotes whose ``source`` fragments share at least one
  character with the gold source span are candidates; the one sharing the most characters
  is used (ties: the quote that comes first in the record). No candidate: the item is a
  ``missed source``. An article with no record counts all its items as missed.
* The used quote is correct when its ``speaker`` names the gold person (see
  ``names_match``), else the item is a ``wrong speaker`` error (a quote with no speaker
  at all is a wrong speaker too, reported with ``predicted_speaker`` null).
* Accuracy is correct / items whose source was found (the headline figure); coverage is
  found / all items; overall accuracy is correct / all items. A ratio with a zero
  denominator is 0.0.

Name comparison (``name_tokens`` and ``names_match``): both names are reduced to
lower-case tokens, after Unicode NFKC, curly apostrophes made straight, hyphens read as
spaces (``Ban Ki-moon`` and ``Ban Ki moon`` compare equal), a possessive ``'s`` dropped,
punctuation stripped from the edges of each token (inner apostrophes kept: ``O'Neill``),
leading titles dropped while another token
is left (``Mr.``, ``Mrs.``, ``Sen.``, ``President``, ...) and one-letter initials dropped
while another token is left (``Donald J. Trump`` → ``donald trump``). A predicted name
matches when its tokens equal those of the gold speaker or of one of its aliases, or,
for a gold form of two tokens or more, when the predicted tokens contain all the gold
form's tokens, end with the same surname token and add no generational suffix
(``Hillary Rodham Clinton`` matches ``Hillary Clinton``; ``Donald Trump Jr.`` does not
match ``Donald Trump``; a bare ``Clinton`` matches neither Hillary nor Bill Clinton).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from onrecord.eval.polnear import records_by_stem
from onrecord.models import ArticleRecord, Quote, Span, span_text

SourceKind = Literal["pronoun", "surname"]
ErrorKind = Literal["missed source", "wrong speaker"]

SOURCE_KINDS: tuple[SourceKind, ...] = ("pronoun", "surname")
PRONOUNS = frozenset({"he", "she", "him", "her", "i"})
"""Source mentions counted as pronouns (compared lower-cased)."""

TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "dame",
        "sen",
        "senator",
        "rep",
        "representative",
        "gov",
        "governor",
        "president",
        "pres",
        "vice",
        "gen",
        "general",
        "lt",
        "col",
        "capt",
        "adm",
        "rev",
        "hon",
        "secretary",
        "chancellor",
        "minister",
        "mayor",
        "judge",
    }
)
"""Title tokens dropped from the front of a name before comparing."""

GENERATIONAL_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_EDGE_PUNCTUATION = ".,;:!?\"'“”‘’()[]{}«»"


# --------------------------------------------------------------------------- gold data


@dataclass(frozen=True)
class GoldSpeaker:
    """One gold item: a pronoun or surname source and the named person it refers to.

    Attributes:
        article: The article's file name (``<name>.txt``), without any folder.
        source: Offsets of the source mention in the article text.
        source_text: The source mention as written ("he", "Mr. Obama").
        kind: ``pronoun`` or ``surname``.
        speaker: The person's fullest name as the article first writes it.
        aliases: Other acceptable full forms of the name.
        antecedent: Offsets of one named mention of the person in the article.
    """

    article: str
    source: Span
    source_text: str
    kind: SourceKind
    speaker: str
    aliases: tuple[str, ...] = ()
    antecedent: Span = (0, 0)

    @property
    def names(self) -> tuple[str, ...]:
        """Return the speaker and its aliases: every accepted form of the name."""
        return (self.speaker, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in the gold file."""
        return {
            "article": self.article,
            "source": list(self.source),
            "source_text": self.source_text,
            "kind": self.kind,
            "speaker": self.speaker,
            "aliases": list(self.aliases),
            "antecedent": list(self.antecedent),
        }


def source_kind(source_text: str) -> SourceKind:
    """Classify a source mention as a pronoun or a (possibly titled) surname.

    Args:
        source_text: The mention as written.

    Returns:
        ``pronoun`` for he, she, him, her and I (any case), else ``surname``.
    """
    return "pronoun" if source_text.strip().lower() in PRONOUNS else "surname"


def load_gold(path: Path) -> list[GoldSpeaker]:
    """Read a speaker gold file (JSON lines; blank lines are skipped).

    Each line needs ``article``, ``source`` and ``source_text``, ``speaker`` and
    ``antecedent``; ``aliases`` defaults to none and ``kind`` to ``source_kind`` of the
    source text.

    Args:
        path: The ``.jsonl`` file.

    Returns:
        The items, in file order.

    Raises:
        ValueError: If a line is not a JSON object with the required keys, or an
            article and source span occur twice.
    """
    items: list[GoldSpeaker] = []
    seen: set[tuple[str, Span]] = set()
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{line_number}"
        try:
            data = json.loads(line)
            item = _gold_item(data)
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{where}: bad gold item ({error})") from error
        key = (item.article, item.source)
        if key in seen:
            raise ValueError(f"{where}: {item.article} {list(item.source)} occurs twice")
        seen.add(key)
        items.append(item)
    return items


def _gold_item(data: Any) -> GoldSpeaker:
    """Build one gold item from its decoded JSON object."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    kind = data.get("kind") or source_kind(data["source_text"])
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return GoldSpeaker(
        article=str(data["article"]),
        source=_span(data["source"]),
        source_text=str(data["source_text"]),
        kind=kind,
        speaker=str(data["speaker"]),
        aliases=tuple(str(alias) for alias in data.get("aliases", [])),
        antecedent=_span(data["antecedent"]),
    )


def _span(value: Any) -> Span:
    """Turn ``[start, end]`` into a span, checking it."""
    start, end = (int(v) for v in value)
    if not 0 <= start < end:
        raise ValueError(f"bad span {value!r}")
    return start, end


# --------------------------------------------------------------------------- names


def name_tokens(name: str) -> tuple[str, ...]:
    """Reduce a person's name to the tokens compared by ``names_match``.

    Args:
        name: A name as written ("Mr. Obama", "Donald J. Trump", "James O’Neill").

    Returns:
        Lower-case tokens without leading titles and one-letter initials (each kept
        when it is the only token left).
    """
    text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'").lower()
    text = text.replace("-", " ").replace("‐", " ")
    tokens = [token.strip(_EDGE_PUNCTUATION) for token in text.split()]
    tokens = [token for token in tokens if token]
    if tokens and tokens[-1].endswith("'s") and len(tokens[-1]) > 2:
        tokens[-1] = tokens[-1][:-2]
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens.pop(0)
    initials = [token for token in tokens if len(token) == 1]
    if initials and len(initials) < len(tokens):
        tokens = [token for token in tokens if len(token) > 1]
    return tuple(tokens)


def names_match(predicted: str | None, accepted: Sequence[str]) -> bool:
    """Whether a predicted speaker names the gold person.

    Args:
        predicted: The predicted canonical speaker, or None.
        accepted: The gold speaker and its aliases.

    Returns:
        True when the predicted tokens equal those of an accepted form, or contain all
        tokens of an accepted form of two tokens or more, end with its last token and
        add no generational suffix.
    """
    if not predicted:
        return False
    tokens = name_tokens(predicted)
    if not tokens:
        return False
    for form in accepted:
        gold = name_tokens(form)
        if not gold:
            continue
        if tokens == gold:
            return True
        extra = set(tokens) - set(gold)
        if (
            len(gold) >= 2
            and set(gold) <= set(tokens)
            and tokens[-1] == gold[-1]
            and not extra & GENERATIONAL_SUFFIXES
        ):
            return True
    return False


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class SpeakerError:
    """One gold item the prediction got wrong.

    Attributes:
        article: The article's file name.
        source: The gold source span.
        source_text: The gold source mention.
        kind: ``pronoun`` or ``surname``.
        gold_speaker: The gold person.
        error: ``missed source`` or ``wrong speaker``.
        predicted_speaker: The speaker of the quote used, if any.
        predicted_source: The text of that quote's source, if any.
    """

    article: str
    source: Span
    source_text: str
    kind: SourceKind
    gold_speaker: str
    error: ErrorKind
    predicted_speaker: str | None = None
    predicted_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "article": self.article,
            "source": list(self.source),
            "source_text": self.source_text,
            "kind": self.kind,
            "gold_speaker": self.gold_speaker,
            "error": self.error,
            "predicted_speaker": self.predicted_speaker,
            "predicted_source": self.predicted_source,
        }


@dataclass
class KindCounts:
    """Counts for one kind of source (or for all items).

    Attributes:
        items: Gold items.
        found: Items whose source a predicted quote overlaps.
        correct: Found items whose predicted speaker names the gold person.
    """

    items: int = 0
    found: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        """Return correct / found: the headline figure."""
        return self.correct / self.found if self.found else 0.0

    @property
    def coverage(self) -> float:
        """Return found / items."""
        return self.found / self.items if self.items else 0.0

    @property
    def accuracy_all(self) -> float:
        """Return correct / items: missed sources count as wrong."""
        return self.correct / self.items if self.items else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return counts and ratios as plain JSON-ready values."""
        return {
            "items": self.items,
            "found": self.found,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "coverage": round(self.coverage, 4),
            "accuracy_all": round(self.accuracy_all, 4),
        }


@dataclass
class SpeakerScores:
    """Speaker-resolution scores over a gold set.

    Attributes:
        articles: Distinct articles in the gold set.
        total: Counts over all items.
        by_kind: Counts per source kind (``pronoun``, ``surname``).
        errors: Every missed source and wrong speaker, in gold order.
    """

    articles: int = 0
    total: KindCounts = field(default_factory=KindCounts)
    by_kind: dict[SourceKind, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in SOURCE_KINDS}
    )
    errors: list[SpeakerError] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Return accuracy over items with a matched source (the headline figure)."""
        return self.total.accuracy

    @property
    def coverage(self) -> float:
        """Return the share of items whose source was found."""
        return self.total.coverage

    @property
    def accuracy_all(self) -> float:
        """Return accuracy over all items."""
        return self.total.accuracy_all

    def error_counts(self) -> Counter[str]:
        """Return how many errors of each kind there are."""
        return Counter(error.error for error in self.errors)

    def to_dict(self) -> dict[str, Any]:
        """Return every count, ratio and error as plain JSON-ready values."""
        return {
            "articles": self.articles,
            **self.total.to_dict(),
            "by_kind": {kind: counts.to_dict() for kind, counts in self.by_kind.items()},
            "error_counts": dict(self.error_counts()),
            "errors": [error.to_dict() for error in self.errors],
        }

    def format_table(self, max_errors: int | None = None) -> str:
        """Return a plain-text table of the scores, then the errors.

        Args:
            max_errors: List at most this many errors (all when None).

        Returns:
            The table.
        """
        lines = [
            f"Speakers: {self.total.items} gold items in {self.articles} articles"
            " (pronoun and bare-surname sources)",
            "",
            f"{'':<10} {'items':>6} {'found':>6} {'correct':>7}"
            f" {'accuracy':>8} {'coverage':>8} {'acc(all)':>8}",
        ]
        rows = [*self.by_kind.items(), ("all", self.total)]
        for name, counts in rows:
            lines.append(
                f"{name:<10} {counts.items:>6} {counts.found:>6} {counts.correct:>7}"
                f" {counts.accuracy:>8.3f} {counts.coverage:>8.3f} {counts.accuracy_all:>8.3f}"
            )
        lines += [
            "",
            "accuracy = correct / found (headline); coverage = found / items;"
            " acc(all) = correct / items",
        ]
        if self.errors:
            counts_text = ", ".join(
                f"{n} {kind}" for kind, n in sorted(self.error_counts().items())
            )
            lines += ["", f"Errors ({counts_text}):"]
            shown = self.errors if max_errors is None else self.errors[:max_errors]
            for error in shown:
                predicted = (
                    f"{error.predicted_speaker!r} (source {error.predicted_source!r})"
                    if error.error == "wrong speaker"
                    else "-"
                )
                lines.append(
                    f"  {error.error:<13} {error.article} {list(error.source)}"
                    f" {error.source_text!r}: gold {error.gold_speaker!r}, predicted {predicted}"
                )
            if len(shown) < len(self.errors):
                lines.append(f"  ... and {len(self.errors) - len(shown)} more")
        return "\n".join(lines)


def score_records(gold: Sequence[GoldSpeaker], records: Iterable[ArticleRecord]) -> SpeakerScores:
    """Score the speakers of extracted records against the gold items.

    Args:
        gold: The gold items.
        records: Extracted records; matched to items by the stem of their path.

    Returns:
        The scores.

    Raises:
        ValueError: If two records share a stem, or a record's text does not hold the
            gold source text at the gold offsets.
    """
    by_stem = records_by_stem(records)
    scores = SpeakerScores(articles=len({item.article for item in gold}))
    for item in gold:
        record = by_stem.get(Path(item.article).stem)
        if record is not None:
            start, end = item.source
            if record.text[start:end] != item.source_text:
                raise ValueError(
                    f"record {record.path!r}: text at {list(item.source)} is not"
                    f" {item.source_text!r}; is it the gold article {item.article}?"
                )
        quote = _source_quote(item.source, record.quotes if record is not None else [])
        counts = (scores.total, scores.by_kind[item.kind])
        for count in counts:
            count.items += 1
        if quote is None:
            scores.errors.append(_error(item, "missed source"))
            continue
        for count in counts:
            count.found += 1
        if names_match(quote.speaker, item.names):
            for count in counts:
                count.correct += 1
        else:
            assert record is not None
            scores.errors.append(
                _error(item, "wrong speaker", quote.speaker, span_text(record.text, quote.source))
            )
    return scores


def _source_quote(source: Span, quotes: Sequence[Quote]) -> Quote | None:
    """Return the quote whose source shares the most characters with ``source``."""
    best: Quote | None = None
    best_overlap = 0
    for quote in quotes:
        overlap = sum(
            max(0, min(end, source[1]) - max(start, source[0])) for start, end in quote.source
        )
        if overlap > best_overlap:
            best, best_overlap = quote, overlap
    return best


def _error(
    item: GoldSpeaker,
    error: ErrorKind,
    predicted_speaker: str | None = None,
    predicted_source: str | None = None,
) -> SpeakerError:
    """Build the error record for a gold item."""
    return SpeakerError(
        article=item.article,
        source=item.source,
        source_text=item.source_text,
        kind=item.kind,
        gold_speaker=item.speaker,
        error=error,
        predicted_speaker=predicted_speaker,
        predicted_source=predicted_source,
    )
