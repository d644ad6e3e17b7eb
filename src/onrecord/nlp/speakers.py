"""Resolving each statement's source mention to a canonical speaker and role.

Owns the in-article resolver: a name or surname maps to its person cluster
("Rutte" → "Mark Rutte"); a pronoun ("he", "she") to the most salient earlier person of
matching gender — the previous speaker first (also an unnamed one: "the mayor said ...
She added"), then the most recent person named as a subject, then the most recent person
named; a relative pronoun ("who") to the noun it
modifies; a description ("the secretary general") to the person whose role contains it;
an organisation to its canonical name. A source whose head is a common noun ("Ryan's
spokesman", "the U.S. attorney's office", "a Trump ally") is its own speaker, named by
the phrase without its clauses and appositions: a name inside it only modifies it. Only
"he" and "she" take an earlier person; "they", "someone", "another" stay unresolved. There is no neural coreference model offline;
this is rules over the parse. Does not find statements (see ``nlp.quotes.rules``) or
link speakers across articles (a later store feature).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from onrecord.models import Entity, Span
from onrecord.nlp.entities import ArticleEntities, Person
from onrecord.nlp.parse import ParsedParagraph
from onrecord.nlp.quotes.attribution import Attribution
from onrecord.nlp.quotes.cues import (
    GENDERED_NOUNS_FEMALE,
    GENDERED_NOUNS_MALE,
    PERSON_NOUNS,
    PRONOUNS_FEMALE,
    PRONOUNS_MALE,
    PRONOUNS_PLURAL,
    RELATIVE_PRONOUNS,
)
from onrecord.nlp.quotes.interviews import INTERVIEW_LABELS, interview_turns

_SIGNATURE_REST = re.compile(r"[.,]?(?:\s*,?\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*){0,3}\.?")
"""What may follow the name in a signature line: a period, or a place ("Dayton, Ohio")."""
_AUTHOR_LINE = re.compile(r",?\s*(?:is|was|teaches|writes)\b")
"""What follows the name in an op-ed's closing author line."""
_LONGEST_PHRASE = 10
"""A speaker named by a phrase longer than this is named by the words up to its head."""
_DESCRIBING = frozenset({"relcl", "acl", "appos", "advcl", "parataxis"})
"""Dependents that describe a source's noun rather than name it (``_naming_phrase``)."""
_OPENING_MARKS = "\"'“‘«(["
"""Marks a naming phrase does not start with (a quotation opened before the source)."""
_PRONOUN_WORDS = PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_PLURAL | {"i", "me", "you", "it"}
"""Source words that are pronouns, for sources known by their text only."""
_ORGANISATION_TYPES = frozenset({"ORG", "GPE", "NORP", "FAC", "PRODUCT"})
"""Entity types of a source that names no person by a role ("Google says")."""
_AGED = "the aged"
"""Stands for a source that describes a person by age alone, resolved like a pronoun."""
_AGE_DESCRIPTION = re.compile(r"\d{1,3}[ -]year[ -]old")
""""56-year-old" as a whole source: someone written about just before."""
_REPORTING_VERBS = frozenset(
    {
        "say",
        "tell",
        "state",
        "add",
        "announce",
        "report",
        "write",
        "deny",
        "claim",
        "reply",
        "respond",
        "post",
        "tweet",
        "warn",
        "insist",
        "acknowledge",
        "declare",
    }
)
"""Verbs whose subject "it" is the organisation that spoke last ("it said")."""
_EPITHET_NOUNS = frozenset(
    {"nominee", "candidate", "billionaire", "mogul", "tycoon", "businessman", "frontrunner"}
    | {"senator", "governor", "congressman", "congresswoman", "mayor", "incumbent"}
)
"""Nouns that news writes, after "the", for a person just named ("the GOP nominee")."""
_OFFICES = frozenset({"senator", "governor", "congressman", "congresswoman", "mayor"})
"""Epithets for an office: only someone given that office is called so."""
_ROLE_ABBREVIATIONS = {"sen.": "senator", "gov.": "governor", "rep.": "congressman"}
_PARTY_WORDS = frozenset({"republican", "democrat", "democratic", "gop", "independent"})
_PRONOUN_WINDOW = 1500
"""How far back (characters) a pronoun may reach for its antecedent."""


