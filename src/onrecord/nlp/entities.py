"""Named entities of one article, grouped under canonical names, with people's roles.

Owns turning spaCy's entity mentions into ``Entity`` records: people grouped by surname
under their fullest name ("Rutte" → "Mark Rutte", while "Eric Trump" and "Donald Trump"
stay apart; a bare surname mistagged as a place or organisation joins its person), other
entities grouped by their text without a leading "the", and the roles or titles the
article gives a person — a title before the name ("NATO Secretary General Mark Rutte"),
an apposition ("the new Ukrainian Minister of Defence, Mykhailo Fedorov") or a possessed
role ("his deputy, Elbridge Colby" → "deputy of Peter Hegseth"; "Holm's deputy").
Does not attribute quotes (see ``nlp.speakers``).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from onrecord.models import Entity, Span
from onrecord.nlp.parse import ParsedArticle, ParsedParagraph
from onrecord.nlp.quotes.cues import (
    HONORIFICS_FEMALE,
    HONORIFICS_MALE,
    PERSON_NOUNS,
    PRONOUNS_FEMALE,
    PRONOUNS_MALE,
)
from onrecord.nlp.quotes.marks import ALL_MARKS

KEPT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "EVENT")
_ROLE_STOP_DEPS = ("det", "poss", "punct", "case", "predet", "mark", "cc")
_PRONOUN_ROLES = frozenset({"he", "she", "it", "they", "we", "i", "you"})
_NAME_ONLY_TYPES = frozenset({"ORG", "PRODUCT", "FAC", "WORK_OF_ART"})
_MAX_ROLE_TOKENS = 9
_NAME_TITLES = frozenset(
    {"superintendent", "rabbi", "archbishop", "bishop", "reverend", "rev.", "pastor", "dean"}
    | {"principal", "coach", "follow", "sen.", "rep.", "gov.", "dr.", "mr.", "mrs.", "ms."}
)
"""Words before a first name that the entity recogniser may take as part of the name."""
_JOB_NOUNS = frozenset(
    [
        "professor",
        "economist",
        "analyst",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "lawyer",
        "attorney",
        "senator",
        "governor",
        "mayor",
        "judge",
        "ambassador",
        "diplomat",
        "scientist",
        "researcher",
        "physician",
        "doctor",
        "historian",
        "journalist",
        "reporter",
        "columnist",
        "strategist",
        "pollster",
        "consultant",
        "lawmaker",
        "congressman",
        "congresswoman",
        "secretary",
        "minister",
        "president",
        "chairman",
        "chairwoman",
        "anchor",
        "moderator",
        "correspondent",
        "commentator",
    ]
)
"""Jobs only people do: a name in apposition with one is a person's ("..., a professor")."""
_TITLE_NOUNS = (
    _JOB_NOUNS
    | PERSON_NOUNS
    | frozenset(
        {"commissioner", "director", "administrator", "chief", "counsel", "prosecutor"}
        | {"representative", "speaker", "treasurer", "deputy", "general", "editor", "chancellor"}
        | {"ceo", "cfo", "coo", "cto", "vp", "founder", "co-founder", "chair"}
    )
)
"""Words for what a person is or does, that news also capitalises as titles ("the U.S.
Attorney for ...", "the Speaker", "General Manager")."""
_INITIAL = re.compile(r"[A-Z]\.")
_SURNAME_PARTICLES = frozenset(
    {"van", "von", "de", "da", "del", "della", "di", "la", "le", "al", "el"}
)
"""Words that open a surname ("Van Voorhis") though some are first names too."""
_HEADLINE_VERBS = frozenset(
    {"says", "sees", "vows", "warns", "calls", "slams", "urges", "tells", "seeks", "breaks"}
    | {"rips", "blasts", "backs", "defends", "attacks", "speaks", "reveals", "praises"}
    | {"rejects", "denies", "admits", "hammers", "questions", "pushes", "wants"}
)
_HONORIFICS = HONORIFICS_MALE | HONORIFICS_FEMALE | {"dr.", "dr", "prof.", "prof"}


@dataclass
class PersonMention:
    """One mention of a person: where it is and the parse tokens behind it."""

    span: Span
    ent: SpacySpan
    paragraph: ParsedParagraph
    name: list[str] | None = None
    """The name's words when the article implies more than it writes ("Donald Jr.")."""

    @property
    def root(self) -> Token:
        """The syntactic head of the mention."""
        return self.ent.root


@dataclass
class Person:
    """All mentions of one person in an article.

    Attributes:
        canonical: The fullest name ("Mark Rutte").
        surname: The last name, lower-cased, used for grouping.
        mentions: Every mention in text order.
        roles: (offset, role) pairs in text order.
        gender: "m", "f" or None, from honorifics and resolved pronouns.
    """

    canonical: str
    surname: str
    mentions: list[PersonMention] = field(default_factory=list)
    roles: list[tuple[int, str]] = field(default_factory=list)
    gender: str | None = None

    def role_at(self, offset: int) -> str | None:
        """Return the role given nearest before ``offset`` (else the first one)."""
        before = [role for at, role in self.roles if at <= offset]
        if before:
            return before[-1]
        return self.roles[0][1] if self.roles else None


