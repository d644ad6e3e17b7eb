"""The attribution-cue lexicon: which words introduce a statement.

Owns the word lists only (lemmas of speech, writing and stance verbs, verbs that take
their statement as a noun phrase, pronouns, honorifics and gendered nouns), so that
rules and tests share one vocabulary. The rules that use them live in
``nlp.quotes.rules`` and ``nlp.speakers``.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of a word list as a set."""
    return frozenset(text.split())


SPEECH_VERBS = _words(
    """
    say tell state stress underline underscore emphasize emphasise add conclude note
    explain argue claim insist warn acknowledge admit announce assert declare deny
    describe suggest write report reply respond recall remark reiterate observe predict
    promise vow pledge urge ask complain confirm continue tweet post testify highlight
    maintain indicate mention estimate caution concede contend joke quip boast allege
    accuse agree disagree believe think hope fear expect worry feel know recommend
    propose demand question wonder speculate counter retort reveal disclose inform
    assure reassure advise insinuate imply charge comment shout scream yell whisper
    murmur exclaim lament signal forecast project calculate find show blast slam
    criticize criticise praise condemn welcome decry applaud dismiss reject
    """
)
"""Lemmas of verbs that can introduce reported speech, writing or a stance."""

NOUN_PHRASE_CONTENT_VERBS = _words(
    """
    emphasize emphasise stress highlight underline underscore praise condemn criticize
    criticise welcome decry applaud dismiss reject deny announce reiterate propose
    demand blast slam
    """
)
"""Verbs whose statement may be a direct object ("emphasizing the strengthening of ...")."""

CLAUSE_ONLY_VERBS = _words("think know feel hope fear expect worry find show")
"""Verbs that count as cues only with a clausal complement (not "find the keys")."""

PRONOUNS_MALE = frozenset({"he", "him", "his", "himself"})
PRONOUNS_FEMALE = frozenset({"she", "her", "hers", "herself"})
PRONOUNS_PLURAL = frozenset({"they", "them", "their", "we", "us", "our"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})

HONORIFICS_MALE = frozenset({"mr.", "mr", "sir"})
HONORIFICS_FEMALE = frozenset({"mrs.", "mrs", "ms.", "ms", "miss", "madam", "dame"})

GENDERED_NOUNS_MALE = _words(
    """
    man spokesman chairman congressman businessman councilman alderman boy father husband
    brother son uncle king prince
    """
)
GENDERED_NOUNS_FEMALE = _words(
    """
    woman spokeswoman chairwoman congresswoman businesswoman councilwoman alderwoman girl
    mother wife sister daughter aunt queen princess actress
    """
)
"""Nouns that tell the gender of an unnamed speaker ("a spokeswoman said ...")."""

HEADLINE_LABELS = _words(
    """
    breaking watch live opinion update updates exclusive analysis editorial video photos
    review latest explainer factbox timeline podcast interview
    """
)
"""Labels that open a headline like a speaker's name ("Breaking: ...", "The Latest: ...")."""

TITLE_CASE_FUNCTION_WORDS = _words("over to for in on at with from by about and")
"""Words that show a title-case headline phrase is no name ("Trouble Over Water: ...")."""

PERSON_NOUNS = (
    GENDERED_NOUNS_MALE
    | GENDERED_NOUNS_FEMALE
    | _words(
        """
        person spokesperson official officer source aide adviser advisor minister secretary
        president senator governor mayor candidate nominee lawyer attorney judge director
        chief executive manager leader head chair member representative lawmaker legislator
        ambassador diplomat general commander colonel captain sergeant soldier analyst expert
        economist scientist researcher professor doctor physician nurse teacher student
        voter resident witness victim survivor neighbor neighbour friend relative parent child
        mom dad grandmother grandfather journalist reporter editor columnist writer author
        activist organizer strategist consultant pollster campaigner supporter critic opponent
        rival founder owner employee worker farmer officer policeman policewoman detective
        prosecutor investigator inspector commissioner councillor councilor delegate envoy
        chancellor premier monarch pope bishop priest pastor rabbi imam host anchor
        commentator historian economist banker trader investor entrepreneur ceo cfo coach
        player athlete star singer actor artist director producer veteran official
        """
    )
)
"""Common nouns that stand for a person, so that a later "he"/"she" may refer back to them."""

CONNECTIVE_OPENINGS = (
    ("that", "said"),
    ("this", "said"),
    ("that", "being", "said"),
    ("this", "being", "said"),
    ("having", "said", "that"),
    ("with", "that", "said"),
    ("all", "that", "said"),
)
"""Sentence openings, followed by a comma or dash, in which "said" is a connective
("That said, the agency says ..."), not a statement."""