@dataclass
class Resolution:
    """A resolved speaker: canonical name, role, and the person cluster if any."""

    speaker: str | None
    role: str | None
    person: Person | None


class SpeakerResolver:
    """Resolve the attributions of one article, in text order.

    Args:
        text: The article text.
        entities: The article's entities and person clusters.
    """

    def __init__(self, text: str, entities: ArticleEntities) -> None:
        self.text = text
        self.entities = entities
        self.history: list[tuple[int, Person]] = []
        self.described: list[tuple[int, Resolution, str | None]] = []
        """Earlier speakers known only by a description ("a spokeswoman"), with gender."""
        self.last_body: tuple[int, Resolution] | None = None
        """The last speaker, when it was one organisation or thing ("Big Machine", "the
        statement"): what a following "it said" names."""
        self._turns: list[Attribution] | None = None
        """A printed interview's "Q:"/"A:" turns, found on the first such source."""
        self._name_lines: tuple[list[tuple[int, Person]], tuple[int, Person] | None] | None = None
        """Signature and author lines, found on the first "I" (``_writer``)."""

    def resolve_all(self, attributions: list[Attribution]) -> list[Resolution]:
        """Resolve every attribution; earlier speakers inform later pronouns.

        Args:
            attributions: In text order of their cue (``position``).

        Returns:
            One resolution per attribution, in the same order as given.
        """
        order = sorted(range(len(attributions)), key=lambda i: attributions[i].position)
        results: dict[int, Resolution] = {}
        resolved_by_id: dict[int, Resolution] = {}
        for index in order:
            attribution = attributions[index]
            if attribution.follows is not None and id(attribution.follows) in resolved_by_id:
                result = resolved_by_id[id(attribution.follows)]
            else:
                result = self.resolve(attribution)
            results[index] = result
            resolved_by_id[id(attribution)] = result
            token = attribution.source_token
            if result.person is not None:
                self.history.append((attribution.position, result.person))
                self.last_body = None
            elif result.speaker is not None and _is_person_description(token):
                gender = _noun_gender(token)
                self.described.append((attribution.position, result, gender))
                self.last_body = None
            elif result.speaker is not None and _names_one_body(token):
                self.last_body = (attribution.position, result)
        return [results[i] for i in range(len(attributions))]

    def resolve(self, attribution: Attribution) -> Resolution:
        """Resolve one attribution's source mention."""
        if not attribution.source:
            return Resolution(None, None, None)
        start, end = attribution.source[0]
        mention_text = full_text = self.text[start:end]
        if mention_text in INTERVIEW_LABELS and self._interview_turns():
            return self._interviewed() if mention_text == "A" else Resolution(None, None, None)
        phrase = (start, end)
        token = attribution.source_token
        if token is not None and attribution.paragraph is not None:
            head_end = attribution.paragraph.token_span(token)[1]
            if start < head_end < end:
                # "a spokesman for Jane Roe": the speaker is the head, not a name after it.
                end = head_end
                mention_text = self.text[start:end]
        if token is not None and token.lower_ in RELATIVE_PRONOUNS:
            token = self._relative_antecedent(token)
            if token is None:
                return Resolution(None, None, None)
            start = attribution.paragraph.token_span(token)[0] if attribution.paragraph else start
            end = start + len(token.text)
            if attribution.paragraph is not None:
                left = attribution.paragraph.token_span(token.left_edge)[0]
                phrase = (left, attribution.paragraph.token_span(token.right_edge)[1])
        joint = self._joint_speakers(token, attribution.paragraph, (start, phrase[1]))
        if joint is not None:
            return Resolution(joint, None, None)
        lookup = other_lookup = (start, end)
        described = _is_common_noun_head(token)
        if token is not None and attribution.paragraph is not None:
            head_span = attribution.paragraph.token_span(token)
            if described:
                # "Ryan's spokesman", "a Trump ally", "the U.S. attorney's office": a name
                # inside the phrase only modifies the speaker, who is the phrase itself.
                lookup = other_lookup = head_span
            elif token.pos_ == "PROPN" and not token.ent_type_:
                # "the U.S. Attorney's Office for ...": an organisation only if its head is one.
                other_lookup = head_span
        person = self.entities.person_at(lookup)
        named_by_apposition: Entity | None = None
        if person is None and token is not None:
            # "the head of the union, Dr. Leila Haddad, said": the apposition names the speaker;
            # "the company that runs the show, Dick Clark Productions": likewise an organisation.
            for child in token.children:
                if child.dep_ == "appos" and attribution.paragraph is not None:
                    child_span = attribution.paragraph.token_span(child)
                    person = self.entities.person_at(child_span)
                    if person is not None:
                        break
                    named_by_apposition = named_by_apposition or self.entities.other_at(child_span)
        first_person = token.lower_ if token is not None else mention_text.strip().lower()
        if person is None and first_person in ("i", "me"):  # the tagger's "I" has no token
            if self._in_answer(attribution.position):
                return self._interviewed()  # "A: I think ..."
            person = self._writer(attribution.position)
        word = mention_text.strip().lower()
        if token is not None and token.pos_ == "PRON":
            pronoun: str | None = token.lower_
        elif token is None and word in _PRONOUN_WORDS:
            pronoun = word  # a source the tagger gave, without a parse token: "she"
        elif _AGE_DESCRIPTION.fullmatch(_strip_determiner(word)):
            pronoun = _AGED  # "The 56-year-old said": the person just written about
        else:
            pronoun = None
        body = self._speaking_body(token, attribution.position) if pronoun == "it" else None
        if person is None and body is not None:
            return body  # "Big Machine says ... 'We have agreed ...,' it says."
        if person is None and pronoun is not None:
            # A direct quotation's names, in the paragraph of its cue, are what the speaker
            # talks about, never who speaks.
            paragraph_start = self.text.rfind("\n", 0, attribution.position) + 1
            own = [
                (max(start, paragraph_start), end)
                for start, end in attribution.content
                if attribution.type == "direct" and end > paragraph_start
            ]
            found = self._pronoun(pronoun, attribution.position, own)
            if isinstance(found, Resolution) or (found is None and pronoun != _AGED):
                return found or Resolution(None, None, None)
            person = found
        if (
            person is None
            and not described
            and mention_text[:1].isupper()
            and (token is None or token.pos_ != "PRON")
        ):
            person = self.entities.person_named(mention_text)
        if (
            person is None
            and (token is None or token.tag_ not in ("NNS", "NNPS"))
            and not (described and token is not None and token.lemma_.lower() not in PERSON_NOUNS)
            and not (token is not None and token.ent_type_ in _ORGANISATION_TYPES)
        ):
            # "the president" may be a person named before; "Teachers" are not one person,
            # and "research conducted by ..." is no one's "research director".
            person = self._description(mention_text, attribution.position)
        if person is None and token is not None and _is_epithet(token, mention_text):
            # "Donald Trump says ... The Republican presidential nominee noted ...": the
            # person who spoke last, when nothing else was named since and no other job
            # was given to them ("the senator" is not a "Republican presidential nominee").
            last = self._last_speaker(attribution.position)
            if last is not None and _role_allows(last.role_at(attribution.position), token):
                person = last
        if person is not None:
            if (
                token is not None
                and token.lower_ in PRONOUNS_MALE | PRONOUNS_FEMALE
                and person.gender is None
            ):
                person.gender = "m" if token.lower_ in PRONOUNS_MALE else "f"
            return Resolution(person.canonical, person.role_at(attribution.position), person)
        other = named_by_apposition or self.entities.other_at(other_lookup)
        if other is not None:
            return Resolution(other.canonical, None, None)
        if token is not None and attribution.paragraph is not None:
            full_text = self._naming_phrase(token, attribution.paragraph, *phrase)
        return Resolution(_strip_determiner(full_text), None, None)

    def _joint_speakers(
        self, head: Token | None, paragraph: ParsedParagraph | None, within: tuple[int, int]
    ) -> str | None:
        """Name coordinated speakers together ("Mr. Grassley and Mr. Leahy", "France and Germany").

        Only when every coordinated word of the source is a name the article knows (a
        person or another entity); "Cruz and his aides" is left to the usual rules.
        """
        if head is None or paragraph is None or head.pos_ != "PROPN":
            return None
        conjuncts = [head, *head.conjuncts]
        if len(conjuncts) < 2:
            return None
        children = [child.dep_ for token in conjuncts for child in token.children]
        if "cc" not in children or "case" in children:
            return None  # "Mayer, Disney's chairman of ...": an apposition, not a list
        names: list[str] = []
        for token in sorted(conjuncts, key=lambda t: t.i):
            span = paragraph.token_span(token)
            if not within[0] <= span[0] < within[1]:
                return None
            person = self.entities.person_at(span)
            if person is not None:
                name = person.canonical
            else:
                other = self.entities.other_at(span)
                if other is None:
                    return None
                name = other.canonical
            if name not in names:
                names.append(name)
        if len(names) < 2:
            return None
        return f"{', '.join(names[:-1])} and {names[-1]}"

    def _naming_phrase(self, head: Token, paragraph: ParsedParagraph, start: int, end: int) -> str:
        """The words of a source phrase that name its speaker.

        "Central European leaders who have been ...", "the wife of a man shot by police",
        "Proponents, including the mayors": the phrase without the clauses, appositions
        and comma-led parts that describe its noun further ("Central European leaders",
        "the wife of a man", "Proponents"); the words up to the head when the rest is
        still long.
        """
        described = {
            token.i
            for child in head.subtree
            if child.dep_ in _DESCRIBING and child is not head
            for token in child.subtree
        }
        last = head
        for token in head.doc[head.i + 1 : head.right_edge.i + 1]:
            if token.i in described or (token.is_punct and _stands_apart(token)):
                break
            last = token
        phrase_end = min(end, paragraph.token_span(last)[1])
        phrase = self.text[start:phrase_end]
        if len(phrase.split()) > _LONGEST_PHRASE:
            phrase = self.text[start : min(end, paragraph.token_span(head)[1])]
        return phrase.lstrip(_OPENING_MARKS).rstrip() or self.text[start:end]

    def _speaking_body(self, token: Token | None, position: int) -> Resolution | None:
        """The organisation that spoke last, when "it" is the subject of a reporting verb."""
        if self.last_body is None or token is None or token.head.lemma_ not in _REPORTING_VERBS:
            return None
        at, body = self.last_body
        return body if position - at <= _PRONOUN_WINDOW else None

    def _last_speaker(self, position: int) -> Person | None:
        """The person who spoke last, if no one else spoke or was named as a subject since."""
        if not self.history:
            return None
        at, person = self.history[-1]
        if position - at > _PRONOUN_WINDOW or (self.described and self.described[-1][0] > at):
            return None
        if self._named_since(person, at, position, lambda other: True):
            return None
        return person

    def _pronoun(
        self, pronoun: str, position: int, own: Sequence[Span] = ()
    ) -> Person | Resolution | None:
        """The antecedent of "he"/"she": a person, or an unnamed earlier speaker.

        Names inside the statement's own quotation (``own``) are what the speaker talks
        about: in '"... Trump makes a deal less likely," he said' the "he" is not Trump.
        """
        if pronoun not in PRONOUNS_MALE | PRONOUNS_FEMALE | {_AGED}:
            return None  # "they", "it", "someone", "another", "each": not one earlier person
        gender = "m" if pronoun in PRONOUNS_MALE else "f" if pronoun in PRONOUNS_FEMALE else None

        def agrees(person: Person) -> bool:
            return gender is None or person.gender in (None, gender)

        described = next(
            (
                (at, result)
                for at, result, noun_gender in reversed(self.described)
                if at < position and (gender is None or noun_gender in (None, gender))
            ),
            None,
        )
        for at, person in reversed(self.history):
            if position - at > _PRONOUN_WINDOW:
                break
            if described is not None and described[0] > at:
                break  # an unnamed speaker ("the mayor") spoke after this person
            if at < position and agrees(person):
                if self._named_since(person, at, position, agrees, own):
                    break
                return person
        if (
            described is not None
            and position - described[0] <= _PRONOUN_WINDOW
            and not self._named_since(None, described[0], position, agrees, own)
        ):
            return described[1]
        return self._recent_mention(position, agrees, own)

    def _interview_turns(self) -> list[Attribution]:
        if self._turns is None:
            self._turns = interview_turns(self.text)
        return self._turns

    def _in_answer(self, position: int) -> bool:
        """Whether a position lies in an interview's answer: after an "A:", before a "Q:"."""
        before = [t for t in self._interview_turns() if t.source[0][0] <= position]
        return bool(before) and self.text[before[-1].source[0][0]] == "A"

    def _interviewed(self) -> Resolution:
        """Who answers ("A:") in a printed interview: the person the introduction names most.

        The interviewer ("Q:") is the publication's, unnamed.
        """
        first = min(t.position for t in self._interview_turns() if self.text[t.source[0][0]] == "A")
        named = [p for p in self.entities.people if p.mentions[0].span[0] < first]
        if not named:
            return Resolution(None, None, None)
        person = max(named, key=lambda p: (len(p.mentions), -p.mentions[0].span[0]))
        return Resolution(person.canonical, person.role_at(first), person)

    def _writer(self, position: int) -> Person | None:
        """Who "I" is in first-person writing: the signature after it, or the author line.

        A reader's letter ends with a paragraph that is only the writer's name ("Vicki
        Venhuizen." or "Jane Roe, Dayton, Ohio"): the first such after the "I" signs it.
        Else an op-ed's closing paragraph that opens with a name and "is"/"was" ("Charlotte
        Meehan is playwright-in-residence at ...") names its author.
        """
        if self._name_lines is None:
            self._name_lines = self._find_name_lines()
        signatures, author = self._name_lines
        signed = next((person for at, person in signatures if at > position), None)
        if signed is not None:
            return signed
        if author is not None and author[0] >= len(self.text.rstrip()) - 600:
            return author[1]
        return None

    def _find_name_lines(self) -> tuple[list[tuple[int, Person]], tuple[int, Person] | None]:
        """Paragraphs that open with a person's name, looked for once per article.

        Returns:
            The signature lines in text order, and the last author line (see ``_writer``).
        """
        signatures: list[tuple[int, Person]] = []
        author: tuple[int, Person] | None = None
        for person in self.entities.people:
            for mention in person.mentions:
                paragraph = mention.paragraph
                at = mention.span[0]
                if self.text[paragraph.offset : at].strip():
                    continue  # the name must open its paragraph
                end = paragraph.offset + paragraph.length
                rest = self.text[mention.span[1] : end].strip()
                short = len(self.text[at:end].strip()) <= 80
                if short and _SIGNATURE_REST.fullmatch(rest):
                    signatures.append((at, person))
                elif _AUTHOR_LINE.match(rest) and (author is None or at > author[0]):
                    author = (at, person)
        signatures.sort(key=lambda item: item[0])
        return signatures, author

    def _named_since(
        self,
        speaker: Person | None,
        since: int,
        until: int,
        agrees: Callable[[Person], bool],
        own: Sequence[Span] = (),
    ) -> bool:
        """Whether another agreeing person was named as a subject after the last speaker."""
        for person in self.entities.people:
            if person is speaker or not agrees(person):
                continue
            for mention in person.mentions:
                root = mention.root
                subject = _subject_token(root)
                main_subject = subject is not None and subject.head.dep_ == "ROOT"
                at = mention.span[0]
                if since < at < until and main_subject and not _inside(at, own):
                    return True
        return False

    def _recent_mention(
        self, position: int, agrees: Callable[[Person], bool], own: Sequence[Span] = ()
    ) -> Person | None:
        best: tuple[bool, int, Person] | None = None
        for person in self.entities.people:
            if not agrees(person):
                continue
            for mention in person.mentions:
                at = mention.span[0]
                if at >= position or position - at > _PRONOUN_WINDOW or _inside(at, own):
                    continue
                is_subject = _subject_token(mention.root) is not None
                key = (is_subject, at, person)
                if best is None or (key[0], key[1]) > (best[0], best[1]):
                    best = key
        return best[2] if best else None

    def _description(self, mention: str, position: int) -> Person | None:
        """Match "the secretary general" against the roles given to people so far."""
        words = _strip_determiner(mention).lower()
        if not words or len(words.split()) > 5:
            return None
        roles = [
            (person, [role.lower() for at, role in person.roles if at <= position])
            for person in self.entities.people
        ]
        matches = [
            person for person, said in roles if any(_describes(words, role) for role in said)
        ]
        if len(matches) > 1:
            # "the president" beside "President" Trump and "president of the Federal
            # Reserve Bank" Williams: the role that is exactly the description decides.
            matches = [person for person, said in roles if words in said]
        return matches[0] if len(matches) == 1 else None

    @staticmethod
    def _relative_antecedent(token: Token) -> Token | None:
        clause = token.head
        if clause.dep_ == "relcl":
            return clause.head
        return None