def _name_tokens(ent: SpacySpan) -> list[str]:
    tokens = [t for t in ent if not t.is_punct or t.text == "." or _hyphen_in_word(t)]
    # "Obama Says" in a title-case headline: the verb is no part of the name
    while len(tokens) > 1 and (tokens[-1].pos_ == "VERB" or tokens[-1].lower_ in _HEADLINE_VERBS):
        tokens.pop()
    words: list[str] = []
    for token in tokens:
        if words and (_hyphen_in_word(token) or words[-1].endswith("-")):
            words[-1] += token.text  # "Jean-Marc", "Holtz-Eakin": one word, as written
        else:
            words.append(token.text)
    if words:
        words[-1] = words[-1].rstrip("-")
    while words and words[-1] in ("'s", "’s", "'", "’"):
        words.pop()
    return words


def _key(word: str) -> str:
    """A name word for matching: case and apostrophe style do not count (O’Neill, O'Neill)."""
    return word.lower().replace("’", "'")


@lru_cache(maxsize=1)
def first_name_genders() -> dict[str, str]:
    """First names with a clear gender ("m"/"f"), from ``data/first_names.tsv``."""
    path = Path(__file__).with_name("data") / "first_names.tsv"
    genders = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, gender = line.split("\t")
            genders[name] = gender
    return genders


def _clean_name(ent: SpacySpan) -> str:
    text = ent.text
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip()


