"""Calibrated confidence: how often statements found by each rule are right.

Owns ``Calibration``: for each rule key (the rule that found a statement, its type,
whether it has a source, and for table cues a band of the table's probability) the
number of statements found on annotated data and how many were correct (content and
source both match an annotation). A statement's confidence is that precision, shrunk
toward the rule's own estimate when the key was seen rarely. Built by
``onrecord train calibration`` (see ``train.calibration``) and shipped as
``calibration.json``; counts only, no corpus text.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
PRIOR_WEIGHT = 5.0
"""How many annotated statements the rule's own estimate is worth."""


def rule_key(rule: str, quote_type: str, has_source: bool, raw: float) -> str:
    """Return the calibration key of a statement.

    Args:
        rule: The rule that found it (``clause``, ``adjacent_quote``, ``table:dobj``, ...).
        quote_type: direct, indirect or mixed.
        has_source: Whether a source mention was found.
        raw: The rule's own confidence (the table probability for table cues).

    Returns:
        A string key such as ``clause|indirect|source``.
    """
    parts = [rule, quote_type, "source" if has_source else "nosource"]
    if rule.startswith("table:"):
        parts.append("p<0.5" if raw < 0.5 else "p<0.7" if raw < 0.7 else "p>=0.7")
    elif rule.startswith("tagged_cue"):
        parts.append("p<0.05" if raw < 0.05 else "p<0.2" if raw < 0.2 else "p>=0.2")
    return "|".join(parts)


def agreement_key(key: str, agreement: str) -> str:
    """Return the key of ``key``'s statements with the tagger's ``agreement``."""
    return f"{key}|tagger:{agreement}"


def is_agreement_key(key: str) -> bool:
    """Whether a key counts statements by the tagger's agreement (``agreement_key``)."""
    return "|tagger:" in key


@dataclass
class Calibration:
    """Per-key counts of statements found and statements correct."""

    found: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    source: str = ""

    def add(self, key: str, is_correct: bool) -> None:
        """Count one statement."""
        self.found[key] += 1
        if is_correct:
            self.correct[key] += 1

    def confidence(self, key: str, raw: float, agreement: str = "") -> float:
        """Return the calibrated confidence for ``key`` (``raw`` when never seen).

        With the tagger's ``agreement`` (``agreement.tagger_agreement``), the precision of
        the key's statements with that agreement, shrunk toward the key's own.
        """
        confidence = self._shrunk(key, raw)
        if not agreement:
            return confidence
        return self._shrunk(agreement_key(key, agreement), confidence)

    def _shrunk(self, key: str, prior: float) -> float:
        """The precision of ``key``'s statements, shrunk toward ``prior``."""
        found = self.found.get(key, 0)
        return (self.correct.get(key, 0) + PRIOR_WEIGHT * prior) / (found + PRIOR_WEIGHT)

    def to_json(self) -> str:
        """Serialise the counts."""
        return json.dumps(
            {
                "source": self.source,
                "keys": {k: [self.correct[k], self.found[k]] for k in sorted(self.found)},
            },
            indent=0,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, data: str) -> Calibration:
        """Load counts written by ``to_json``."""
        raw = json.loads(data)
        calibration = cls(source=raw.get("source", ""))
        for key, (correct, found) in raw["keys"].items():
            calibration.correct[key] = correct
            calibration.found[key] = found
        return calibration


@lru_cache(maxsize=1)
def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    """Load the shipped calibration (once per process); empty if missing."""
    if not path.exists():
        return Calibration()
    return Calibration.from_json(path.read_text(encoding="utf-8"))
