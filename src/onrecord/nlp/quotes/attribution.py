"""The statement record the extraction rules build, before speaker resolution.

Owns the ``Attribution`` dataclass shared by the rules (``nlp.quotes.rules``), the
interview lines (``nlp.quotes.interviews``) and speaker resolution (``nlp.speakers``);
finding statements and resolving speakers stay with those modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from onrecord.models import QuoteType, Span
from onrecord.nlp.parse import ParsedParagraph


@dataclass
class Attribution:
    """A statement found by the rules, before speaker resolution.

    Attributes:
        content: Fragments of what was said.
        cue: Fragments of the cue.
        source: Fragments of the speaker mention.
        type: direct, indirect or mixed.
        confidence: The rule's confidence.
        source_token: The head token of the source mention, for resolution.
        paragraph: The paragraph holding the source mention.
        position: Offset used for recency when resolving ("where the cue is").
        follows: The attribution whose speaker this one continues, if any.
        fixed_type: A type decided by the rule itself (headline quotes are direct).
        rule: Which rule found it, for calibration (``clause``, ``table:dobj``, ...).
        agreement: How the trained tagger's spans agree with it (``tagger_agreement``),
            empty without the tagger; calibration refines the rule's precision by it.
    """

    content: list[Span]
    cue: list[Span] = field(default_factory=list)
    source: list[Span] = field(default_factory=list)
    type: QuoteType = "direct"
    confidence: float = 0.5
    source_token: Token | None = None
    paragraph: ParsedParagraph | None = None
    position: int = 0
    follows: Attribution | None = None
    fixed_type: QuoteType | None = None
    rule: str = "clause"
    agreement: str = ""