class _MentionIndex:
    """Numbered spans by start, for overlap look-ups without a walk over all of them."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sorted((start, end, number) for number, (start, end) in enumerate(spans))
        self.starts = [start for start, _, _ in self.spans]
        self.reach = list(itertools.accumulate((end for _, end, _ in self.spans), max))

    def overlapping(self, span: Span) -> list[int]:
        """The numbers of the spans overlapping ``span``, in no particular order."""
        found = []
        index = bisect.bisect_left(self.starts, span[1]) - 1
        while index >= 0 and self.reach[index] > span[0]:  # a span here may still overlap
            _, end, number = self.spans[index]
            if span[0] < end:
                found.append(number)
            index -= 1
        return found


class ArticleEntities:
    """Entities of one parsed article, with person clusters for speaker resolution.

    Args:
        parsed: The parsed article.
    """

    def __init__(self, parsed: ParsedArticle) -> None:
        self.parsed = parsed
        self.text = parsed.text
        self.people: list[Person] = []
        self.others: dict[tuple[str, str], Entity] = {}
        self._other_index: _MentionIndex | None = None
        self._other_pairs: list[Entity] = []
        self._person_index: _MentionIndex | None = None
        self._person_pairs: list[tuple[PersonMention, Person]] = []
        self._collect()

    # -- building -----------------------------------------------------------------------

    def _collect(self) -> None:
        mentions: list[PersonMention] = []
        others: list[tuple[SpacySpan, Span, ParsedParagraph]] = []
        for paragraph in self.parsed.paragraphs:
            for ent in paragraph.doc.ents:
                if ent.label_ not in KEPT_LABELS:
                    continue
                if ent.label_ == "PERSON" and len(ent) > 1 and ent[0].pos_ == "VERB":
                    # 'Said Comey, "..."': the inverted verb is no part of the name
                    ent = SpacySpan(ent.doc, ent.start + 1, ent.end, label=ent.label_)
                span = (paragraph.offset + ent.start_char, paragraph.offset + ent.end_char)
                if ent.label_ != "DATE" and not any(c.isupper() or c.isdigit() for c in ent.text):
                    continue  # "mindset" tagged GPE: proper names are capitalised
                if ent.label_ == "PERSON" and _with_article(ent):
                    # "the Intelligencer", "the Clintons": a paper or a group, not one person
                    ent = SpacySpan(ent.doc, ent.start, ent.end, label="ORG")
                if ent.label_ == "PERSON" and _name_tokens(ent):
                    mentions.append(PersonMention(span, ent, paragraph))
                else:
                    others.append((ent, span, paragraph))
        surnames = {words[-1].lower() for m in mentions if len(words := _name_tokens(m.ent)) > 1}
        singles = {
            words[0].lower() for m in mentions if len(words := _name_tokens(m.ent)) == 1
        }  # "Oz" alone: "Mehmet Oz", untagged, is his full name
        missed = self._missed_namesakes(mentions, surnames | singles)
        missed += self._missed_surnames(mentions + missed)
        if missed:
            mentions += missed
            taken = [m.span for m in missed]
            others = [
                o for o in others if not any(o[1][0] < t[1] and t[0] < o[1][1] for t in taken)
            ]
        people = [_mistagged_person(ent) for ent, _, _ in others]
        for (ent, span, paragraph), is_person in zip(others, people, strict=True):
            if is_person:
                # "Eswar Prasad, a trade professor at Cornell," tagged ORG; a later bare
                # "Prasad" tagged ORG is his surname (below)
                mentions.append(PersonMention(span, ent, paragraph))
                surnames.add(_name_tokens(ent)[-1].lower())
        for (ent, span, paragraph), is_person in zip(others, people, strict=True):
            if is_person:
                continue
            if _mistagged_surname(ent, surnames):
                # "Biden's advisers" tagged GPE in an article about Joe Biden
                mentions.append(PersonMention(span, ent, paragraph))
            else:
                self._add_other(ent, span)
        mentions.sort(key=lambda m: m.span)
        self._cluster_people(mentions)
        for person in self.people:
            for mention in person.mentions:
                role = self._role_of(mention, person.canonical)
                if role and role not in [r for _, r in person.roles]:
                    person.roles.append((mention.span[0], role))
                self._gender_from_honorific(person, mention)

    def _missed_namesakes(
        self, mentions: list[PersonMention], surnames: set[str]
    ) -> list[PersonMention]:
        """Full names the tagger missed that share a surname with a named person.

        "Ivanka Trump" in an article that names Donald Trump is often tagged "Ivanka"
        PRODUCT and "Trump" ORG; a known first name followed by the surname of a person
        the article names is that person's namesake, and the bare surnames after it must
        be able to mean her.
        """
        if not surnames:
            return []
        genders = first_name_genders()
        known = {m.span for m in mentions}
        found: list[PersonMention] = []
        for paragraph in self.parsed.paragraphs:
            doc = paragraph.doc
            for token in doc[:-1]:
                after = doc[token.i + 1]
                if not (
                    token.text[:1].isupper()
                    and token.lower_ in genders
                    and after.text[:1].isupper()
                    and after.pos_ == "PROPN"
                    and _key(after.text) in surnames
                ):
                    continue
                ent = SpacySpan(doc, token.i, token.i + 2, label="PERSON")
                span = (paragraph.offset + ent.start_char, paragraph.offset + ent.end_char)
                if any(k[0] < span[1] and span[0] < k[1] for k in known):
                    continue
                found.append(PersonMention(span, ent, paragraph))
                known.add(span)
        return found

    def _missed_surnames(self, mentions: list[PersonMention]) -> list[PersonMention]:
        """Bare surnames of named people that the tagger left untagged.

        "For years, Oz has been dogged by charges ..." after "Dr. Oz": a capitalised proper
        noun, outside every entity and not part of a longer name, that is the last word of
        a person the article names is another mention of that person (and, as the subject
        here, the antecedent of the "He" that follows).
        """
        names = {_key(words[-1]) for m in mentions if (words := _name_tokens(m.ent))}
        if not names:
            return []
        known = {m.span for m in mentions}
        found: list[PersonMention] = []
        for paragraph in self.parsed.paragraphs:
            doc = paragraph.doc
            for token in doc:
                if not (
                    token.pos_ == "PROPN"
                    and token.text[:1].isupper()
                    and not token.ent_type
                    and _key(token.text) in names
                ):
                    continue
                before = doc[token.i - 1] if token.i else None
                after = doc[token.i + 1] if token.i + 1 < len(doc) else None
                if (
                    before is not None
                    and before.pos_ == "PROPN"
                    and before.lower_ not in _HONORIFICS
                ) or (after is not None and after.pos_ == "PROPN"):
                    continue  # part of a longer name ("Oz Show", "Ivanka Trump")
                ent = SpacySpan(doc, token.i, token.i + 1, label="PERSON")
                span = (paragraph.offset + ent.start_char, paragraph.offset + ent.end_char)
                if span in known:
                    continue
                found.append(PersonMention(span, ent, paragraph))
                known.add(span)
        return found

    def _add_other(self, ent: SpacySpan, span: Span) -> None:
        canonical = _clean_name(ent)
        if canonical.lower().startswith("the "):
            canonical = canonical[4:]
        key = (ent.label_, canonical.lower())
        entity = self.others.get(key)
        if entity is None:
            entity = Entity(text=_clean_name(ent), label=ent.label_, canonical=canonical)
            self.others[key] = entity
        entity.spans.append(span)

    def _cluster_people(self, mentions: list[PersonMention]) -> None:
        full_names: dict[str, list[list[str]]] = {}
        for mention in mentions:
            words = _name_tokens(mention.ent)
            full_names.setdefault(_key(_surname_of(words)), []).append(words)
        # "His son Donald Jr.": a first name and a suffix take the surname of the one
        # person with that first name ("Donald Trump Jr." beside Donald Trump).
        for mention in mentions:
            words = _name_tokens(mention.ent)
            if len(words) == 2 and _JUNIOR.fullmatch(words[1]):
                fathers = {
                    _surname_of(w)
                    for named in full_names.values()
                    for w in named
                    if len(w) > 1 and w[0] == words[0] and not _JUNIOR.fullmatch(w[-1])
                }
                if len(fathers) == 1:
                    mention.name = [words[0], fathers.pop(), words[1]]
                    full_names.setdefault(_key(mention.name[1]), []).append(mention.name)
        by_key: dict[str, Person] = {}
        # each name once, in order of first mention: a name repeated 10,000 times is
        # one candidate, not 10,000
        distinct = {
            surname: [list(w) for w in dict.fromkeys(tuple(w) for w in named if len(w) > 1)]
            for surname, named in full_names.items()
        }
        for mention in mentions:
            words = mention.name or _name_tokens(mention.ent)
            surname = _key(_surname_of(words))
            candidates = distinct[surname]
            if len(words) > 1:
                # The fullest form of the name: "Barack Hussein Obama" for "Barack Obama"
                # too, but "Hillary Clinton" for "Crooked Hillary Clinton" (a nickname's
                # word before the first name is no part of it).
                forms = [words] + [
                    w
                    for w in candidates
                    if (len(w) > len(words) and w[-len(words) :] == words)
                    or (len(w) < len(words) and words[-len(w) :] == w)
                ]
                best = _from_first_name(max(forms, key=_name_form_rank))
                key, canonical = " ".join(best).lower(), " ".join(best)
            else:
                firsts = {w[0].lower() for w in candidates}
                generations = {bool(_JUNIOR.fullmatch(w[-1])) for w in candidates}
                if len(firsts) == 1 and len(generations) == 1:
                    best = _from_first_name(max(candidates, key=_name_form_rank))
                    key, canonical = " ".join(best).lower(), " ".join(best)
                elif candidates:
                    # Several people share the surname ("Clinton"): pick one of them.
                    chosen = self._namesake(mention, surname, by_key)
                    key, canonical = chosen if chosen else (surname, words[0])
                else:
                    key, canonical = surname, words[0]
            person = by_key.get(key)
            if person is None:
                person = Person(canonical=canonical, surname=surname)
                by_key[key] = person
                self.people.append(person)
            person.mentions.append(mention)
        self._join_family_names_first()
        self._join_first_names()

    def _join_family_names_first(self) -> None:
        """Join "Mr. Ban" to Ban Ki-moon, "Mr. Xi" to Xi Jinping: family name first.

        A one-word name that no one's last word matches is the first word of the one
        person whose two- or three-word name opens with a one-syllable family name (at
        most four letters, no first name: Ban, Xi, Park, Moon, Wang), not "Obama" of a
        mis-tagged "Obama White House".
        """
        genders = first_name_genders()
        openers: dict[str, list[Person]] = {}
        for person in self.people:
            words = person.canonical.split()
            if 1 < len(words) <= 3 and len(words[0]) <= 4 and words[0].lower() not in genders:
                openers.setdefault(_key(words[0]), []).append(person)
        surnames = {person.surname for person in self.people if " " in person.canonical}
        for single in [p for p in self.people if " " not in p.canonical]:
            named = openers.get(_key(single.canonical), [])
            if len(named) == 1 and single.surname not in surnames:
                self._absorb(named[0], single)

    def _absorb(self, person: Person, single: Person) -> None:
        """Make a one-word name's mentions those of the person it names, and drop it."""
        person.mentions = sorted(person.mentions + single.mentions, key=lambda m: m.span)
        self.people.remove(single)

    def _join_first_names(self) -> None:
        """Join "Elise" to Elise Matthesen: a known first name alone, after the full name.

        The one-word name must be a first name (``first_name_genders``), no one's surname,
        and the first word of exactly one person named in full before it: "Donald" beside
        Donald Trump and Donald Trump Jr. stays apart, as does "Clinton" beside Hillary
        Clinton.
        """
        genders = first_name_genders()
        full = [p for p in self.people if " " in p.canonical]
        surnames = {person.surname for person in full}
        for single in [p for p in self.people if " " not in p.canonical]:
            word = single.canonical.lower()
            if word not in genders or single.surname in surnames:
                continue
            named = [p for p in full if p.canonical.split()[0].lower() == word]
            if len(named) == 1 and named[0].mentions[0].span < single.mentions[0].span:
                self._absorb(named[0], single)

    @staticmethod
    def _namesake(
        mention: PersonMention, surname: str, by_key: dict[str, Person]
    ) -> tuple[str, str] | None:
        """The person a bare surname means when several people share it.

        An honorific ("Mr. Obama") rules out people of the other gender (by first name);
        of those left, the one named in full first wins: a news article introduces its
        main person early, and a bare surname later mostly means that person.
        """
        honorific = _honorific_gender(mention.ent)
        genders = first_name_genders()
        named = [
            (person.mentions[0].span[0], key, person)
            for key, person in by_key.items()
            if person.surname == surname
            and " " in person.canonical
            and person.mentions[0].span[0] < mention.span[0]
        ]
        if honorific:
            agreeing = [
                n
                for n in named
                if genders.get(n[2].canonical.split()[0].lower()) in (None, honorific)
            ]
            named = agreeing  # "Mr. Obama" is not Michelle Obama, even if she is the only one
        generation = _generation_before(mention.ent)
        if generation is not None:
            # "the younger Mr. Trump": the namesake with (or without) a "Jr." is meant.
            junior = [n for n in named if _JUNIOR.fullmatch(n[2].canonical.split()[-1])]
            senior = [n for n in named if not _JUNIOR.fullmatch(n[2].canonical.split()[-1])]
            named = (junior if generation == "younger" else senior) or named
        if not named:
            return None
        _, key, person = min(named, key=lambda n: n[0])
        return key, person.canonical

    # -- roles --------------------------------------------------------------------------

    def _role_of(self, mention: PersonMention, owner: str) -> str | None:
        """The role or title ``mention`` gives the person named ``owner``."""
        root = mention.root
        ent = mention.ent
        # "NATO Secretary General Mark Rutte": title words before the name in its phrase.
        left = [t for t in root.subtree if t.i < ent.start]
        left = self._contiguous_before(left, ent.start)
        if _indefinite_noun(left):
            left = []  # "An entity Neumann controlled": no title, a clause
        words = [t for t in left if _has_word(t)]
        grouped = bool(words) and words[-1].tag_ in ("NNS", "NNPS")
        if grouped:
            left = []  # "Republican presidential hopefuls Jeb Bush, ...": a group, no title
        role = self._role_text(mention.paragraph, left)
        if role:
            return role
        # "the new Ukrainian Minister of Defence, Mykhailo Fedorov"
        if (
            not grouped
            and root.dep_ == "appos"
            and root.head.pos_ in ("NOUN", "PROPN")
            and root.head.ent_type_ != "PERSON"
            # '“... and the president,” Flynn said': no apposition across a closing mark
            and not any(t.text in ALL_MARKS for t in root.doc[root.head.i : root.i])
        ):
            head = root.head
            tokens = [t for t in head.subtree if t.i < root.i and t not in list(root.subtree)]
            return self._role_text(mention.paragraph, tokens, possessor_of=head)
        # "Mykhailo Fedorov, the new minister,"
        for child in root.children:
            if child.dep_ == "appos" and _is_role_noun(child) and child.i > ent.end - 1:
                role = self._role_text(
                    mention.paragraph, _role_phrase(child), possessor_of=child
                ) or self._role_text(
                    mention.paragraph, _role_phrase(child, first_job=True), possessor_of=child
                )
                if role and role.endswith(f" of {owner}"):
                    # "his" is the person himself: "Rahm Emanuel, his chief of staff" is
                    # someone else's; "Taylor Swift, her label and a couple of ..." a list.
                    conjuncts = [c for c in child.children if c.dep_ == "conj"]
                    if any(c.dep_ == "det" for conj in conjuncts for c in conj.children):
                        return None
                    return role[: -len(f" of {owner}")]
                return role
        return None

    @staticmethod
    def _contiguous_before(tokens: list[Token], stop: int) -> list[Token]:
        kept: list[Token] = []
        expected = stop - 1
        for token in sorted(tokens, key=lambda t: t.i, reverse=True):
            if token.i != expected or (token.is_punct and not _joins_words(token)):
                break
            kept.insert(0, token)
            expected -= 1
        return kept

    def _role_text(
        self, paragraph: ParsedParagraph, tokens: list[Token], possessor_of: Token | None = None
    ) -> str | None:
        tokens = sorted(tokens, key=lambda t: t.i)
        ages = [i for i, token in enumerate(tokens) if _ends_an_age(token)]
        if ages:
            tokens = tokens[ages[-1] + 1 :]  # "the 68-year-old", "about 68-year-old": no role
        while tokens and (
            tokens[0].dep_ in _ROLE_STOP_DEPS
            or not _has_word(tokens[0])
            or tokens[0].lower_ in _HONORIFICS
        ):
            tokens.pop(0)
        while tokens and (
            not _has_word(tokens[-1])
            or tokens[-1].lower_ in _HONORIFICS
            or tokens[-1].pos_ == "ADP"
        ):
            tokens.pop()  # "Senior author Dr. Silvia Martins": the role is "Senior author"
        if not tokens or _role_length(tokens) > _MAX_ROLE_TOKENS or tokens[0].text.startswith("@"):
            return None  # "(@RobertMaguire)": a handle, no role
        if (
            any(
                (t.pos_ in ("VERB", "AUX") and not _participle_adjective(t))
                or t.ent_type_ == "PERSON"
                for t in tokens
            )
            or tokens[-1].pos_ == "VERB"
        ):  # "Indiana-born", "fact-checking": no noun
            return None
        if not any(t.pos_ in ("NOUN", "PROPN") for t in tokens):
            return None
        if all(
            t.pos_ == "PRON" or t.lower_ in _PRONOUN_ROLES or t.ent_type_ in _NAME_ONLY_TYPES
            for t in tokens
        ):
            # "Google Stadia" tagged as a person is no "Google" role; "He Jianxiong" read
            # as "He" + "Jianxiong" gives no role "He".
            return None
        if len(tokens) == 1 and not _names_a_person(tokens[0].text):
            return None  # "Crooked Hillary Clinton", "EXCLUSIVE Donald Trump": no role
        start = paragraph.offset + tokens[0].idx
        end = paragraph.offset + tokens[-1].idx + len(tokens[-1].text)
        role = " ".join(self.text[start:end].split())
        if "(" in role and ")" not in role:
            role = role[: role.index("(")].rstrip()  # "High Commissioner for Refugees (UNHCR"
        if possessor_of is not None:
            owner = self._possessor(possessor_of)
            if owner:
                role = f"{role} of {owner}"
        return role

    def _possessor(self, noun: Token) -> str | None:
        """Resolve "his" in "his deputy" to the person it most plausibly points at."""
        poss = next((c for c in noun.children if c.dep_ == "poss"), None)
        if poss is None:
            return None
        if poss.lower_ not in PRONOUNS_MALE | PRONOUNS_FEMALE:
            # "Dahl's deputy, Jon Lie": the possessor is named.
            named = self._person_token(poss)
            return named.canonical if named else None
        sentence = noun.sent
        subject = next(
            (t for t in sentence if t.dep_ in ("nsubj", "nsubjpass") and t.head == sentence.root),
            None,
        )
        candidates = []
        for person in self.people:
            for mention in person.mentions:
                ent = mention.ent
                if ent.doc is noun.doc and ent.start >= sentence.start and ent.end <= poss.i:
                    is_subject = subject is not None and subject.i in range(ent.start, ent.end)
                    candidates.append((not is_subject, ent.start, person.canonical))
        # A possessive in the object names someone other than the subject when the
        # sentence offers such a person ("Rutte highlighted ... of Hegseth ... his deputy").
        return max(candidates)[2] if candidates else None

    def _person_token(self, token: Token) -> Person | None:
        for person in self.people:
            for mention in person.mentions:
                ent = mention.ent
                if ent.doc is token.doc and ent.start <= token.i < ent.end:
                    return person
        return None

    @staticmethod
    def _gender_from_honorific(person: Person, mention: PersonMention) -> None:
        gender = _honorific_gender(mention.ent)
        if gender:
            person.gender = gender
        elif person.gender is None and " " in person.canonical:
            person.gender = first_name_genders().get(person.canonical.split()[0].lower())

    # -- lookups and output -------------------------------------------------------------

    def person_at(self, span: Span) -> Person | None:
        """Return the person a mention overlapping ``span`` names.

        A name that only modifies another noun ("a Trump ally", "Clinton campaign
        manager Robby Mook", "Mr. Trump's former campaign manager, Corey Lewandowski")
        is not the one meant while another name is there; of the others, English puts
        the head of a phrase last, so the last one wins. The overlapping mentions come
        from an index built on the first call (people and their mentions are final by
        then); of equal ones, the first in people order wins.
        """
        if self._person_index is None:
            pairs = [(m, p) for p in self.people for m in p.mentions]
            self._person_index = _MentionIndex([m.span for m, _ in pairs])
            self._person_pairs = pairs
        best: tuple[int, int, int, int] | None = None
        for order in self._person_index.overlapping(span):
            mention, _ = self._person_pairs[order]
            key = (
                0 if _modifies_a_noun(mention) else 1,
                min(mention.span[1], span[1]),
                mention.span[1] - mention.span[0],
                -order,
            )
            if best is None or key > best:
                best = key
        return self._person_pairs[-best[3]][1] if best is not None else None

    def person_named(self, name: str) -> Person | None:
        """Return the person whose canonical name or surname matches ``name``."""
        words = name.split()
        if not words:
            return None
        surname = re.sub(r"(?:['’]s?)$", "", words[-1].lower())
        matches = [
            p for p in self.people if p.surname == surname or p.canonical.lower() == name.lower()
        ]
        if len(matches) > 1 and len(words) > 1:
            matches = [p for p in matches if p.canonical.lower().endswith(name.lower())] or matches
        return max(matches, key=lambda p: len(p.mentions)) if matches else None

    def other_at(self, span: Span) -> Entity | None:
        """Return a non-person entity with a mention overlapping ``span``.

        The first such entity in the order they were found, through an index of their
        mentions (built on the first call) rather than a walk over all of them.
        """
        if self._other_index is None:
            others = list(self.others.values())
            pairs = [(span, entity) for entity in others for span in entity.spans]
            self._other_index = _MentionIndex([s for s, _ in pairs])
            self._other_pairs = [e for _, e in pairs]
        found = self._other_index.overlapping(span)
        return self._other_pairs[min(found)] if found else None

    def to_entities(self) -> list[Entity]:
        """Return all entities, people first, each with mentions in text order."""
        result = []
        for person in self.people:
            longest = max((m.ent for m in person.mentions), key=lambda e: len(e.text))
            result.append(
                Entity(
                    text=_clean_name(longest),
                    label="PERSON",
                    canonical=person.canonical,
                    spans=sorted(m.span for m in person.mentions),
                    roles=[r for _, r in person.roles],
                )
            )
        result.extend(sorted(self.others.values(), key=lambda e: e.spans[0]))
        return result


