"""Rule-based quotation extraction over the dependency parse (``onrecord.QuoteRules.v1``).

Owns finding statements and their cue and source mention: direct quotes next to an
attribution frame (before, after or around it: ``"X," he said, "Y."``), reported speech
(a cue verb with a clausal complement, "Rutte said that ..."), mixed quotes (reported
speech containing a quoted fragment), noun-phrase statements ("emphasizing the
strengthening of ..."), verbless attributions ("according to X", "— Senator X"),
headline quotes ("Speaker: words") and unattributed quote paragraphs that continue the
previous speaker. Leaves resolving "he"/"Rutte" to a canonical speaker to
``nlp.speakers``.
"""

from __future__ import annotations

import itertools
import os
import re
from bisect import bisect_left, bisect_right
from collections import Counter

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from onrecord.models import QuoteType, Span
from onrecord.nlp.parse import ParsedArticle, ParsedParagraph
from onrecord.nlp.quotes.agreement import tagger_agreement
from onrecord.nlp.quotes.attribution import Attribution
from onrecord.nlp.quotes.cue_table import load_cue_table, verb_relations
from onrecord.nlp.quotes.cues import (
    CLAUSE_ONLY_VERBS,
    HEADLINE_LABELS,
    NOUN_PHRASE_CONTENT_VERBS,
    SPEECH_VERBS,
)
from onrecord.nlp.quotes.datelines import without_dateline
from onrecord.nlp.quotes.frames import (
    CUE_MODIFIERS,
    SUBJECT_DEPS,
    agent_of,
    cue_start,
    hyphen_joined_start,
    hyphen_joined_subject,
    in_connective,
    parenthetical,
    passive_participle,
    speaks_for_first_cue,
    verb_between,
)
from onrecord.nlp.quotes.headlines import headline_speaker, headline_verb
from onrecord.nlp.quotes.interviews import interview_turns, without_interview_labels
from onrecord.nlp.quotes.marks import ALL_MARKS, QuotedRegion
from onrecord.nlp.quotes.nesting import Reach, mark_nested
from onrecord.nlp.quotes.raising import without_raised_subjects

EXTRACTOR_NAME = "onrecord.QuoteRules.v1"
_GAP = re.compile(r"^[\s,;:—–-]*$")
_WORD = re.compile(r"[\w’'.-]+|[^\w\s]")
_FRAME_TO_QUOTE_GAP = re.compile(r"^[ \t]*[,:—–-]?[ \t]*$")
_TRANSCRIPT_LINE = re.compile(
    r"^[“\"]?(?P<name>[A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,3}):[ \t\xa0]+"
    r"(?P<said>\S(?:[^\n]*\S)?)",
    re.MULTILINE,
)
"""A transcript line: a name in capitals, a colon, what was said (to the line's end)."""
_HEADLINE = re.compile(r"^(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s*:\s+(?P<rest>\S.*)$")
_MARK_CHARS = "".join(sorted(ALL_MARKS))
_LEADING_CONNECTIVE = re.compile(r"(?:[Aa]nd|[Bb]ut|So|Or)\s+")
_FRAME_STOPS = frozenset({".", "!", "?", "…", ":", ","})
TABLE_THRESHOLD = float(os.environ.get("ONRECORD_TABLE_THRESHOLD", "0.4"))
"""Verbs outside the lexicon count as cues when the cue table's probability reaches this."""

MIN_BLOCK_QUOTE_TOKENS = 8
"""A paragraph after "X said:" shorter than this (words and marks) is taken for a
subheading ("What Does Stadia Offer?"), not what was said."""
_INHERIT_DEPS = ("advcl", "xcomp", "conj", "pcomp", "acl")


def alnum_positions(text: str, spans: list[Span]) -> set[int]:
    """Return the offsets of letters and digits inside ``spans``."""
    return {i for s, e in spans for i in range(s, e) if text[i].isalnum()}


def classify_type(text: str, content: list[Span], regions: list[QuotedRegion]) -> QuoteType:
    """Tell direct, mixed and indirect apart by how much of the content is quoted.

    Args:
        text: The article text.
        content: The statement's fragments.
        regions: All quoted regions of the article.

    Returns:
        ``direct`` when every letter is inside quotation marks, ``mixed`` when some are,
        ``indirect`` when none are.
    """
    letters = alnum_positions(text, content)
    if not letters:
        return "indirect"
    low, high = min(s for s, _ in content), max(e for _, e in content)
    nearby = []
    # regions are disjoint and in text order: their ends are sorted too
    for index in range(bisect_right(regions, low, key=lambda r: r.end), len(regions)):
        if regions[index].start >= high:
            break
        nearby.append(regions[index].span)
    quoted = alnum_positions(text, nearby) & letters
    if len(quoted) == len(letters):
        return "direct"
    return "mixed" if quoted else "indirect"


