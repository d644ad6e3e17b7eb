"""The attribution-cue lexicon: which words introduce a statement.

Owns the word lists only (lemmas of speech, writing and stance verbs, verbs that take
their statement as a noun phrase, and title words), so that rules and tests share one
vocabulary. The rules that use them live in ``nlp.quotes.rules``.
"""

from __future__ import annotations

SPEECH_VERBS = frozenset(
    ["say", "tell", "state", "stress", "underline", "underscore", "emphasize", "emphasise", "add", "conclude", "note", "explain", "argue", "claim", "insist", "warn", "acknowledge", "admit", "announce", "assert", "declare", "deny", "describe", "suggest", "write", "report", "reply", "respond", "recall", "remark", "reiterate", "observe", "predict", "promise", "vow", "pledge", "urge", "ask", "complain", "confirm", "continue", "tweet", "post", "testify", "highlight", "maintain", "indicate", "mention", "estimate", "caution", "concede", "contend", "joke", "quip", "boast", "allege", "accuse", "agree", "disagree", "believe", "think", "hope", "fear", "expect", "worry", "feel", "know", "recommend", "propose", "demand", "question", "wonder", "speculate", "counter", "retort", "reveal", "disclose", "inform", "assure", "reassure", "advise", "insinuate", "imply", "charge", "comment", "shout", "scream", "yell", "whisper", "murmur", "exclaim", "lament", "acknowledge", "signal", "forecast", "project", "calculate", "conclude", "find", "show", "blast", "slam", "criticize", "criticise", "praise", "condemn", "welcome", "decry", "applaud", "dismiss", "reject"]
)
"""Lemmas of verbs that can introduce reported speech, writing or a stance."""

NOUN_PHRASE_CONTENT_VERBS = frozenset(
    ["emphasize", "emphasise", "stress", "highlight", "underline", "underscore", "praise", "condemn", "criticize", "criticise", "welcome", "decry", "applaud", "dismiss", "reject", "deny", "announce", "reiterate", "propose", "demand", "blast", "slam"]
)
"""Verbs whose statement may be a direct object ("emphasizing the strengthening of ...")."""

CLAUSE_ONLY_VERBS = frozenset(["think", "know", "feel", "hope", "fear", "expect", "worry", "find", "show"])
"""Verbs that count as cues only with a clausal complement (not "find the keys")."""

PRONOUNS_MALE = frozenset({"he", "him", "his", "himself"})
PRONOUNS_FEMALE = frozenset({"she", "her", "hers", "herself"})
PRONOUNS_PLURAL = frozenset({"they", "them", "their", "we", "us", "our"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})

HONORIFICS_MALE = frozenset({"mr.", "mr", "sir"})
HONORIFICS_FEMALE = frozenset({"mrs.", "mrs", "ms.", "ms", "miss", "madam", "dame"})

VERBLESS_DASHES = frozenset({"—", "–", "-", "―"})
