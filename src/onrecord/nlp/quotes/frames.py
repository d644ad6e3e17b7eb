"""Tests of an attribution frame over the dependency parse.

Owns the token-level questions the quote rules ask of a verb before taking it as a cue:
whether it is a passive participle whose subject was asked rather than speaking ("Asked
about it, Holm said"), part of a connective opening its sentence ("That said, ..."), or
a frame set off by commas ("..., she said, ..."); where a cue starts, with the verbs that
govern it ("went on to say") or a noun cue's article and adjectives; whether a second cue
inside a first one's reported clause speaks for the first one's speaker; the agent of a
passive cue; and which subject a verb has when spaCy's parser splits a hyphenated noun
into several ("co - founder Tom Baker said", parsed with "co" and "Baker" both as
subjects). Finding statements is left to ``nlp.quotes.rules``.
"""

from __future__ import annotations

from spacy.tokens import Token

from onrecord.nlp.quotes.cues import CONNECTIVE_OPENINGS, SPEECH_VERBS

_CONNECTIVE_WORDS = frozenset(
    {"saying"} | {word for opening in CONNECTIVE_OPENINGS for word in opening}
)
SUBJECT_DEPS = ("nsubj", "nsubjpass")
"""Dependency labels of a verb's subject."""


def passive_participle(verb: Token) -> bool:
    """Whether ``verb`` is a passive participle ("Asked about it, Holm said ...").

    Its subject was asked or told, and is no speaker of the statement.
    """
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("advcl", "acl")
        and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in verb.children)
    )


def in_connective(verb: Token) -> bool:
    """Whether a verb is part of a connective opening its sentence ("That said, ...").

    Also "(Having said that, ...", after an opening bracket or quotation mark, and "It
    goes without saying that ...", which says nothing of anyone's words.
    """
    if verb.lower_ not in _CONNECTIVE_WORDS:
        return False  # most verbs: no need to find the sentence
    if verb.lower_ == "saying":
        return (
            verb.i >= 2
            and verb.doc[verb.i - 1].lower_ == "without"
            and verb.doc[verb.i - 2].lemma_ == "go"
        )
    sentence = verb.sent
    start = sentence.start
    while start < sentence.end and sentence.doc[start].is_punct:
        start += 1  # "(Having said that, ..."
    words = tuple(token.lower_ for token in sentence.doc[start : start + 4])
    for opening in CONNECTIVE_OPENINGS:
        size = len(opening)
        if (
            words[:size] == opening
            and verb.i - start < size
            and start + size < sentence.end
            and sentence.doc[start + size].text in (",", "—", "–")
        ):
            return True
    return False


def parenthetical(verb: Token, subject: Token | None) -> bool:
    """Whether the frame "subject verb" is set off by commas on both sides."""
    if subject is None or subject.i > verb.i:
        return False
    left = min(t.i for t in subject.subtree)
    doc = verb.doc
    return (
        left > 0
        and doc[left - 1].text == ","
        and verb.i + 1 < len(doc)
        and doc[verb.i + 1].text == ","
    )


def _glued_hyphens_to(token: Token) -> int | None:
    """The index of the word after the hyphens glued to ``token`` ("co" → "founder")."""
    doc = token.doc
    at = token.i + 1
    if token.whitespace_ or at >= len(doc) or doc[at].text != "-":
        return None
    while at < len(doc) and doc[at].text == "-" and not doc[at].whitespace_:
        at += 1
    return at if at < len(doc) and doc[at].text != "-" else None


def hyphen_joined_subject(subject: Token) -> Token:
    """The subject a hyphenated subject really is: the last of the parts it was split into.

    "The company's co-founder Tom Baker said" is parsed with "co" and "Baker" both as
    subjects of "said"; the speaker is "Baker", the phrase starts at "The".
    """
    chosen = subject
    for other in subject.head.children:
        if other.i <= chosen.i or other.dep_ != subject.dep_ or other.is_punct:
            continue
        after = _glued_hyphens_to(chosen.right_edge)
        if after is None or not other.left_edge.i <= after <= other.i:
            break
        chosen = other
    return chosen


def hyphen_joined_start(head: Token, start: int) -> int:
    """Where a phrase starting at token ``start`` begins, hyphenated words included.

    The parser attaches the parts before the hyphen beside the phrase's ``head``
    ("The company's co-" before "founder Tom Baker").
    """
    doc = head.doc
    while True:
        hyphen = start if doc[start].text == "-" else start - 1
        word = hyphen - 1
        if (
            word < 0
            or doc[hyphen].text != "-"
            or doc[hyphen].whitespace_
            or doc[word].whitespace_
            or doc[word].head != head.head
            or doc[word] == head.head
        ):
            return start
        start = doc[word].left_edge.i


def _same_person(pronoun: Token, subject: Token) -> bool:
    """Whether a reported clause's "he"/"she" is the reporting verb's named singular subject."""
    return (
        pronoun.lower_ in ("he", "she")
        and subject.pos_ == "PROPN"
        and subject.tag_ == "NNP"
        and subject.ent_type_ == "PERSON"
    )


