"""A learned table of how often a verb, with a given complement, is an attribution cue.

Owns ``CueTable``: for each (verb lemma, relation) pair — relation being the kind of
complement the verb has in the parse (``ccomp``, ``xcomp``, ``dobj`` or ``prep:for``,
``prep:about``, ...) — the number of times the pair occurs in annotated news and the
number of times it is a cue whose statement is that complement. The ratio is the
probability used both to decide whether a verb is a cue ("called for X", "vowed to X",
"cited X" are; "made X" is not) and as the statement's confidence. The table holds
lemmas and counts only, no corpus text. It is built by ``onrecord.train.cues`` from a
PolNeAR-layout folder (``onrecord train cues``) and shipped as ``cue_table.json``.
The rules that use it live in ``nlp.quotes.rules``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

TABLE_PATH = Path(__file__).with_name("cue_table.json")
CLAUSE_RELATIONS = ("ccomp", "xcomp", "dobj")
MIN_SUPPORT = 3
"""Pairs seen fewer times than this are not trusted either way."""
PRIOR_WEIGHT = 2.0
"""Additive smoothing toward zero: a pair seen twice as a cue in two uses gets 0.5."""


def verb_relations(verb: Token) -> Iterator[tuple[str, Token]]:
    """Yield the complements of ``verb`` that could hold a statement.

    Args:
        verb: A verb token.

    Yields:
        ``(relation, head of the complement)``; for a preposition the head is its object
        and the relation names the preposition (``prep:for``).
    """
    for child in verb.children:
        if child.dep_ in CLAUSE_RELATIONS:
            yield child.dep_, child
        elif child.dep_ == "prep":
            objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if objects:
                yield f"prep:{child.lower_}", objects[0]


@dataclass
class CueTable:
    """Counts of (lemma, relation) occurrences and of those that were cues.

    Attributes:
        seen: How often each ``lemma|relation`` key occurred.
        cues: How often it was a cue with its statement in that complement.
        source: Where the counts came from (for the model card).
    """

    seen: Counter[str] = field(default_factory=Counter)
    cues: Counter[str] = field(default_factory=Counter)
    source: str = ""

    def probability(self, lemma: str, relation: str) -> float:
        """Return the smoothed probability that ``lemma`` with ``relation`` is a cue."""
        key = f"{lemma}|{relation}"
        seen = self.seen.get(key, 0)
        if seen < MIN_SUPPORT:
            return 0.0
        return self.cues.get(key, 0) / (seen + PRIOR_WEIGHT)

    def best_relation(self, verb: Token) -> tuple[float, str, Token] | None:
        """Return the most probable statement complement of ``verb``, if any."""
        lemma = verb.lemma_.lower()
        scored = [(self.probability(lemma, rel), rel, head) for rel, head in verb_relations(verb)]
        return max(scored, key=lambda s: s[0]) if scored else None

    def to_json(self) -> str:
        """Serialise, keeping only pairs that were cues at least once (plus their counts)."""
        keys = sorted(
            k for k in self.seen if self.cues.get(k, 0) > 0 and self.seen[k] >= MIN_SUPPORT
        )
        return json.dumps(
            {
                "source": self.source,
                "min_support": MIN_SUPPORT,
                "pairs": {k: [self.cues[k], self.seen[k]] for k in keys},
            },
            indent=0,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, data: str) -> CueTable:
        """Load a table written by ``to_json``."""
        raw = json.loads(data)
        table = cls(source=raw.get("source", ""))
        for key, (cues, seen) in raw["pairs"].items():
            table.cues[key] = cues
            table.seen[key] = seen
        return table


@lru_cache(maxsize=1)
def load_cue_table(path: Path = TABLE_PATH) -> CueTable:
    """Load the shipped table (once per process); an empty table if it is missing."""
    if not path.exists():
        return CueTable()
    return CueTable.from_json(path.read_text(encoding="utf-8"))


def count_cues(
    doc: Doc,
    cue_spans: Iterable[tuple[int, int]],
    content_spans: Iterable[tuple[int, int]],
    table: CueTable,
) -> None:
    """Add one annotated document's counts to ``table``.

    Args:
        doc: The parsed document.
        cue_spans: Character span of each gold cue (first to last fragment).
        content_spans: Character span of the matching gold statement, same order.
        table: The table to update.
    """
    cue_heads: dict[int, tuple[int, int]] = {}
    for (cue_start, cue_end), content in zip(cue_spans, content_spans, strict=True):
        span = doc.char_span(cue_start, cue_end, alignment_mode="expand")
        if span is None:
            continue
        verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
        head = verbs[-1] if verbs else span.root
        cue_heads[head.i] = content
    for token in doc:
        if token.pos_ != "VERB":
            continue
        lemma = token.lemma_.lower()
        statement = cue_heads.get(token.i)
        for relation, head in verb_relations(token):
            key = f"{lemma}|{relation}"
            table.seen[key] += 1
            if statement is not None:
                start = head.left_edge.idx
                end = head.right_edge.idx + len(head.right_edge.text)
                if (
                    statement[0] <= head.idx < statement[1]
                    and start < statement[1]
                    and statement[0] < end
                ):
                    table.cues[key] += 1