class QuoteRules:
    """Apply the rules to one parsed article.

    Every look-up of a region, a paragraph, a token or a span is a binary search, and
    the frame after a cue is found from a table built once per paragraph, so that an
    article with tens of thousands of quotes or run-on sentences takes time in
    proportion to its length, not to its square.

    Args:
        parsed: The parsed body (and headline) paragraphs.
        regions: Quoted regions found by ``find_quoted_regions`` (disjoint, in text
            order).
        title_span: The headline's span, if the article has one.
    """

    def __init__(
        self,
        parsed: ParsedArticle,
        regions: list[QuotedRegion],
        title_span: Span | None = None,
        tagged: dict[str, list[Span]] | None = None,
    ) -> None:
        self.parsed = parsed
        self.text = parsed.text
        self.regions = regions
        self.title_span = title_span
        self.tagged = tagged or {}
        self.claimed: set[QuotedRegion] = set()
        self.table = load_cue_table()
        self._starts = [r.start for r in regions]
        self._ends = [r.end for r in regions]
        self._offsets = [p.offset for p in parsed.paragraphs]
        self._by_doc = {id(p.doc): p for p in parsed.paragraphs}
        self._stops: dict[int, list[int]] = {}
        self._token_ends: dict[int, list[int]] = {}

    # -- entry point -------------------------------------------------------------------

    def extract(self) -> list[Attribution]:
        """Return every attribution found, in text order of their content."""
        found: list[Attribution] = []
        headline = self._headline_quote() or self._headline_statement()
        if headline:
            found.append(headline)
        contents = {tuple(a.content) for a in found}
        for paragraph, sentence in self.parsed.sentences():
            for token in sentence:
                attribution = self._from_token(paragraph, sentence, token)
                if attribution and tuple(attribution.content) not in contents:
                    contents.add(tuple(attribution.content))
                    found.append(attribution)
        found.extend(self._transcript_lines(found))
        found.extend(self._colon_quotes(found))
        found.extend(self._tagged_cues(found))
        found.extend(self._verbless_dash_quotes())
        found.extend(self._continuation_quotes(found))
        found.extend(self._tagged_contents(found))
        found.extend(self._block_quotes(found))
        turns = interview_turns(self.text)
        found = without_interview_labels(found, turns)
        roles = Reach([span for a in found for span in (*a.cue, *a.source)])
        self._extend_to_tagged_ends(found, roles)
        self._complete_quotations(found, roles)
        self._drop_leading_connectives(found)
        self._drop_datelines(found)
        self._tagged_sources(found)
        without_raised_subjects(self.text, found)
        for attribution in found:
            attribution.type = attribution.fixed_type or classify_type(
                self.text, attribution.content, self.regions
            )
            if attribution.type == "direct" and attribution.cue and attribution.source:
                attribution.confidence = max(attribution.confidence, 0.85)
        mark_nested(found)
        found.extend(turns)  # outside the nesting: see nlp.quotes.interviews
        if self.tagged:
            for attribution in found:
                attribution.agreement = tagger_agreement(
                    attribution.content, attribution.cue, attribution.source, self.tagged
                )
        for attribution in found:  # after the agreement letters, which read the cues
            attribution.cue = self._longer_cue(attribution.cue)
        found.sort(key=lambda a: a.content[0])
        return found

    # -- cues ---------------------------------------------------------------------------

    def _longer_cue(self, cue: list[Span]) -> list[Span]:
        """A one-piece cue with the verbs that govern it right before it.

        "could not resist **pointing out**", "is steering clear of **criticizing**",
        "avoids **condemning**": annotators take the chain of verbs into the cue, and a
        noun cue's article and adjectives ("a tacit **acknowledgment**").
        """
        if len(cue) != 1:
            return cue
        located = self._tokens_at(cue[0])
        if located is None:
            return cue
        paragraph, tokens = located
        start = cue_start(tokens)
        if start == tokens[0].i:
            return cue
        return [(paragraph.token_span(tokens[0].doc[start])[0], cue[0][1])]

    def _from_token(
        self, paragraph: ParsedParagraph, sentence: SpacySpan, token: Token
    ) -> Attribution | None:
        if (
            token.lower_ == "according"
            and token.i + 1 < len(token.doc)
            and token.nbor().lower_ == "to"
        ):
            return self._according_to(paragraph, sentence, token)
        if token.pos_ not in ("VERB", "AUX"):
            return None
        if token.dep_ in ("amod", "compound") or self._in_region(paragraph.token_span(token)):
            return None
        if passive_participle(token) or in_connective(token):
            return None
        if token.lemma_.lower() in SPEECH_VERBS:
            found = self._verb_cue(paragraph, sentence, token)
            if found is not None:
                return found
        return self._table_cue(paragraph, token)

    def _table_cue(self, paragraph: ParsedParagraph, verb: Token) -> Attribution | None:
        """A verb the cue table says introduces its complement ("called for X", "vowed to X")."""
        best = self.table.best_relation(verb)
        if best is None or best[0] < TABLE_THRESHOLD:
            return None
        probability, relation, head = best
        if relation == "ccomp":
            content = self._clause_content(paragraph, head, verb)
        else:
            direct_object = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if (
                relation.startswith("prep:")
                and direct_object is not None
                and direct_object.i < head.i
            ):
                head = direct_object  # "criticized the mayor for his handling": both belong
            content = self._object_content(paragraph, verb, head)
        if not content:
            return None
        cue = self._cue_spans(paragraph, verb)
        if relation.startswith("prep:") and head.head.i == verb.i + 1:
            cue = [(cue[0][0], paragraph.token_span(head.head)[1])]  # "called for"
        subject = self._subject_of(verb)
        return Attribution(
            content=content,
            cue=cue,
            source=self._source_spans(paragraph, subject) if subject is not None else [],
            confidence=probability,
            rule=f"table:{relation}",
            source_token=subject,
            paragraph=paragraph,
            position=paragraph.token_span(verb)[0],
        )

    def _verb_cue(
        self, paragraph: ParsedParagraph, sentence: SpacySpan, verb: Token
    ) -> Attribution | None:
        lemma = verb.lemma_.lower()
        subject = self._subject_of(verb)
        clauses = [
            c
            for c in verb.children
            if c.dep_ in ("ccomp", "parataxis")
            # "tweeted that she was ..." is sometimes parsed as an adverbial clause
            or (
                c.dep_ == "advcl"
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            )
        ]
        before = [c for c in clauses if c.i < verb.i]
        after = [c for c in clauses if c.i > verb.i]
        # "Harbour talks: Roe says port will stay open": a clause after the verb wins
        # unless the one before is quoted ("X," he said, "Y.").
        if before and (not after or self._in_region(paragraph.token_span(before[0]))):
            clause: Token | None = before[0]
        else:
            clause = after[0] if after else None
        cue = self._cue_spans(paragraph, verb)
        source = self._source_spans(paragraph, subject) if subject is not None else []

        def attribution(content: list[Span], confidence: float, rule: str) -> Attribution:
            return Attribution(
                content=content,
                cue=cue,
                source=source,
                confidence=confidence,
                rule=rule,
                source_token=subject,
                paragraph=paragraph,
                position=paragraph.token_span(verb)[0],
            )

        if clause is None and subject is not None and self._set_off_frame(verb):
            if verb.head.i < verb.i:
                # "X is normal, Rutte said" is sometimes parsed with the statement as the head.
                clause = verb.head
            elif verb.dep_ == "parataxis":
                # "The port, Roe said on Monday, will hire ...": the frame sits inside.
                inside = self._around_frame(paragraph, verb)
                if inside:
                    return attribution(inside, 0.6, "frame_inside")
        if clause is not None:
            content = self._clause_content(paragraph, clause, verb)
            if clause.i > verb.i and content and parenthetical(verb, subject):
                # "X had become so bad, Obama noted, that Y": the statement surrounds the frame.
                content = self._before_frame(paragraph, verb, subject, before) + content
            if content:
                return attribution(content, 0.75 if subject is not None else 0.55, "clause")
        adjacent = self._adjacent_quotes(paragraph, sentence, verb, subject)
        if adjacent:
            return attribution(adjacent, 0.9 if subject is not None else 0.6, "adjacent_quote")
        if lemma in NOUN_PHRASE_CONTENT_VERBS and lemma not in CLAUSE_ONLY_VERBS:
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if obj is not None and len(list(obj.subtree)) >= 3:
                phrase = self._object_content(paragraph, verb, obj)
                if phrase:
                    return attribution(phrase, 0.5, "object")
        return None

    def _according_to(
        self, paragraph: ParsedParagraph, sentence: SpacySpan, according: Token
    ) -> Attribution | None:
        to = according.nbor()
        objects = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in according.children if c.dep_ == "pobj"
        ]
        if not objects:
            return None
        source_head = objects[0]
        phrase = {according.i, to.i} | {t.i for t in source_head.subtree}
        rest = [t for t in sentence if t.i not in phrase]
        fragments = self._fragments(paragraph, rest)
        source = self._source_spans(paragraph, source_head)
        if not fragments and according.i <= sentence.start + 1:
            # "According to host Rush Limbaugh, the move reeks of ...", the statement parsed
            # as an apposition of the source: it is what follows the source's last comma.
            commas = [t for t in source_head.subtree if t.text == "," and t.i > source_head.i]
            if commas:
                cut = commas[-1].i
                fragments = self._fragments(paragraph, [t for t in sentence if t.i > cut])
                named = [t for t in source_head.subtree if t.i < cut]
                source = [paragraph.char_span(named[0].i, named[-1].i + 1)]
        if not fragments:
            return None
        return Attribution(
            content=fragments,
            cue=[paragraph.char_span(according.i, to.i + 1)],
            source=source,
            confidence=0.75,
            rule="according_to",
            source_token=source_head,
            paragraph=paragraph,
            position=paragraph.token_span(according)[0],
        )

    @staticmethod
    def _set_off_frame(verb: Token) -> bool:
        """Whether ``verb`` heads a frame set off from its statement by punctuation.

        True for "X is normal, Rutte said" parsed with the statement as the head, false
        for a speech verb inside a reported clause ("stressed that repairs would
        continue", "said the family would respond"), which is no frame of its own.
        """
        if verb.dep_ not in ("parataxis", "ccomp") or verb.head.pos_ not in ("VERB", "AUX"):
            return False
        if any(c.dep_ == "mark" for c in verb.children):
            return False
        left = next(t for t in verb.subtree if not t.is_punct or t == verb)
        if left.i == 0 or left.i - 1 == verb.head.i:
            return False
        before = verb.doc[left.i - 1]
        return before.is_punct or before.text in ALL_MARKS

    def _around_frame(self, paragraph: ParsedParagraph, verb: Token) -> list[Span]:
        """The statement around a parenthetical frame, in fragments, without the frame."""
        head = verb.head
        if head.lemma_.lower() in SPEECH_VERBS:
            return []
        frame = {t.i for t in verb.subtree}
        tokens = [t for t in head.subtree if t.i not in frame]
        if not tokens or tokens[0].i > verb.left_edge.i:
            return []
        if any(self._in_region(paragraph.token_span(t)) for t in tokens):
            return []
        fragments = self._fragments(paragraph, tokens)
        return fragments if len(fragments) >= 2 else []

    # -- pieces -------------------------------------------------------------------------

    def _subject_of(self, verb: Token) -> Token | None:
        current = verb
        if speaks_for_first_cue(verb):
            # "May said the country would leave **and suggested** that ...": the parser
            # joins the second cue to the reported verb; its speaker is the first cue's
            current = verb.head.head
        for _ in range(4):
            for child in current.children:
                if child.dep_ == "nsubjpass" and current is verb:
                    # "Quiros was accused of fraud": who accused is the "by" agent, if any
                    return agent_of(verb)
                if child.dep_ in SUBJECT_DEPS and not child.is_punct:
                    if self._quoted_token(child):
                        continue  # "“Full panic mode,” said Wimes" parsed with two subjects
                    return hyphen_joined_subject(child)
            inverted = [c for c in current.children if c.dep_ == "dobj" and c.i > current.i]
            # "said Caddell" is sometimes parsed with the speaker as the object.
            if (
                current is verb
                and inverted
                and current.lemma_.lower() == "say"
                and inverted[0].pos_ == "PROPN"
            ):
                return inverted[0]
            if current.dep_ in _INHERIT_DEPS and current.head.i != current.i:
                if current.dep_ == "pcomp" and current.head.dep_ == "prep":
                    current = current.head  # "began by saying": the verb the "by" belongs to
                current = current.head
                continue
            break
        return self._name_after_quote(verb)

    def _closing_mark_before(self, verb: Token) -> int | None:
        """The index of the last quotation mark before ``verb``, if it closes a quote."""
        doc = verb.doc
        mark = verb.i - 1
        while mark >= 0 and doc[mark].text not in ALL_MARKS:
            mark -= 1
        if mark < 0 or mark + 1 >= verb.i or not self._quoted_token(doc[mark]):
            return None
        return mark

    def _name_after_quote(self, verb: Token) -> Token | None:
        """The name between a closing mark and its frame verb that the parser put inside.

        '“... between this White House and the president,” Flynn, a top Trump surrogate,
        said': the parser made "Flynn" an apposition of "president", so "said" has no
        subject; the name's phrase is the one after the closing mark.
        """
        mark = self._closing_mark_before(verb)
        if mark is None:
            return None
        for token in verb.doc[mark + 1 : verb.i]:
            if token.head.i < mark and token.pos_ == "PROPN" and not token.is_punct:
                return token
        return None

    def _quoted_token(self, token: Token) -> bool:
        """Whether a token lies inside a quotation (so it is what was said, not who)."""
        paragraph = self._by_doc.get(id(token.doc))
        return paragraph is not None and self._in_region(paragraph.token_span(token))

    def _cue_spans(self, paragraph: ParsedParagraph, verb: Token) -> list[Span]:
        """The verb with the auxiliaries, negation and adverbs right beside it ("has also said")."""
        start = end = verb.i
        for child in sorted(verb.children, key=lambda t: t.i, reverse=True):
            if child.i == start - 1 and child.dep_ in CUE_MODIFIERS:
                start = child.i
        for child in sorted(verb.children, key=lambda t: t.i):
            if child.i == end + 1 and child.dep_ == "prt":
                end = child.i
        return [paragraph.char_span(start, end + 1)]

    def _source_spans(self, paragraph: ParsedParagraph, head: Token) -> list[Span]:
        """The whole noun phrase of the speaker mention, as annotators mark it.

        Appositions and relative clauses belong to it ("Scott Pruitt, the attorney
        general of Oklahoma, said"; "Joseph, who has four children, said"); a quotation
        inside the subject phrase does not. Speaker resolution looks at the head token.
        """
        if head.pos_ == "PRON":
            return [paragraph.token_span(head)]
        tokens = [t for t in head.subtree if not self._in_region(paragraph.token_span(t))]
        if head.head.i > head.i:
            # "A union ... endorsed Clinton on Thursday, another example of ...": the
            # parser hung the apposition on the subject; the source stops at its verb
            tokens = [t for t in tokens if t.i < head.head.i]
        if not tokens:
            return [paragraph.token_span(head)]
        start = hyphen_joined_start(head, min(t.i for t in tokens))
        end = max(t.i for t in tokens)
        doc = head.doc
        while start < head.i and (doc[start].is_punct or doc[start].dep_ == "cc"):
            start += 1
        while end > head.i and doc[end].is_punct and doc[end].text not in ALL_MARKS:
            if doc[end].text == ")" and any(t.text == "(" for t in doc[start:end]):
                break  # "Sen. David Perdue (R-Ga.)": the party's brackets stay whole
            end -= 1
        if end < start:  # the head itself sits inside a quotation
            return [paragraph.token_span(head)]
        return [paragraph.char_span(start, end + 1)]

    def _clause_content(self, paragraph: ParsedParagraph, clause: Token, verb: Token) -> list[Span]:
        frame = set(verb.subtree) if verb in clause.subtree and verb != clause else {verb}
        if clause in frame:
            frame = {verb}
        tokens = [t for t in clause.subtree if t not in frame]
        if clause.i > verb.i:
            tokens = [t for t in tokens if t.i > verb.i]
        else:
            name = self._name_after_quote(verb)
            # '“...,” Flynn, a surrogate, said' with the name parsed into the quote
            end = verb.i if name is None or name not in tokens else name.left_edge.i
            tokens = [t for t in tokens if t.i < end]
        tokens = _before_nested_cue(tokens, clause)
        span = self._trimmed(paragraph, tokens)
        if span is None:
            return []
        region = self._region_containing(span)
        if region is not None:
            # The clause is all inside one quote: the statement is the whole quote.
            return self._with_split_part(paragraph, region, verb)
        return [self._extend_to_marks(span)]

    def _object_content(self, paragraph: ParsedParagraph, verb: Token, head: Token) -> list[Span]:
        """A noun-phrase statement with the complements that complete it.

        "slamming Tim Kaine for his work", "called the charges unsubstantiated",
        "called for contestants to wear shorter dresses": the object and the verb's
        later complements, up to a comma, a conjunction or an adverbial clause.
        """
        tokens = list(head.subtree)
        first = head.left_edge.i
        if first > 0 and head.doc[first - 1].dep_ == "case":
            # "praised Ukraine’s role" parsed with "Ukraine’s" as a separate dative
            owner = head.doc[first - 1].head
            if owner.head == head.head:
                tokens = list(owner.subtree) + tokens
        last = max(t.i for t in tokens)
        anchor = head if head.head == verb else head.head
        for child in sorted(verb.children, key=lambda t: t.i):
            if child.i <= anchor.i or child.i <= last:
                continue
            if child.dep_ not in _COMPLEMENT_DEPS or (
                child.dep_ == "prep" and child.lower_ not in _COMPLEMENT_PREPOSITIONS
            ):
                break  # "rejected that argument | in a ruling released Thursday"
            tokens.extend(child.subtree)
            last = max(t.i for t in child.subtree)
        tokens = _without_trailing_aside(_before_nested_cue(tokens, head))
        span = self._trimmed(paragraph, tokens)
        return [self._extend_to_marks(span)] if span else []

    def _before_frame(
        self, paragraph: ParsedParagraph, verb: Token, subject: Token | None, before: list[Token]
    ) -> list[Span]:
        """The part of a statement before a parenthetical frame, as one fragment or none."""
        if before:
            tokens = list(before[0].subtree)
        elif verb.dep_ in ("parataxis", "ccomp") and verb.head.i < verb.i:
            tokens = list(verb.head.subtree)
        else:
            return []
        first_frame = min([verb.i] + [t.i for t in subject.subtree] if subject else [verb.i])
        tokens = [t for t in tokens if t.i < first_frame]
        span = self._trimmed(paragraph, tokens)
        if span is None or self._in_region(span):
            return []
        return [span]

    def _adjacent_quotes(
        self, paragraph: ParsedParagraph, sentence: SpacySpan, verb: Token, subject: Token | None
    ) -> list[Span]:
        frame_tokens = [verb]
        if subject is not None:
            frame_tokens.extend(subject.subtree)
        frame_start = min(paragraph.token_span(t)[0] for t in frame_tokens)
        frame_end = max(paragraph.token_span(t)[1] for t in frame_tokens)
        sentence_start = paragraph.offset + sentence.start_char
        # the regions that end less than 4 characters before the frame
        first = bisect_left(self._ends, frame_start - 3)
        last = bisect_right(self._ends, frame_start)
        for region in (self.regions[index] for index in range(first, last)):
            between = self.text[region.end : frame_start]
            if not _GAP.match(between):
                continue
            last_inside = self.text[region.start : region.end].rstrip('”"»').rstrip()[-1:]
            same_sentence = (
                last_inside in (",", "—", "–", "-", "?", "!", "…")
                or sentence_start < region.end
                or self.text[frame_start].islower()
            )
            if same_sentence:
                return self._with_split_part(paragraph, region, verb)
        after_frame = self._frame_end(paragraph, sentence, verb, frame_end)
        for index in range(bisect_left(self._starts, after_frame), len(self.regions)):
            region = self.regions[index]
            gap = self.text[after_frame : region.start]
            set_off = self.text[after_frame - 1] in ":," or gap.strip() in (":", ",", "—", "–", "-")
            if (_FRAME_TO_QUOTE_GAP.match(gap) and (set_off or self._whole_sentence(region))) or (
                gap.strip() == "" and self.text[after_frame - 1] == ":"
            ):
                self.claimed.add(region)
                return [region.span]
            break
        return []

    def _whole_sentence(self, region: QuotedRegion) -> bool:
        """Whether a quote reads as full sentences ("said “We will win.”"), not a phrase.

        A quote right after a verb with no comma or colon is a statement of its own only
        when it starts with a capital and ends its sentence; otherwise it is a quoted
        phrase inside a reported clause ("tweeted that she was “disgusting”").
        """
        inside = self.text[region.start + 1 : region.end].strip('”"» ')
        first = next((c for c in inside if c.isalnum()), "")
        return first.isupper() and inside[-1:] in (".", "!", "?", ",")

    def _frame_end(
        self, paragraph: ParsedParagraph, sentence: SpacySpan, verb: Token, frame_end: int
    ) -> int:
        """Extend the frame over the rest of the verb phrase up to the first quotation mark.

        That is up to the first mark or sentence end after the verb (a quote after the
        end of the frame's sentence is not its statement), or through the first colon or
        comma; ``_stops`` finds it without walking the sentence.
        """
        doc = paragraph.doc
        stop = self._next_stop(paragraph)[verb.i + 1]
        if stop < sentence.end and doc[stop].text in (":", ","):
            return paragraph.token_span(doc[stop])[1]
        last = min(stop, sentence.end) - 1
        return paragraph.token_span(doc[last])[1] if last > verb.i else frame_end

    def _next_stop(self, paragraph: ParsedParagraph) -> list[int]:
        """For each token of a paragraph, the index of the first frame stop at or after it.

        Stops are quotation marks, sentence-final punctuation, colons and commas; the
        table has one more entry (for the end of the paragraph), ``len(doc)``.
        """
        stops = self._stops.get(paragraph.offset)
        if stops is None:
            doc = paragraph.doc
            stops = [len(doc)] * (len(doc) + 1)
            for token in reversed(doc):
                text = token.text
                is_stop = text in _FRAME_STOPS or text in ALL_MARKS
                stops[token.i] = token.i if is_stop else stops[token.i + 1]
            self._stops[paragraph.offset] = stops
        return stops

    def _with_split_part(
        self, paragraph: ParsedParagraph, region: QuotedRegion, verb: Token
    ) -> list[Span]:
        """Return the quote, plus its continuation after the frame (``"X," he said, "Y."``)."""
        self.claimed.add(region)
        parts = [region.span]
        verb_end = paragraph.token_span(verb)[1]
        if region.end > verb_end:
            return parts
        sentence_end = paragraph.offset + verb.sent.end_char
        for index in range(bisect_right(self._starts, verb_end), len(self.regions)):
            other = self.regions[index]
            if other in self.claimed:
                continue
            if other.start > sentence_end + 1:
                break
            gap = self.text[verb_end : other.start]
            if (
                re.match(r"^[^.!?\"“”]{0,60}$", gap)
                and gap.rstrip().endswith((",", ":"))
                # "“X,” Trump said, adding later, “Y.”": "adding" is Y's own cue
                and not verb_between(verb, other.start - paragraph.offset)
            ):
                self.claimed.add(other)
                parts.append(other.span)
            break
        return parts

    def _trimmed(self, paragraph: ParsedParagraph, tokens: list[Token]) -> Span | None:
        words = [t for t in sorted(tokens, key=lambda t: t.i) if not t.is_space]
        while words and (words[0].is_punct and words[0].text not in ALL_MARKS):
            words.pop(0)
        while words and (words[-1].is_punct and words[-1].text not in ALL_MARKS):
            words.pop()
        if not words or not any(t.is_alpha for t in words):
            return None
        return paragraph.char_span(words[0].i, words[-1].i + 1)

    def _fragments(self, paragraph: ParsedParagraph, tokens: list[Token]) -> list[Span]:
        runs: list[list[Token]] = []
        for token in tokens:
            if runs and token.i == runs[-1][-1].i + 1:
                runs[-1].append(token)
            else:
                runs.append([token])
        spans = [self._trimmed(paragraph, run) for run in runs]
        return [s for s in spans if s is not None]

    def _extend_to_marks(self, span: Span) -> Span:
        """Take in a closing mark (and the punctuation inside it) that the clause stops short of."""
        start, end = span
        region = self._region_before(end)  # the only region that can hold ``end``
        if region is not None and end < region.end and region.start >= start:
            tail = self.text[end : region.end]
            if len(tail) <= 3 and not any(c.isalnum() for c in tail):
                end = region.end
        return (start, end)

    def _region_exactly(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` holds exactly the words of one closed quotation."""
        letters = alnum_positions(self.text, [(start, end)])
        if not letters:
            return False
        region = self._region_before(min(letters))  # the only one that may hold them
        return (
            region is not None
            and region.closed
            and letters == alnum_positions(self.text, [(region.start, region.end)])
        )

    def _region_containing(self, span: Span) -> QuotedRegion | None:
        letters = alnum_positions(self.text, [span])
        if not letters:
            return None
        region = self._region_before(min(letters))
        return region if region is not None and max(letters) < region.end else None

    def _in_region(self, span: Span) -> bool:
        region = self._region_before(span[0])
        return region is not None and span[1] <= region.end

    def _region_before(self, offset: int) -> QuotedRegion | None:
        """The last region that starts before ``offset`` (the only one that may hold it)."""
        index = bisect_left(self._starts, offset) - 1
        return self.regions[index] if index >= 0 else None

    # -- cues found by the trained tagger ----------------------------------------------------

    def _tagged_cues(self, found: list[Attribution]) -> list[Attribution]:
        """Statements for the tagger's cues that no rule took ("wants to", "support for").

        The tagger (``nlp.model``) says where a cue is; the parse says what it governs:
        the tagger's content span in the same sentence if there is one, else the cue
        verb's complement; the source is the verb's subject, else the tagger's source.
        """
        taken = Reach([span for attribution in found for span in attribution.cue])
        statements = Reach([span for attribution in found for span in attribution.content])
        reach_of_new = -1  # the furthest end of the cues taken below (they come in order)
        extra: list[Attribution] = []
        for cue in self.tagged.get("CUE", []):
            if taken.furthest_end(cue[1] - 1) > cue[0] or reach_of_new > cue[0]:
                continue  # overlaps a cue taken already
            if statements.furthest_end(cue[0]) >= cue[1]:
                continue  # inside a statement already found: annotators mark the outer one
            located = self._tokens_at(cue)
            if located is None:
                continue
            paragraph, tokens = located
            if any(self._in_region(paragraph.token_span(t)) for t in tokens):
                continue
            verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
            head = verbs[-1] if verbs else max(tokens, key=lambda t: len(list(t.subtree)))
            if passive_participle(head) or in_connective(head):
                continue  # "Asked about X, Rutte said": the asker is not the speaker
            subject = self._subject_of(head) if head.pos_ in ("VERB", "AUX") else None
            if subject is not None:
                source = self._source_spans(paragraph, subject)
            else:
                source = self._tagged_near(head, "SOURCE", exclude=[cue])
            tagged = self._tagged_near(head, "CONTENT", exclude=[cue, *source])
            if tagged and _adjacent(tagged[0], cue, self.text):
                content = tagged
            else:
                content = self._governed(paragraph, head, cue) or tagged
            if not content or any(statements.furthest_end(e - 1) > s for s, e in content):
                continue  # nothing, or a statement found already (with another cue)
            extra.append(
                Attribution(
                    content=content,
                    cue=[cue],
                    source=source,
                    confidence=self._table_probability(head),
                    source_token=subject,
                    paragraph=paragraph,
                    position=cue[0],
                    rule="tagged_cue",
                )
            )
            reach_of_new = max(reach_of_new, cue[1])
        return extra

    def _table_probability(self, head: Token) -> float:
        """How often the cue table saw a tagger cue's verb introduce a statement (0 if never)."""
        if head.pos_ not in ("VERB", "AUX"):
            return 0.0
        best = self.table.best_relation(head)
        return best[0] if best is not None else 0.0

    def _tagged_contents(self, found: list[Attribution]) -> list[Attribution]:
        """Statements for the tagger's content spans that hang from a noun and no statement holds.

        "Trump has faced questions about **business practices at his foundation**", "she
        peppered him with attacks on **his biography**": the tagger sees the statement
        where no rule knows the noun cue. The cue is the noun the content hangs from in
        the parse, with its preposition ("questions about"); the source is the noun's
        possessor ("his comment about"), else the subject of the verb it belongs to, else
        the tagger's source in the sentence. Contents that hang from a verb no rule took
        are left out: on PolNeAR dev one in five of them was a statement.
        """
        taken = Reach([s for a in found for s in (*a.content, *a.cue, *a.source)])
        taken_cues = Reach([s for a in found for s in a.cue])
        extra: list[Attribution] = []
        for content in self.tagged.get("CONTENT", []):
            if taken.furthest_end(content[1] - 1) > content[0]:
                continue  # overlaps a statement, or the cue or source of one
            located = self._tokens_at(content)
            if located is None:
                continue
            paragraph, tokens = located
            inside = {t.i for t in tokens}
            roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
            if not roots or roots[0].head.i == roots[0].i:
                continue  # the content is a whole sentence: nothing in it says who said it
            governor = roots[0].head
            chain = [governor]
            if governor.pos_ == "ADP" and governor.head.i != governor.i:
                chain.insert(0, governor.head)  # "questions about", "calling for"
            word = chain[0]
            if word.pos_ not in ("NOUN", "PROPN"):
                continue  # a verb's complement the rules did not take: mostly not a statement
            cue = [paragraph.char_span(chain[0].i, chain[-1].i + 1)]
            if any(s < content[1] and content[0] < e for s, e in cue):
                continue
            if any(taken_cues.furthest_end(e - 1) > s for s, e in cue):
                continue  # that cue's statement is found: this is part of it or nested
            source_token = next((c for c in word.children if c.dep_ == "poss"), None)
            verb = word
            while source_token is None and verb.pos_ not in ("VERB", "AUX"):
                if verb.head.i == verb.i:
                    break
                verb = verb.head
            if source_token is None and verb.pos_ in ("VERB", "AUX"):
                source_token = self._subject_of(verb)
            if source_token is not None and source_token.i in inside:
                source_token = None
            source = self._source_spans(paragraph, source_token) if source_token else []
            if any(s < e2 and s2 < e for s, e in source for s2, e2 in (content, *cue)):
                source, source_token = [], None  # "The discussions about X were ..."
            if not source:
                source = self._tagged_near(word, "SOURCE", exclude=[content, *cue])
            extra.append(
                Attribution(
                    content=[content],
                    cue=cue,
                    source=source,
                    confidence=0.4,
                    source_token=source_token,
                    paragraph=paragraph,
                    position=cue[0][0],
                    rule="tagged_content",
                )
            )
        return extra

    def _extend_to_tagged_ends(self, found: list[Attribution], roles: Reach) -> None:
        """Carry a one-piece statement's end on to where the tagger's content ends.

        Where the tagger's CONTENT span starts inside a statement (or where it starts) and
        runs past its end, the parse usually cut a coordinated or trailing part off ("said
        the plan was too costly **and would hurt trade**"); on PolNeAR dev the tagger's end
        is the annotators' about three times as often as the parse's in these cases. Not
        over a preposition or subordinator that the rules left out on purpose ("rejected
        the offer **in a statement on Thursday**", "because ..."): there the two are right
        equally often. The extension stops short of any statement's cue or source and
        never crosses a paragraph. Likewise a statement inside a tagger's span starts
        where that span starts when no cue or source lies between (on dev and on held-out
        articles, +0.004 content exact F1). ``roles`` holds every statement's cue and
        source spans.
        """
        contents = self.tagged.get("CONTENT", [])
        if not contents:
            return
        starts = [s for s, _ in contents]
        for attribution in found:
            if len(attribution.content) != 1:
                continue
            start, end = attribution.content[0]
            index = bisect_right(starts, end - 1) - 1
            if index < 0:
                continue
            t_start, t_end = contents[index]
            if (
                t_start < start < t_end
                and end <= t_end
                and roles.furthest_end(start - 1) <= t_start
                and "\n" not in self.text[t_start:start]
            ):
                # the tagger's span starts earlier ("that **in the long run** it would ...")
                attribution.content = [(t_start, end)]
                start = t_start
            if not (start <= t_start < end < t_end):
                continue
            if self._region_exactly(start, end):
                continue  # a whole quotation: the closing mark ends it
            if roles.furthest_end(t_end - 1) > end or "\n" in self.text[end:t_end]:
                continue  # a cue or source inside the extension, or a paragraph break
            located = self._tokens_at((end, t_end))
            if located is None:
                continue
            words = [t for t in located[1] if not t.is_punct]
            while words and words[-1].pos_ == "CCONJ":
                words.pop()  # "supporting Clinton **and** | said she would": no end
            if not words or words[0].pos_ in _ASIDE_OPENERS:
                continue
            attribution.content = [(start, located[0].token_span(words[-1])[1])]

    def _tagged_sources(self, found: list[Attribution]) -> None:
        """Give a statement with a cue but no source the tagger's source in its sentence.

        "Asked about the plan, the answer from the mayor was ...": where the parse gives
        the cue no subject, the tagger's SOURCE span nearest the cue (outside the
        statement) names who spoke.
        """
        if not self.tagged.get("SOURCE"):
            return
        for attribution in found:
            if attribution.source or not attribution.cue or attribution.follows is not None:
                continue
            located = self._tokens_at(attribution.cue[0])
            if located is None:
                continue
            source = self._tagged_near(
                located[1][0], "SOURCE", exclude=[*attribution.content, *attribution.cue]
            )
            if source:
                attribution.source = source

    def _complete_quotations(self, found: list[Attribution], roles: Reach) -> None:
        """Run a statement that stops inside a quotation it opened on to its closing mark.

        "called Burma a “good news story in an era **when so often ...**”": the parse cut
        the clause inside the quoted words, which belong to the statement whole. Not past
        another statement's cue or source (``roles``).
        """
        for attribution in found:
            start, end = attribution.content[-1]
            region = self._region_before(end)
            if region is None or not (start <= region.start and end < region.end):
                continue
            if not region.closed or roles.furthest_end(region.end - 1) > end:
                continue
            attribution.content[-1] = (start, region.end)

    def _drop_leading_connectives(self, found: list[Attribution]) -> None:
        """Start a statement after a sentence-opening "And" or "But" outside quotation marks.

        "And Mrs. Clinton now holds a gaping advantage": the connective links the
        sentence to the text before it; annotators start the statement after it.
        """
        for attribution in found:
            if not attribution.content or attribution.fixed_type:
                continue
            start, end = attribution.content[0]
            match = _LEADING_CONNECTIVE.match(self.text, start, end)
            if match and match.end() < end:
                attribution.content[0] = (match.end(), end)

    def _drop_datelines(self, found: list[Attribution]) -> None:
        """Start statements and sources after a dateline the parser ran them into."""
        for attribution in found:
            head, paragraph = attribution.source_token, attribution.paragraph
            at = paragraph.token_span(head)[0] if head and paragraph else None
            attribution.content, attribution.source, head_kept = without_dateline(
                self.text, attribution.content, attribution.source, at
            )
            if not head_kept:
                attribution.source_token = None  # resolved by the source's text

    def _tokens_at(self, span: Span) -> tuple[ParsedParagraph, list[Token]] | None:
        index = bisect_right(self._offsets, span[0]) - 1  # the paragraph that may hold it
        if index < 0:
            return None
        paragraph = self.parsed.paragraphs[index]
        start, end = span[0] - paragraph.offset, span[1] - paragraph.offset
        if end > paragraph.length:
            return None
        doc = paragraph.doc
        ends = self._token_ends.get(paragraph.offset)
        if ends is None:
            ends = self._token_ends[paragraph.offset] = [t.idx + len(t.text) for t in doc]
        tokens = []
        for index in range(bisect_right(ends, start), len(doc)):  # tokens are disjoint
            if doc[index].idx >= end:
                break
            tokens.append(doc[index])
        return (paragraph, tokens) if tokens else None

    def _tagged_near(self, head: Token, label: str, exclude: list[Span]) -> list[Span]:
        """The tagger's ``label`` span in ``head``'s sentence nearest to it, if any."""
        sentence = head.sent
        paragraph = self._by_doc[id(head.doc)]
        low = paragraph.offset + sentence.start_char
        high = paragraph.offset + sentence.end_char
        anchor = paragraph.offset + head.idx
        spans = []
        labelled = self.tagged.get(label, [])  # sorted by start
        for index in range(bisect_left(labelled, (low, low)), len(labelled)):
            s = labelled[index]
            if s[0] > high:
                break
            if s[1] <= high and not any(s[0] < other[1] and other[0] < s[1] for other in exclude):
                spans.append(s)
        if not spans:
            return []
        return [min(spans, key=lambda s: min(abs(s[0] - anchor), abs(s[1] - anchor)))]

    def _governed(self, paragraph: ParsedParagraph, head: Token, cue: Span) -> list[Span]:
        """What a cue word governs: its clause, else its object or prepositional object.

        Complements inside the cue itself ("made **the pledge** at") and prepositions that
        only say where or when ("tweeted **in** the early morning") do not count.
        """
        relations = [
            (relation, child)
            for relation, child in verb_relations(head)
            if not (cue[0] <= paragraph.token_span(child)[0] < cue[1])
            and (
                not relation.startswith("prep:")
                or relation.removeprefix("prep:") in _COMPLEMENT_PREPOSITIONS
            )
        ]
        ranked = sorted(relations, key=lambda r: _RELATION_ORDER.get(r[0].split(":")[0], 9))
        for relation, child in ranked:
            if relation == "ccomp":
                content = self._clause_content(paragraph, child, head)
            else:
                content = self._object_content(paragraph, head, child)
            if content and not any(s < cue[1] and cue[0] < e for s, e in content):
                return content
        return []

    # -- special forms ------------------------------------------------------------------

    def _headline_quote(self) -> Attribution | None:
        if self.title_span is None:
            return None
        start, end = self.title_span
        match = _HEADLINE.match(self.text[start:end])
        if not match or not headline_speaker(match.group("name")):
            return None
        name_end = start + match.end("name")
        colon = self.text.index(":", name_end)
        content = (start + match.start("rest"), self._headline_content_end(end))
        return Attribution(
            content=[content],
            cue=[(colon, colon + 1)],
            source=[(start, name_end)],
            confidence=0.8,
            rule="headline",
            position=start,
            fixed_type="direct",
        )

    def _headline_content_end(self, end: int) -> int:
        """Where a headline's statement ends: PolNeAR leaves the final period out."""
        if self.text[end - 1] == "." and self.text[end - 2].isalnum():
            return end - 1
        return end

    def _headline_statement(self) -> Attribution | None:
        """A title-case headline "Name Verbs Rest": "Sanders Vows To Eliminate Tax Breaks".

        The parser reads such headlines as one long name; here the first third-person
        verb after one to four capitalised words is the cue when it is a speech verb or a
        likely cue in the table, the words before it the source and the rest the content.
        """
        if self.title_span is None:
            return None
        start, end = self.title_span
        words = list(_WORD.finditer(self.text, start, end))
        lettered = [w for w in words if w.group()[0].isalpha()]
        if len(lettered) < 3 or sum(w.group()[0].isupper() for w in lettered) < 0.7 * len(lettered):
            return None  # not title case: the parse reads it
        surnames = self._person_surnames()
        for index, word in enumerate(words[1:5], start=1):
            source_text = self.text[start : words[index - 1].end()]
            named = source_text.split()[-1].lower() in surnames
            if not headline_verb(word.group(), self.table, TABLE_THRESHOLD, lenient=named):
                continue
            if ":" in self.text[word.end() : end] and not headline_verb(
                word.group(), self.table, TABLE_THRESHOLD
            ):
                return None  # "Warren Hammers Wells Fargo CEO: '...'": the colon's quote
            if not headline_speaker(source_text) or index + 1 >= len(words):
                return None
            return Attribution(
                content=[(words[index + 1].start(), self._headline_content_end(end))],
                cue=[word.span()],
                source=[(start, words[index - 1].end())],
                confidence=0.6,
                rule="headline_verb",
                position=start,
            )
        return None

    def _person_surnames(self) -> set[str]:
        """The last words of the people named in the body (not the headline), lower-cased."""
        title_end = self.title_span[1] if self.title_span else -1
        return {
            ent[-1].lower_
            for paragraph in self.parsed.paragraphs
            if paragraph.offset > title_end
            for ent in paragraph.doc.ents
            if ent.label_ == "PERSON"
        }

    def _verbless_dash_quotes(self) -> list[Attribution]:
        """``"..." — Senator X`` at the end of a paragraph."""
        found = []
        for region in self.regions:
            if region in self.claimed:
                continue
            tail = self.text[region.end : region.end + 80].split("\n", 1)[0]
            match = re.match(r"^\s*([—–―-])\s*((?:[A-Z][\w.’'-]*\s?){1,5})\s*[.]?\s*$", tail)
            if not match:
                continue
            dash = region.end + match.start(1)
            name_start = region.end + match.start(2)
            name_end = region.end + match.end(2)
            while self.text[name_end - 1].isspace():
                name_end -= 1
            self.claimed.add(region)
            found.append(
                Attribution(
                    content=[region.span],
                    cue=[(dash, dash + 1)],
                    source=[(name_start, name_end)],
                    confidence=0.7,
                    rule="dash",
                    position=dash,
                )
            )
        return found

    def _transcript_lines(self, found: list[Attribution]) -> list[Attribution]:
        """Interview and debate transcripts: "WALLACE: Let's start with ...".

        A line that opens (after a quotation mark, if any) with a name in capitals and a
        colon is that person's statement to the end of the line: the name is the source,
        the colon the cue. Only names of people the article's entities name ("Chris
        Wallace", "Jake Tapper"), or names that take turns with another in the article
        (a dialogue: "BOULDUAN: ... BENENSON: ... BOULDUAN: ..."), so "UPDATE:",
        "CORRECTION:" and "BYLINE:" do not.
        """
        candidates = [
            (match, words)
            for paragraph in self.parsed.paragraphs
            for match in _TRANSCRIPT_LINE.finditer(
                self.text, paragraph.offset, paragraph.offset + paragraph.length
            )
            if (words := _name_words(match.group("name"))) and words[0] != "dear"
        ]  # "DEAR ABBY:" opens a letter to Abby, not her words
        if not candidates:
            return []
        people = {
            word
            for paragraph in self.parsed.paragraphs
            for ent in paragraph.doc.ents
            if ent.label_ == "PERSON"
            for word in _name_words(ent.text)
        }
        turns = Counter(words[-1] for _, words in candidates)
        taken = Reach([span for attribution in found for span in attribution.cue])
        lines = []
        for match, words in candidates:
            speaks_again = len(turns) > 1 and turns[words[-1]] > 1  # a dialogue
            if not (all(word in people for word in words) or speaks_again):
                continue
            colon = match.end("name")
            if taken.furthest_end(colon) > colon:
                continue  # a rule took the colon already (a headline)
            content = (match.start("said"), match.end("said"))
            lines.append(
                Attribution(
                    content=[content],
                    cue=[(colon, colon + 1)],
                    source=[(match.start("name"), colon)],
                    confidence=0.7,
                    rule="transcript",
                    position=colon,
                )
            )
        return lines

    def _colon_quotes(self, found: list[Attribution]) -> list[Attribution]:
        """A quotation right after a colon that ends its sentence's frame.

        "The piece used one of her quotes as its headline: “Finally. ...”", "McDonald:
        “At long last ...”": the speech-verb rules take "said:" and "warned:"; here the
        frame's verb may be any verb, its subject the source, or the frame may be a bare
        name or phrase ("From the report:"), which is then the source and the colon the
        cue. Quotes of fewer than four words are left alone (labels, titles).
        """
        taken = Reach([span for attribution in found for span in attribution.content])
        colon_quotes = []
        for region in self.regions:
            if region in self.claimed or not region.closed:
                continue
            if len(self.text[region.start : region.end].split()) < MIN_COLON_QUOTE_WORDS:
                continue
            if taken.furthest_end(region.start) > region.start:
                continue  # a statement holds it already
            colon = region.start - 1
            while colon >= 0 and self.text[colon] in " \t":
                colon -= 1
            if colon < 0 or self.text[colon] != ":":
                continue
            located = self._tokens_at((colon, colon + 1))
            if located is None or not located[1]:
                continue
            paragraph, (colon_token, *_) = located
            frame = [t for t in colon_token.sent if t.i < colon_token.i]
            dashes = [i for i, t in enumerate(frame) if t.text in _DASHES]
            if dashes:  # "POLLS NOT WRONG, JUST TOO EARLY - Mark Blumenthal: ..."
                frame = frame[dashes[-1] + 1 :]
            if not frame or frame[0].lower_ in HEADLINE_LABELS:
                continue
            inside = {t.i for t in frame}
            heads = [t for t in frame if t.head.i not in inside or t.head == t]
            if not heads:
                continue
            head = colon_token.head if colon_token.head.i in inside else heads[-1]
            verb = next(
                (t for t in (head, *head.ancestors) if t.pos_ in ("VERB", "AUX") and t.i in inside),
                None,
            )
            head = verb or head
            if head.pos_ in ("VERB", "AUX"):
                subject = self._subject_of(head)
                cue = self._cue_spans(paragraph, head)
                source = self._source_spans(paragraph, subject) if subject is not None else []
            else:
                subject = head
                if head.pos_ == "ADP":  # "From the report:"
                    subject = next((c for c in head.children if c.dep_ == "pobj"), None)
                if subject is None or subject.pos_ not in ("PROPN", "NOUN", "PRON"):
                    continue
                cue = [paragraph.token_span(colon_token)]
                # the whole frame names the source ("Former secretary of state Hillary
                # Rodham Clinton:"), less a leading preposition ("From the report:")
                words = [t for t in frame if not t.is_punct]
                while words and words[0].pos_ == "ADP":
                    words = words[1:]
                if len(words) > 1 and words[0].lemma_.lower() in SPEECH_VERBS:
                    # "Said Ellis:", the verb parsed as part of the name: it is the cue
                    cue = [paragraph.token_span(words[0])]
                    words = words[1:]
                if not words:
                    continue
                source = [paragraph.char_span(words[0].i, words[-1].i + 1)]
            self.claimed.add(region)
            colon_quotes.append(
                Attribution(
                    content=[region.span],
                    cue=cue,
                    source=source,
                    confidence=0.6,
                    rule="colon_quote",
                    source_token=subject,
                    paragraph=paragraph,
                    position=cue[0][0],
                )
            )
        return colon_quotes

    def _block_quotes(self, found: list[Attribution]) -> list[Attribution]:
        """A paragraph of its own, introduced by a speech verb and a colon before it.

        "The governor added:" or "Trump wrote on Twitter:" ends a paragraph and the
        words follow as the next one, with or without quotation marks. The verb must
        take no clause of its own ("said that given the crop of candidates:" says it in
        its own paragraph), and the next paragraph must hold no statement found already
        by a speech verb.
        """
        # Statements of the learned cues ("They promise everything") may sit inside a
        # block quote, as nested ones; a speech verb's statement there means the
        # paragraph says who speaks in it.
        learned: list[Attribution] = []
        spoken: list[Attribution] = []
        for attribution in found:
            is_learned = attribution.rule.startswith(("table:", "tagged_"))
            (learned if is_learned else spoken).append(attribution)
        taken = Reach([span for a in spoken for span in (*a.content, *a.cue)])
        inside = Reach([span for a in learned for span in a.content])
        blocks = []
        paragraphs = self.parsed.paragraphs
        for before, after in itertools.pairwise(paragraphs):
            doc = before.doc
            if not len(doc) or not len(after.doc) or doc[-1].text != ":":
                continue
            if self.title_span is not None and before.offset < self.title_span[1]:
                continue  # a headline ending in a colon
            content = after.char_span(0, len(after.doc))
            if self.text[before.offset + before.length : content[0]].strip():
                continue  # chrome between them
            verbs = [
                t
                for t in doc[-1].sent
                if t.pos_ in ("VERB", "AUX")
                and t.lemma_.lower() in SPEECH_VERBS
                and not passive_participle(t)
            ]
            if not verbs:
                continue
            verb = doc[-1].head if doc[-1].head in verbs else verbs[-1]
            if verb.dep_ not in ("ROOT", "conj") or any(
                child.dep_ in ("ccomp", "xcomp") for child in verb.children
            ):
                continue  # "Here's what you need to know:", "said that given ...:"
            subject = self._subject_of(verb)
            if subject is None or len(after.doc) < MIN_BLOCK_QUOTE_TOKENS:
                continue  # no speaker, or a subheading follows
            if taken.furthest_end(content[1] - 1) > content[0]:
                continue  # it holds a statement (or a cue) already
            if inside.furthest_end(content[0]) > content[0]:
                continue  # a statement runs on into it from before
            cue = self._cue_spans(before, verb)
            blocks.append(
                Attribution(
                    content=[content],
                    cue=cue,
                    source=self._source_spans(before, subject),
                    confidence=0.6,
                    source_token=subject,
                    paragraph=before,
                    position=cue[0][0],
                    rule="block_quote",
                )
            )
        return blocks

    def _continuation_quotes(self, found: list[Attribution]) -> list[Attribution]:
        """Quotes right after an attributed direct quote continue its speaker.

        In the same paragraph (``"X," Berg said. "Y."``, also after a mixed statement:
        ``Berg said the plan was "dead." "Y."``) the quote becomes another
        fragment of the same statement; at the start of a following paragraph it is a
        statement of its own by the same speaker.
        """
        continued = []
        by_end = sorted(found, key=lambda a: a.content[-1][1])
        # A statement that takes in a region below ends where that region ends, before
        # the next region starts: for each region, the statements that end before it
        # are still those that ended before it at the start, a prefix of ``by_end``.
        ends = [a.content[-1][1] for a in by_end]
        covered = Reach([span for a in found for span in a.content])
        for region in self.regions:
            words = len(self.text[region.start : region.end].split())
            if region in self.claimed or words == 0:
                continue
            if covered.furthest_end(region.start) >= region.end:
                continue  # part of a statement with its own frame ("Y" to cut costs, she said)
            ended = bisect_right(ends, region.start)
            if not ended or region.start - by_end[ended - 1].content[-1][1] > 600:
                continue
            last = by_end[ended - 1]
            paragraph_start = self.text.rfind("\n", 0, region.start) + 1
            before = self.text[paragraph_start : region.start]
            if before.strip():
                between = self.text[last.content[-1][1] : region.start]
                same_paragraph = "\n" not in between
                # the sentence before ends with a stop, inside its closing mark or not
                starts_sentence = before.rstrip().rstrip(_MARK_CHARS)[-1:] in (".", "!", "?")
                # A short quote ("Soon.") continues only right after the frame sentence.
                right_after_frame = len(between) < 80 and any(
                    last.content[-1][1] <= c[0] and c[1] <= region.start for c in last.cue
                )
                if (
                    same_paragraph
                    and starts_sentence
                    and (words >= 4 or right_after_frame)
                    and len(between) < 200
                    and classify_type(self.text, last.content, self.regions) != "indirect"
                ):
                    last.content.append(region.span)
                    self.claimed.add(region)
                continue  # mid-paragraph otherwise: a scare quote or a title
            if words < 6:
                continue
            continued.append(
                Attribution(
                    content=[region.span],
                    confidence=0.35,
                    position=region.start,
                    follows=last,
                    rule="continuation",
                )
            )
            self.claimed.add(region)
        return continued


def _name_words(name: str) -> list[str]:
    """The lower-case words of a name, without dots ("JAKE TAPPER" -> jake, tapper)."""
    return [word.strip(".").lower() for word in name.split() if word.strip(".")]


def _adjacent(content: Span, cue: Span, text: str) -> bool:
    """Whether a statement starts right after its cue or ends right before it."""
    after = text[cue[1] : content[0]] if content[0] >= cue[1] else None
    before = text[content[1] : cue[0]] if content[1] <= cue[0] else None
    return any(
        gap is not None and len(gap) <= 3 and not gap.strip(" ,:") for gap in (after, before)
    )


_COMPLEMENT_PREPOSITIONS = frozenset(
    ["for", "as", "of", "to", "against", "about", "with", "from", "into", "over", "on"]
)
_ASIDE_OPENERS = frozenset({"ADP", "SCONJ"})
"""Parts of speech opening a trailing circumstance that a statement leaves out."""
_RELATION_ORDER = {"ccomp": 0, "xcomp": 1, "dobj": 2, "prep": 3}
_TRAILING_ASIDES = frozenset({"relcl", "advcl", "acl"})
_DASHES = frozenset({"-", "--", "—", "–", "―"})
MIN_COLON_QUOTE_WORDS = 4
"""A quotation after a frame's colon is a statement from this many words ("McDonald: ...")."""


def _without_trailing_aside(tokens: list[Token]) -> list[Token]:
    """Drop a comma-led aside that runs to the end of a statement.

    "recover from pneumonia, which forced her to leave early", "the same thing, including
    Mitt Romney": annotators end the statement at the comma.
    """
    if not tokens:
        return tokens
    ordered = sorted(tokens, key=lambda t: t.i)
    last = ordered[-1].i
    for token in ordered:
        before = token.doc[token.left_edge.i - 1] if token.left_edge.i > 0 else None
        aside = token.dep_ in _TRAILING_ASIDES or (
            token.dep_ == "prep" and token.lower_ in ("including", "like", "such")
        )
        if aside and before is not None and before.text == "," and token.right_edge.i >= last:
            cut = before.i
            return [t for t in ordered if t.i < cut]
    return ordered


_COMPLEMENT_DEPS = ("prep", "oprd", "xcomp", "ccomp", "dative", "attr", "acomp", "dobj")


def _before_nested_cue(tokens: list[Token], head: Token) -> list[Token]:
    """Cut a statement before a cue of its own.

    That is a participle (", arguing that ...") or a coordinated verb with no subject of
    its own ("said he would order a review **and warned** against hackers").
    """
    cuts = [
        t.left_edge.i
        for t in tokens
        if t.dep_ == "advcl"
        and t.tag_ == "VBG"
        and t.lemma_.lower() in SPEECH_VERBS
        and t.i > head.i
    ]
    for t in tokens:
        if (
            t.dep_ == "conj"
            and t.pos_ == "VERB"
            and t.left_edge.i > head.i
            and t.head.i == head.i
            and t.doc[t.left_edge.i - 1].lower_ in ("and", "but", "or")
            and t.lemma_.lower() in SPEECH_VERBS
            and not any(c.dep_ in SUBJECT_DEPS for c in t.children)
        ):
            j = t.left_edge.i
            while j > head.i + 1 and (t.doc[j - 1].dep_ == "cc" or t.doc[j - 1].text == ","):
                j -= 1
            cuts.append(j)
    if not cuts:
        return tokens
    cut = min(cuts)
    return [t for t in tokens if t.i < cut]