def _inside(offset: int, spans: Sequence[Span]) -> bool:
    return any(start <= offset < end for start, end in spans)


_WORD = re.compile(r"[\w'’.-]+")
_ROLE_PREPOSITIONS = frozenset({"of", "at", "for", "to", "in", "on", "with", "from"})


def _role_heads(words: Sequence[str]) -> set[str]:
    """The job words of a role: the last word of each conjunct before its first preposition.

    "founder and CEO of Acme" holds "founder" and "ceo"; "science fiction and fantasy
    author", "fiction" and "author".
    """
    for index, word in enumerate(words):
        if word in _ROLE_PREPOSITIONS and index:
            words = words[:index]
            break
    heads = {words[i - 1] for i, word in enumerate(words) if word == "and" and i}
    return heads | {words[-1]}


def _describes(description: str, role: str) -> bool:
    """Whether a description ("secretary general") names the holder of ``role``.

    Its words appear in the role as whole words, and its job word is one of the role's:
    "the secretary general" is "NATO Secretary General", but "the Chinese" (a people) is
    not the "Chinese counterpart of Trump".
    """
    wanted, words = _WORD.findall(description), _WORD.findall(role)
    if not wanted or not words:
        return False
    if not any(words[i : i + len(wanted)] == wanted for i in range(len(words))):
        return False
    return bool(_role_heads(wanted) & _role_heads(words))