def _from_first_name(words: list[str]) -> list[str]:
    """A name without the title words the entity recogniser took in before it.

    "Superintendent Jennifer McCormick" is Jennifer McCormick and "Follow Pam Key" (a
    byline's "Follow Pam Key on Twitter") Pam Key: words for a job or a title, before a
    first name known as one ("Lee C. Bollinger" keeps "Lee").
    """
    for at in range(1, len(words) - 1):
        title = [w.lower() for w in words[:at]]
        if not all(w in _NAME_TITLES or w in PERSON_NOUNS for w in title):
            return words
        if _is_first_name(words[at]):
            return words[at:]
    return words


def _name_form_rank(words: list[str]) -> tuple[bool, int]:
    """Rank a name's forms for the canonical one: opening with a first name, then longest."""
    first = words[0]
    return bool(_INITIAL.fullmatch(first)) or _is_first_name(first), len(words)


def _is_first_name(word: str) -> bool:
    """Whether a word is a known first name and no surname particle ("de", "van")."""
    return word.lower() in first_name_genders() and word.lower() not in _SURNAME_PARTICLES


def _ends_an_age(token: Token) -> bool:
    """Whether a token is the "old" of "68-year-old"."""
    doc = token.doc
    return (
        token.lower_ == "old"
        and token.i >= 2
        and doc[token.i - 1].text == "-"
        and doc[token.i - 2].lower_ in ("year", "years")
    )