def speaks_for_first_cue(verb: Token) -> bool:
    """Whether a cue verb inside another cue's reported clause has that cue's speaker.

    The parser hangs a second cue on the reported clause's verb: "May said the country
    would leave **and suggested** that ..." (a coordinated cue with no subject of its
    own, when the reported verb is no cue), or "Sen. Perdue said he did not believe it,
    **arguing** that ..." (a participle, when the reported clause's "he" is the
    speaker again). Its speaker is the first cue's.
    """
    head = verb.head
    if (
        verb.dep_ == "advcl"
        and verb.tag_ == "VBG"
        and verb.lemma_.lower() in SPEECH_VERBS
        and verb.left_edge.i > head.i
        and verb.doc[verb.left_edge.i - 1].text == ","
        and head.dep_ == "ccomp"
        and head.head.lemma_.lower() in SPEECH_VERBS
        and head.head.i < head.i
    ):
        # "Sen. Perdue said he did not believe it, arguing that ...": when "he" is the
        # speaker again, the one arguing is named by the speaker's own phrase
        inner = next((c for c in head.children if c.dep_ == "nsubj"), None)
        outer = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
        return inner is not None and outer is not None and _same_person(inner, outer)
    return (
        verb.dep_ == "conj"
        and verb.left_edge.i > head.i
        and verb.doc[verb.left_edge.i - 1].lower_ in ("and", "but")
        and verb.lemma_.lower() in SPEECH_VERBS
        and not any(c.dep_ in SUBJECT_DEPS for c in verb.children)
        and head.dep_ == "ccomp"
        and head.lemma_.lower() not in SPEECH_VERBS
        and head.head.lemma_.lower() in SPEECH_VERBS
    )


CUE_MODIFIERS = ("aux", "auxpass", "neg", "advmod", "prt")
"""Dependents right before a cue verb that belong to the cue ("has also said")."""
_CHAIN_GAP_DEPS = frozenset({"aux", "prep", "advmod", "neg", "prt", "acomp"})
"""What may stand between a cue verb and the verb that governs it ("resist | pointing",
"steering clear of | criticizing", "tried to | make")."""
_DESCRIBING = frozenset({"ADJ", "NOUN"})
"""Parts of speech of the words before a noun cue that annotators take into it."""
_CHAIN_PREPOSITIONS = frozenset({"by", "from", "of", "about", "on", "into", "to"})
"""Prepositions that join a verb to the cue it governs ("began by saying", "refrained from
attacking"), unlike those of time or reason ("after", "before", "for")."""
_BE = frozenset({"be", "’s", "'s"})
"""Forms of "be", which govern no cue ("it's safe to say")."""


def cue_start(tokens: list[Token]) -> int:
    """Where a cue starts with what annotators take in before its words.

    The verbs that govern a verb cue (``governing_chain_start``), or a noun cue's article
    and adjectives ("a tacit **acknowledgment**", "An **assessment of**").

    Args:
        tokens: The cue's tokens, in order.

    Returns:
        The index of the longer cue's first token (the first token's when nothing is added).
    """
    verbs = [t for t in tokens if t.pos_ == "VERB"]
    if verbs:
        return governing_chain_start(verbs[-1], tokens[0].i)
    noun, start = tokens[0], tokens[0].i
    if noun.pos_ != "NOUN":
        return start
    doc = noun.doc
    while (
        start > 0
        and doc[start - 1].head == noun
        and (
            (doc[start - 1].dep_ in ("amod", "compound") and doc[start - 1].pos_ in _DESCRIBING)
            or (doc[start - 1].dep_ == "det" and doc[start - 1].lower_ in ("a", "an", "the"))
        )
    ):
        start -= 1  # not a name: "Holm Vows To ..." in a title-case headline
    return start


def governing_chain_start(verb: Token, start: int) -> int:
    """Where a cue starts with the verbs that govern it right before it.

    "could not resist **pointing out**", "is steering clear of **criticizing**", "went on
    to **say**": annotators take the chain of verbs into the cue. ``start`` is the cue's
    first token now (the verb or an auxiliary before it).

    Args:
        verb: The cue verb.
        start: The index of the cue's first token.

    Returns:
        The index of the first token of the longer cue (``start`` when nothing governs).
    """
    doc = verb.doc
    current = verb
    while current.dep_ in ("xcomp", "pcomp") and current.head.i < current.i:
        via = current.head if current.head.dep_ == "prep" else None
        if via is not None and via.lower_ not in _CHAIN_PREPOSITIONS:
            break  # "resigned for criticizing", "responded before adding": no chain
        head = via.head if via is not None else current.head
        if head.pos_ != "VERB" or head.lemma_ in _BE or head.lower_ in _BE or head.i >= start:
            break  # "it's safe to say": no verb governs the cue
        if any(t.dep_ not in _CHAIN_GAP_DEPS for t in doc[head.i + 1 : start]):
            break
        start = head.i
        while start > 0 and doc[start - 1].head == head and doc[start - 1].dep_ in CUE_MODIFIERS:
            start -= 1  # "has begun to rebut"
        current = head
    return start


def verb_between(verb: Token, end: int) -> bool:
    """Whether another verb follows ``verb`` in its sentence before ``end`` (in its doc)."""
    for token in verb.doc[verb.i + 1 : verb.sent.end]:
        if token.idx >= end:
            break
        if token.pos_ == "VERB":
            return True
    return False


def agent_of(verb: Token) -> Token | None:
    """The "by" phrase's object of a passive verb ("was criticized by **Reid**")."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None