def _strip_determiner(text: str) -> str:
    for prefix in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _stands_apart(token: Token) -> bool:
    """Whether a punctuation mark separates words (", ", " (", " — "), unlike "veto-wielding"."""
    before = token.doc[token.i - 1] if token.i > 0 else None
    return bool(token.whitespace_) or before is None or bool(before.whitespace_)


def _is_epithet(token: Token, mention: str) -> bool:
    """Whether a source is a definite epithet for someone named before ("the GOP nominee")."""
    return (
        token.tag_ == "NN"
        and token.lemma_.lower() in _EPITHET_NOUNS
        and mention.lower().startswith("the ")
        and not any(child.dep_ in ("prep", "poss", "relcl", "acl") for child in token.children)
    )


def _role_allows(role: str | None, epithet: Token) -> bool:
    """Whether a person with ``role`` may be called by the ``epithet`` noun.

    A role holding the same job ("Massachusetts Sen." for "the senator") allows it; for
    a campaign epithet ("the nominee", "the businessman") so do no role and a party only
    ("Republican"); an office ("the senator", "the mayor") needs the office in the role.
    """
    job = epithet.lemma_.lower()
    if not role:
        return job not in _OFFICES  # "The mayor said" after Tom Baker: someone new
    words = [_ROLE_ABBREVIATIONS.get(w, w) for w in role.lower().replace(",", " ").split()]
    return job in words or (job not in _OFFICES and all(w in _PARTY_WORDS for w in words))