_ONE_WORD_ROLES = frozenset(
    {"justice", "cardinal", "billionaire", "mogul", "dj", "chef", "frontrunner", "incumbent"}
    | {"republican", "democrat", "independent", "comedian", "entertainer", "partner", "famer"}
    | {"conservative", "liberal", "libertarian", "challenger", "successor", "aide", "boss"}
)
_PERSON_SUFFIX = re.compile(r"\w{2,}(er|or|ist|ian|man|woman|ess)")


def _names_a_person(word: str) -> bool:
    """Whether one word alone can be a person's role: a title, job or kin word.

    "Sen.", "President", "host", "front-runner", "then-Sen." can; a nickname ("Crooked"),
    a headline's "EXCLUSIVE", a place or a plural ("rivals") cannot.
    """
    word = word.lower()
    for prefix in ("then-", "ex-", "-", "front-", "arch-"):
        word = word.removeprefix(prefix)
    if word in _TITLE_NOUNS or word in _NAME_TITLES:
        return True
    if word in _ONE_WORD_ROLES:
        return True
    return (word.endswith(".") and len(word) <= 5) or bool(_PERSON_SUFFIX.fullmatch(word))


def _with_article(ent: SpacySpan) -> bool:
    """Whether a one-word "person" follows "the" as its phrase's head: no one person.

    "the Intelligencer", "the Clintons", "the Upshot", "the Klan"; not "the Obama
    administration" (a modifier) nor "the Donald" (a first name).
    """
    doc = ent.doc
    return (
        len(ent) == 1
        and ent.start > 0
        and doc[ent.start - 1].lower_ == "the"
        and ent.root.dep_ not in ("compound", "poss", "amod", "nmod")
        and not _is_first_name(ent.text)
    )


def _is_role_noun(token: Token) -> bool:
    """Whether an apposition's head can be a job: a noun, or an untagged title word.

    "James P. Kennedy Jr., the U.S. Attorney for ..." parses "Attorney" as a proper noun;
    other proper nouns there are names, headlines or party tags ("Smith, Reuters").
    """
    if token.tag_ in ("NNS", "NNPS"):
        return False  # "..., winners of the Poe award": a group, not one person's job
    if token.pos_ == "NOUN":
        return True
    return token.pos_ == "PROPN" and not token.ent_type_ and token.lower_ in _TITLE_NOUNS


def _role_phrase(head: Token, *, first_job: bool = False) -> list[Token]:
    """The tokens of an apposition's phrase without its comma-led clauses or conjuncts.

    "Phil Levy, the chief economist at Flexport, which coordinates shipments" gives "the
    chief economist at Flexport": the relative clause, a participle or a second apposition
    after a comma says more about the company, not the person's job; "..., and other
    scientists" adds other people. With ``first_job``, a second job joined by "and" goes
    too ("associate professor of physics at the University of Florida and co-author of
    the study"), for a role too long with both.
    """
    doc = head.doc
    cut: set[int] = set()
    for token in head.subtree:
        if token.i == head.i or token.i in cut:
            continue
        edge = token.left_edge.i
        if token.dep_ == "conj" and token.head.i == head.i:
            if first_job and edge > head.i + 1 and doc[edge - 1].dep_ == "cc":
                start = edge - 2 if doc[edge - 2].text == "," else edge - 1
                cut.update(range(start, head.right_edge.i + 1))
            # "head of the National Center ..., and other scientists": a list of people
            elif edge > head.i + 2 and doc[edge - 1].dep_ == "cc" and doc[edge - 2].text == ",":
                cut.update(range(edge - 2, token.right_edge.i + 1))
        elif (
            token.dep_ in ("relcl", "acl", "appos")
            and edge > head.i
            and doc[edge - 1].text == ","
            and token.ent_type_ not in ("GPE", "LOC")  # "a salesman from Sumter, South Carolina"
        ):
            cut.update(t.i for t in token.subtree)
            cut.add(edge - 1)
    return [t for t in head.subtree if t.i not in cut]