def _names_one_body(token: Token | None) -> bool:
    """Whether a source names one organisation or thing ("Big Machine", "the report")."""
    return (
        token is not None
        and token.pos_ in ("PROPN", "NOUN")
        and token.tag_ not in ("NNS", "NNPS")
        and token.ent_type_ not in ("PERSON", "NORP")
    )


def _is_common_noun_head(token: Token | None) -> bool:
    """Whether a source's head is a common noun outside any entity ("spokesman", "office")."""
    return token is not None and token.pos_ == "NOUN" and token.is_lower and not token.ent_type_


def _is_person_description(token: Token | None) -> bool:
    """Whether a source head is a singular common noun that may stand for a person."""
    return (
        token is not None
        and token.pos_ == "NOUN"
        and token.tag_ == "NN"
        and not token.ent_type_
        and token.lemma_.lower() in PERSON_NOUNS
    )


def _noun_gender(token: Token | None) -> str | None:
    if token is None:
        return None
    if token.lower_ in GENDERED_NOUNS_MALE:
        return "m"
    if token.lower_ in GENDERED_NOUNS_FEMALE:
        return "f"
    return None


def _subject_token(root: Token) -> Token | None:
    """The subject a name stands as: itself, or the noun it is in apposition to.

    "Her finance minister, Erik Dahl, struck a softer tone" names Dahl as the subject.
    """
    if root.dep_ in ("nsubj", "nsubjpass"):
        return root
    if root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"):
        return root.head
    return None