def _participle_adjective(token: Token) -> bool:
    """Whether a verb form describes a noun rather than making a clause.

    A role's words may hold one: "founding director", "Los Angeles-based attorney",
    "ousted campaign manager".
    """
    return (
        token.tag_ in ("VBN", "VBG")
        and token.dep_ == "amod"
        and not any(c.dep_ in ("advmod", "nsubj", "dobj") for c in token.children)
    )


def _role_length(tokens: list[Token]) -> int:
    """Words in a role, a multi-word name counted once ("the International Monetary Fund")."""
    return sum(1 for t in tokens if not (t.ent_iob_ == "I" and t.ent_type_))


def _has_word(token: Token) -> bool:
    """Whether a token holds a letter or digit (not "|", "•", "—" or a comma)."""
    return any(c.isalnum() for c in token.text)


def _hyphen_in_word(token: Token) -> bool:
    """Whether ``token`` is a hyphen with a word glued to each side ("Jean-Marc")."""
    return token.text == "-" and _joins_words(token)


def _joins_words(token: Token) -> bool:
    """Whether a punctuation token joins two words ("Hungarian-American"), spaces on neither side."""
    doc = token.doc
    return (
        not token.whitespace_
        and token.i > 0
        and not doc[token.i - 1].whitespace_
        and token.i + 1 < len(doc)
        and token.text in ("-", "/")
    )


def _mistagged_surname(ent: SpacySpan, surnames: set[str]) -> bool:
    """Whether a non-person entity is the bare surname of a person the article names."""
    if ent.label_ not in ("ORG", "GPE", "NORP", "LOC", "FAC"):
        return False
    words = _name_tokens(ent)
    return (
        len(words) == 1
        and words[0].lower() in surnames
        and all(
            t.pos_ == "PROPN" or (t.pos_ == "NOUN" and t.text[:1].isupper())
            for t in ent
            if not t.is_punct and t.dep_ != "case"
        )  # "Trump has record low support" opens a sentence, parsed as a common noun
    )


def _indefinite_noun(tokens: list[Token]) -> bool:
    """Whether words before a name are "a"/"an" and one noun ("an entity Neumann controlled").

    A title before a name takes no indefinite article; such a noun is the head of a
    reduced relative clause whose subject is the name.
    """
    words = [t for t in tokens if not t.is_punct]
    return len(words) == 2 and words[0].lower_ in ("a", "an") and words[1].pos_ == "NOUN"


def _mistagged_person(ent: SpacySpan) -> bool:
    """Whether an organisation-tagged name is a person's, by the job it is given.

    "Eswar Prasad, a trade professor at Cornell," and "the economist, Eswar Prasad," name
    a person whatever the entity recogniser said: a name of two to four proper nouns in
    apposition with a singular noun for a job only people do, or after one ("moderator
    Lester Holt"), or a known first name and surname after an employer's possessive
    ("NBC's Lester Holt"). (A first name is no sign:
    "Fox", "Clinton", "Washington" and "Edison" are first names too.)
    """
    if ent.label_ not in ("ORG", "NORP", "FAC", "PRODUCT"):
        return False
    words = [t for t in ent if not t.is_punct]
    if not 2 <= len(words) <= 4 or not all(t.pos_ == "PROPN" and t.is_title for t in words):
        return False
    root = ent.root
    described = [c for c in root.children if c.dep_ == "appos" and c.i >= ent.end]
    if root.dep_ == "appos" and root.head.i < ent.start:
        described.append(root.head)
    before = ent.doc[ent.start - 1] if ent.start else None
    if before is not None and before.dep_ == "compound" and ent.start <= before.head.i < ent.end:
        described.append(before)  # "moderator Lester Holt"
    if before is not None and before.dep_ == "case" and _is_first_name(words[0].text):
        return True  # "NBC's Lester Holt": a first name after an employer's possessive
    return any(noun.tag_ == "NN" and noun.lemma_.lower() in _JOB_NOUNS for noun in described)


_JUNIOR = re.compile(r"(?:Jr|Junior|Sr|II|III|IV)\.?")
_YOUNGER = {"younger": "younger", "junior": "younger", "elder": "elder", "older": "elder"}


def _modifies_a_noun(mention: PersonMention) -> bool:
    """Whether a name is a possessive or a compound in front of another noun."""
    root = mention.root
    return root.dep_ in ("poss", "compound", "amod", "nmod") and not (
        mention.ent.start <= root.head.i < mention.ent.end
    )


def _surname_of(words: list[str]) -> str:
    """The surname of a name: its last word, or the one before "Jr.", "III", ..."""
    if len(words) > 2 and _JUNIOR.fullmatch(words[-1]):
        return words[-2]
    return words[-1]


def _generation_before(ent: SpacySpan) -> str | None:
    """Return "younger" or "elder" when it comes just before a name, else None."""
    doc = ent.doc
    i = ent.start - 1
    while i >= 0 and doc[i].lower_.rstrip(".") in {"mr", "mrs", "ms", "miss"}:
        i -= 1
    return _YOUNGER.get(doc[i].lower_) if i >= 0 else None


def _honorific_gender(ent: SpacySpan) -> str | None:
    """Return "m" after Mr., "f" after Mrs. or Ms., else None."""
    if ent.start == 0:
        return None
    before = ent.doc[ent.start - 1].lower_
    if before in HONORIFICS_MALE:
        return "m"
    if before in HONORIFICS_FEMALE:
        return "f"
    return None
