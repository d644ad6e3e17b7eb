"""Quote patterns the rules must recognise, pinned down with exact spans.

Every sentence here is invented for the test. Spans are checked through the text
(``text[start:end]``), following the PolNeAR conventions: direct content includes its
quotation marks and the punctuation inside them; indirect content includes the
complementizer "that" and leaves out the final period.
"""

from __future__ import annotations

import time

import pytest
from spacy.language import Language

from conftest import extract_paragraphs
from onrecord.models import ArticleRecord, Quote, RawDocument, Span
from onrecord.nlp.pipeline import extract_article

TITLE = "Harbour talks resume in Brussels"


def extract(nlp: Language, *paragraphs: str, title: str = TITLE) -> ArticleRecord:
    return extract_paragraphs(nlp, title, *paragraphs)


def pieces(record: ArticleRecord, spans: list[Span]) -> list[str]:
    return [record.text[s:e] for s, e in spans]


def find(record: ArticleRecord, needle: str) -> Quote:
    """The one quote whose content contains ``needle``."""
    found = [q for q in record.quotes if any(needle in f for f in pieces(record, q.content))]
    assert len(found) == 1, (needle, [pieces(record, q.content) for q in record.quotes])
    return found[0]


def assert_quote(
    record: ArticleRecord,
    needle: str,
    content: list[str],
    cue: list[str],
    source: list[str],
    kind: str,
) -> Quote:
    quote = find(record, needle)
    assert pieces(record, quote.content) == content
    assert pieces(record, quote.cue) == cue
    assert pieces(record, quote.source) == source
    assert quote.type == kind
    return quote


# -- 1. direct quotes in straight and curly marks -------------------------------------


@pytest.mark.parametrize(("left", "right"), [('"', '"'), ("“", "”"), ("''", "''")])
def test_direct_quote_includes_marks_and_comma(nlp: Language, left: str, right: str) -> None:
    record = extract(nlp, f"{left}We were there,{right} Tom Baker said.")
    assert_quote(
        record, "We were there", [f"{left}We were there,{right}"], ["said"], ["Tom Baker"], "direct"
    )


def test_direct_quote_with_final_period_inside(nlp: Language) -> None:
    record = extract(nlp, "Mayor Linda Okoro said: “The harbour will reopen in spring.”")
    assert_quote(
        record,
        "harbour will reopen",
        ["“The harbour will reopen in spring.”"],
        ["said"],
        ["Mayor Linda Okoro"],
        "direct",
    )


# -- 2. a quote split by its frame ------------------------------------------------------


@pytest.mark.parametrize(("left", "right"), [('"', '"'), ("“", "”"), ("''", "''")])
def test_split_quote_around_pronoun_frame(nlp: Language, left: str, right: str) -> None:
    record = extract(
        nlp,
        "Tom Baker met the dock workers on Monday.",
        f"{left}We were there,{right} he said, {left}and we will be there again.{right}",
    )
    assert_quote(
        record,
        "We were there",
        [f"{left}We were there,{right}", f"{left}and we will be there again.{right}"],
        ["said"],
        ["he"],
        "direct",
    )
    assert len(record.quotes) == 1


def test_split_quote_with_inverted_name_and_comma(nlp: Language) -> None:
    record = extract(nlp, "“The port is open,” said Jane Doe, “and it will stay open.”")
    assert_quote(
        record,
        "The port is open",
        ["“The port is open,”", "“and it will stay open.”"],
        ["said"],
        ["Jane Doe"],
        "direct",
    )
    assert len(record.quotes) == 1


@pytest.mark.parametrize(
    "second",
    ["“It was fine.”", "“It was fine, and we will go back next year.”"],
)
def test_split_quote_across_sentences(nlp: Language, second: str) -> None:
    record = extract(nlp, f"“We were there,” said Jane Doe. {second}")
    assert_quote(
        record, "We were there", ["“We were there,”", second], ["said"], ["Jane Doe"], "direct"
    )
    assert len(record.quotes) == 1


def test_split_quote_after_name_before_verb(nlp: Language) -> None:
    record = extract(nlp, '"Prices will fall," Jane Doe said. "Soon."')
    assert_quote(
        record,
        "Prices will fall",
        ['"Prices will fall,"', '"Soon."'],
        ["said"],
        ["Jane Doe"],
        "direct",
    )


@pytest.mark.parametrize(
    "text",
    [
        # "adding" is the second quote's own cue: the first statement ends at its quote
        "“This is not right,” Jane Doe said, adding later, “The harbour costs us a fortune.”",
        # the second quote opens a mixed statement with a frame of its own ("she said")
        "“This is not right,” Jane Doe said. “You squeezed the dock workers” to raise "
        "the port's profits, she said.",
    ],
)
def test_second_quote_with_a_cue_of_its_own_is_no_continuation(nlp: Language, text: str) -> None:
    record = extract(nlp, text)
    assert pieces(record, find(record, "This is not right").content) == ["“This is not right,”"]


# -- 3. multi-sentence and multi-paragraph quotes -------------------------------------


def test_multi_sentence_quote_is_one_region(nlp: Language) -> None:
    record = extract(
        nlp,
        "“We will rebuild the port. It will take years. Nobody should doubt it,” said Jane Roe.",
    )
    assert_quote(
        record,
        "It will take years",
        ["“We will rebuild the port. It will take years. Nobody should doubt it,”"],
        ["said"],
        ["Jane Roe"],
        "direct",
    )
    assert len(record.quotes) == 1


def test_multi_paragraph_quote_with_frame_at_the_end(nlp: Language) -> None:
    record = extract(
        nlp,
        "“The first phase starts now.",
        "“The second phase follows in the autumn.",
        "“And the third one will finish the job,” Jane Roe added.",
    )
    whole = (
        "“The first phase starts now.\n\n“The second phase follows in the autumn.\n\n"
        "“And the third one will finish the job,”"
    )
    assert_quote(record, "second phase", [whole], ["added"], ["Jane Roe"], "direct")
    assert len(record.quotes) == 1
    assert not [w for w in record.warnings if w.code == "unclosed_quote"]


def test_multi_paragraph_quote_with_frame_in_the_first_paragraph(nlp: Language) -> None:
    record = extract(
        nlp,
        "“We will rebuild the port,” Jane Roe said. “It will take years.",
        "“Nobody should doubt it. We have the money.”",
    )
    assert_quote(
        record,
        "rebuild the port",
        [
            "“We will rebuild the port,”",
            "“It will take years.\n\n“Nobody should doubt it. We have the money.”",
        ],
        ["said"],
        ["Jane Roe"],
        "direct",
    )
    assert len(record.quotes) == 1


def test_multi_paragraph_quote_on_single_line_breaks(nlp: Language) -> None:
    text = (
        f"{TITLE}\n“The first phase starts now.\n“The second phase follows in the autumn.\n"
        "“And the third one will finish the job,” she added.\n"
    )
    record = extract_article(RawDocument(path="test.txt", text=text), nlp)
    quote = find(record, "second phase")
    assert pieces(record, quote.content) == [
        "“The first phase starts now.\n“The second phase follows in the autumn.\n"
        "“And the third one will finish the job,”"
    ]
    assert pieces(record, quote.cue) == ["added"]


# -- 4. where the frame stands ------------------------------------------------------------


def test_frame_before_with_colon(nlp: Language) -> None:
    record = extract(
        nlp, "Tom Baker visited the docks.", 'He said: "The harbour will reopen in spring."'
    )
    assert_quote(
        record,
        "harbour will reopen",
        ['"The harbour will reopen in spring."'],
        ["said"],
        ["He"],
        "direct",
    )


def test_frame_before_told_reporters(nlp: Language) -> None:
    record = extract(nlp, 'Smith told reporters: "We expect the first ships in April."')
    assert_quote(
        record,
        "first ships",
        ['"We expect the first ships in April."'],
        ["told"],
        ["Smith"],
        "direct",
    )


def test_frame_after(nlp: Language) -> None:
    record = extract(nlp, '"The budget is balanced," Smith said.')
    assert_quote(record, "budget", ['"The budget is balanced,"'], ["said"], ["Smith"], "direct")


def test_frame_after_with_time_phrase(nlp: Language) -> None:
    record = extract(nlp, "“The budget is balanced,” Senator Jane Roe said on Monday.")
    assert_quote(
        record, "budget", ["“The budget is balanced,”"], ["said"], ["Senator Jane Roe"], "direct"
    )


def test_frame_before_with_time_phrase(nlp: Language) -> None:
    record = extract(nlp, "Senator Jane Roe said on Monday: “We have the votes.”")
    assert_quote(
        record, "votes", ["“We have the votes.”"], ["said"], ["Senator Jane Roe"], "direct"
    )


def test_quote_after_the_frame_sentence_is_not_its_statement(nlp: Language) -> None:
    """ "Baker disagreed." ends its sentence: the next quote has a frame of its own."""
    record = extract(
        nlp, 'Mr. Tom Baker disagreed. "The city is broke," he said. "Completely broke."'
    )
    assert_quote(
        record,
        "city is broke",
        ['"The city is broke,"', '"Completely broke."'],
        ["said"],
        ["he"],
        "direct",
    )
    assert len(record.quotes) == 1


def test_asked_participle_is_not_a_cue(nlp: Language) -> None:
    record = extract(nlp, "Asked whether the government would back down, Lena Holm said: “No.”")
    assert_quote(record, "No.", ["“No.”"], ["said"], ["Lena Holm"], "direct")
    assert len(record.quotes) == 1


@pytest.mark.parametrize(
    ("title", "found"),
    [
        ("Holm Vows To Cut The Harbour Tax.", ("Holm", "Vows", "To Cut The Harbour Tax")),
        ("Holm Seeks More Harbour Funds", ("Holm", "Seeks", "More Harbour Funds")),
        (
            "Holm Breaks With Council On Harbour Tax",
            ("Holm", "Breaks", "With Council On Harbour Tax"),
        ),
        ("Harbour Talks Resume In Brussels", None),
        ("Breaking News Warns Of Storms", None),
    ],
)
def test_title_case_headline_with_a_cue_verb(
    nlp: Language, title: str, found: tuple[str, str, str] | None
) -> None:
    text = f"{title}\n\nLena Holm spoke in the port on Monday.\n"
    record = extract_article(RawDocument(path="t.txt", text=text), nlp, calibrated=False)
    statements = [
        (pieces(record, q.source), pieces(record, q.cue), pieces(record, q.content))
        for q in record.quotes
        if q.rule == "headline_verb"
    ]
    expected = [([found[0]], [found[1]], [found[2]])] if found else []
    assert statements == expected


def test_paragraph_after_a_speech_verb_and_colon_is_its_statement(nlp: Language) -> None:
    text = "\n\n".join(
        [
            TITLE,
            "The talks broke down on Monday. The governor added:",
            "It is typical of them. They promise everything and deliver nothing.",
            "The ministers left Brussels on Tuesday.",
        ]
    )
    record = extract_article(RawDocument(path="t.txt", text=text), nlp, calibrated=False)
    quote = find(record, "typical of them")
    assert pieces(record, quote.content) == [
        "It is typical of them. They promise everything and deliver nothing."
    ]
    assert pieces(record, quote.cue) == ["added"]
    assert pieces(record, quote.source) == ["The governor"]
    assert quote.rule == "block_quote"


def test_paragraph_after_a_colon_without_a_speech_verb_is_no_statement(nlp: Language) -> None:
    text = "\n\n".join(
        [TITLE, "The plan has three parts:", "A new harbour tax, a new port and a new road."]
    )
    record = extract_article(RawDocument(path="t.txt", text=text), nlp, calibrated=False)
    assert not [q for q in record.quotes if q.rule == "block_quote"]


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        (
            "The company's co-founder Tom Baker said that the sale was final.",
            "The company's co-founder Tom Baker",
        ),
        ("His ex-wife said that the house was sold.", "His ex-wife"),
    ],
)
def test_a_hyphenated_subject_is_the_whole_source(
    nlp: Language, sentence: str, source: str
) -> None:
    """spaCy's parser splits "co-founder" into words it may attach as several subjects."""
    record = extract(nlp, sentence)
    assert [pieces(record, q.source) for q in record.quotes] == [[source]]


def test_goes_without_saying_is_no_statement(nlp: Language) -> None:
    record = extract(nlp, "It goes without saying that raising port fees would hurt the ferries.")
    assert record.quotes == []


@pytest.mark.parametrize(
    "opening",
    [
        "That said,",
        "That being said,",
        "Having said that,",
        "(Having said that,",
        "It goes without saying, and",
    ],
)
def test_that_said_is_a_connective_not_a_cue(nlp: Language, opening: str) -> None:
    record = extract(
        nlp, f"{opening} the agency says that the southern border remains the main entry point."
    )
    assert_quote(
        record,
        "southern border",
        ["that the southern border remains the main entry point"],
        ["says"],
        ["the agency"],
        "indirect",
    )
    assert len(record.quotes) == 1


@pytest.mark.parametrize("mark", ["?", "!"])
def test_question_before_frame_then_continuation(nlp: Language, mark: str) -> None:
    record = extract(
        nlp, f"“How long must we wait{mark}” Jane Roe asked. “Nobody in this city can tell us.”"
    )
    assert_quote(
        record,
        "How long",
        [f"“How long must we wait{mark}”", "“Nobody in this city can tell us.”"],
        ["asked"],
        ["Jane Roe"],
        "direct",
    )


def test_statement_around_a_parenthetical_frame(nlp: Language) -> None:
    record = extract(
        nlp, "The harbour had become so costly, Mr. Erik Dahl noted, that the city could not pay."
    )
    assert_quote(
        record,
        "costly",
        ["The harbour had become so costly", "that the city could not pay"],
        ["noted"],
        ["Mr. Erik Dahl"],
        "indirect",
    )


def test_frame_inside_indirect_statement(nlp: Language) -> None:
    record = extract(
        nlp, "Jane Roe visited the docks. The port, Roe said on Monday, will hire 200 workers."
    )
    quote = assert_quote(
        record, "The port", ["The port", "will hire 200 workers"], ["said"], ["Roe"], "indirect"
    )
    assert quote.speaker == "Jane Roe"


# -- 5. indirect quotes -----------------------------------------------------------------


def test_indirect_with_that(nlp: Language) -> None:
    record = extract(nlp, "Minister Anna Berg said that debates are normal.")
    assert_quote(
        record, "debates", ["that debates are normal"], ["said"], ["Minister Anna Berg"], "indirect"
    )


def test_indirect_without_that(nlp: Language) -> None:
    record = extract(nlp, "A dock worker said the work was hard.")
    assert_quote(
        record, "work was hard", ["the work was hard"], ["said"], ["A dock worker"], "indirect"
    )


def test_indirect_pronoun_stressed(nlp: Language) -> None:
    record = extract(
        nlp,
        "Anna Berg spoke first. She stressed that growing demand must be met by more production.",
    )
    assert_quote(
        record,
        "growing demand",
        ["that growing demand must be met by more production"],
        ["stressed"],
        ["She"],
        "indirect",
    )


@pytest.mark.parametrize("name", ["Berg", "the minister", "he"])
def test_indirect_inverted(nlp: Language, name: str) -> None:
    record = extract(
        nlp, "Anna Berg and Tom Baker met in the morning.", f"Debates are normal, {name} said."
    )
    assert_quote(record, "Debates", ["Debates are normal"], ["said"], [name], "indirect")


def test_indirect_inverted_told_reporters(nlp: Language) -> None:
    record = extract(nlp, "The economy will grow next year, the minister told reporters.")
    assert_quote(
        record,
        "economy",
        ["The economy will grow next year"],
        ["told"],
        ["the minister"],
        "indirect",
    )


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        (
            "A spokesman for Senator Jane Roe said that the port was safe.",
            "A spokesman for Senator Jane Roe",
        ),
        (
            "Officials familiar with the talks said that the port was safe.",
            "Officials familiar with the talks",
        ),
        (
            "Tom Smith of the Harbour Foundation said that the port was safe.",
            "Tom Smith of the Harbour Foundation",
        ),
        ("The port was safe, according to a report by the ministry.", "a report by the ministry"),
        (
            "Officials at Harbour Security Services, a division of the port authority, said that "
            "the port was safe.",
            "Officials at Harbour Security Services, a division of the port authority",
        ),
    ],
)
def test_source_keeps_its_modifiers(nlp: Language, sentence: str, source: str) -> None:
    record = extract(nlp, sentence)
    quote = find(record, "port was safe")
    assert pieces(record, quote.source) == [source]
    assert quote.speaker != "Jane Roe"  # the spokesman speaks, not the senator


def test_complement_verbs_are_not_cues_of_their_own(nlp: Language) -> None:
    """A speech verb inside a reported clause ("would continue", "agreed") is no frame."""
    record = extract(
        nlp,
        "Mayor Linda Okoro stressed that repairs would continue, adding that the city had hired inspectors.",
        "Eric Vance said the family would respond. She said that she did not believe him.",
    )
    contents = sorted(" … ".join(pieces(record, q.content)) for q in record.quotes)
    assert contents == [
        "that repairs would continue",
        "that she did not believe him",
        "that the city had hired inspectors",
        "the family would respond",
    ]


@pytest.mark.parametrize(
    ("text", "first", "second", "cue"),
    [
        # The parser joins "warned" to "repair"; it is a cue of its own, same speaker.
        (
            "Mayor Linda Okoro said the city would repair the pier and warned against delays.",
            "the city would repair the pier",
            "delays",
            "warned against",
        ),
        # "suggested" hangs from "close", whose subject is the port: the one suggesting
        # is the one who said it.
        (
            "Linda Okoro said the port would close the old dock by March and "
            "suggested that it would sell the land.",
            "the port would close the old dock by March",
            "that it would sell the land",
            "suggested",
        ),
    ],
)
def test_coordinated_cue_ends_the_reported_clause(
    nlp: Language, text: str, first: str, second: str, cue: str
) -> None:
    record = extract(nlp, text)
    assert pieces(record, find(record, first).content) == [first]
    statement = find(record, second)
    assert (pieces(record, statement.content), pieces(record, statement.cue)) == ([second], [cue])
    assert statement.speaker == "Linda Okoro"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # "she" is the speaker again: the one arguing is named as the speaker is
        (
            "Sen. Jane Doe said she did not believe those claims hurt the port, arguing "
            "that it was the tide that did.",
            "Sen. Jane Doe",
        ),
        # another person is the reported clause's subject: the participle is theirs
        (
            "Aides said Tom Baker will make a familiar case for the port, highlighting "
            "its recovery from the flood.",
            "Tom Baker",
        ),
    ],
)
def test_participle_cue_after_a_reported_clause(nlp: Language, text: str, source: str) -> None:
    record = extract(nlp, text)
    (participle,) = [q for q in record.quotes if pieces(record, q.cue)[0].endswith("ing")]
    assert pieces(record, participle.source) == [source]


def test_raising_cue_has_no_source(nlp: Language) -> None:
    # "X appeared to ...", "X is expected to ...": X is what is said of, not who says it
    record = extract(
        nlp,
        "Tom Baker said the ferry would run. The vote is expected to come before Friday, "
        "and Baker appeared to suggest that the council would back him.",
    )
    appeared = find(record, "to suggest that")
    assert pieces(record, appeared.cue) == ["appeared"]
    assert pieces(record, appeared.content)[0] == "Baker" and appeared.source == []
    expected = find(record, "before Friday")
    assert expected.source == [] and expected.speaker is None


@pytest.mark.parametrize(
    ("text", "needle", "source"),
    [
        # the party's brackets stay whole
        ("Sen. Jane Doe (R-Ga.) said the port would close.", "port", "Sen. Jane Doe (R-Ga.)"),
        # the parser hangs "another example ..." on the subject, after the verb
        (
            "A union representing dock workers endorsed the mayor on Thursday, another "
            "example of organized labor throwing its support behind her.",
            "the mayor",
            "A union representing dock workers",
        ),
    ],
)
def test_source_phrase_bounds(nlp: Language, text: str, needle: str, source: str) -> None:
    record = extract(nlp, text)
    assert pieces(record, find(record, needle).source) == [source]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # the verbs that govern the cue are part of it, as annotators mark it
        ("Mayor Linda Okoro went on to say that the pier would close.", "went on to say"),
        (
            "Tom Baker refrained from attacking the mayor's plan for the pier.",
            "refrained from attacking",
        ),
        # a verb of time or reason before it is not
        ("Mayor Linda Okoro responded before adding that the pier would close.", "adding"),
        # a noun cue's adjectives are
        ("Tom Baker faced harsh criticism for his plan to close the pier.", "harsh criticism for"),
    ],
)
def test_cue_takes_the_verbs_that_govern_it(nlp: Language, text: str, cue: str) -> None:
    record = extract(nlp, text)
    assert [pieces(record, q.cue) for q in record.quotes] == [[cue]]


# -- 6. mixed quotes -----------------------------------------------------------------------


def test_mixed_quote_from_that_to_closing_mark(nlp: Language) -> None:
    record = extract(nlp, "The minister stated that “the harbour is fully funded.”")
    assert_quote(
        record,
        "fully funded",
        ["that “the harbour is fully funded.”"],
        ["stated"],
        ["The minister"],
        "mixed",
    )


def test_mixed_quote_with_fragment_inside(nlp: Language) -> None:
    record = extract(nlp, "Anna Berg said the plan was “ambitious and costly” but necessary.")
    assert_quote(
        record,
        "ambitious",
        ["the plan was “ambitious and costly” but necessary"],
        ["said"],
        ["Anna Berg"],
        "mixed",
    )


# -- 7. headline quotes ---------------------------------------------------------------------


def test_headline_quote(nlp: Language) -> None:
    record = extract(
        nlp,
        "Senator Jane Roe spoke to supporters in the harbour on Monday evening.",
        title="Jane Roe: We Will Not Back Down",
    )
    quote = assert_quote(
        record, "Back Down", ["We Will Not Back Down"], [":"], ["Jane Roe"], "direct"
    )
    assert quote.speaker == "Jane Roe"


def test_headline_surname_resolves_to_person(nlp: Language) -> None:
    record = extract(
        nlp,
        "Senator Jane Roe spoke to supporters in the harbour on Monday evening.",
        title="Roe: The Harbour Stays Public",
    )
    quote = find(record, "Harbour Stays Public")
    assert quote.speaker == "Jane Roe"
    assert quote.type == "direct"


def test_headline_final_period_left_out(nlp: Language) -> None:
    record = extract(
        nlp,
        "Senator Jane Roe spoke to supporters in the harbour on Monday evening.",
        title="Jane Roe: We Will Not Back Down.",
    )
    assert_quote(record, "Back Down", ["We Will Not Back Down"], [":"], ["Jane Roe"], "direct")


@pytest.mark.parametrize(
    "label", ["Breaking", "Analysis", "Watch", "The Latest", "Trouble Over Water"]
)
def test_headline_label_is_not_a_speaker(nlp: Language, label: str) -> None:
    record = extract(
        nlp,
        "The harbour reopened on Monday after a long winter.",
        title=f"{label}: Harbour Reopens",
    )
    assert record.quotes == []


def test_headline_label_before_a_reported_statement(nlp: Language) -> None:
    record = extract(
        nlp,
        "Senator Jane Roe spoke to supporters in the harbour on Monday evening.",
        title="Harbour talks: Roe says port will stay open",
    )
    quote = assert_quote(record, "port", ["port will stay open"], ["says"], ["Roe"], "indirect")
    assert quote.speaker == "Jane Roe"
    assert len(record.quotes) == 1


# -- 8. verbless attributions ------------------------------------------------------------


def test_according_to_at_end(nlp: Language) -> None:
    record = extract(nlp, "Inspectors were satisfied, according to the city engineer.")
    assert_quote(
        record,
        "Inspectors",
        ["Inspectors were satisfied"],
        ["according to"],
        ["the city engineer"],
        "indirect",
    )


def test_according_to_at_start(nlp: Language) -> None:
    record = extract(nlp, "According to the ministry, the harbour lost money last year.")
    assert_quote(
        record,
        "lost money",
        ["the harbour lost money last year"],
        ["According to"],
        ["the ministry"],
        "indirect",
    )


def test_according_to_in_the_middle(nlp: Language) -> None:
    record = extract(nlp, "The harbour, according to officials, lost money last year.")
    assert_quote(
        record,
        "lost money",
        ["The harbour", "lost money last year"],
        ["according to"],
        ["officials"],
        "indirect",
    )


def test_a_whole_quotation_ends_at_its_closing_mark(nlp: Language) -> None:
    # The tagger's content runs on to the end of the sentence; the quotation does not.
    record = extract(
        nlp,
        "The council met on Monday. Mayor Ann Roe said, “We will rebuild the harbour,” "
        "and she left.",
    )
    assert_quote(
        record,
        "rebuild",
        ["“We will rebuild the harbour,”"],
        ["said"],
        ["Mayor Ann Roe"],
        "direct",
    )


def test_according_to_whose_statement_is_parsed_as_an_apposition(nlp: Language) -> None:
    # spaCy parses "the plan reeks of ..." as an apposition of "Tim Marsh" ("reeks" a noun).
    record = extract(
        nlp,
        "The council approved the budget on Monday. According to local radio host Tim "
        "Marsh, the plan reeks of “panic” and haste.",
    )
    assert_quote(
        record,
        "reeks",
        ["the plan reeks of “panic” and haste"],
        ["According to"],
        ["local radio host Tim Marsh"],
        "mixed",
    )


@pytest.mark.parametrize("dash", ["—", "–", "―"])
def test_dash_attribution_at_paragraph_end(nlp: Language, dash: str) -> None:
    record = extract(nlp, f"“The harbour is our future.” {dash} Senator Jane Roe")
    quote = assert_quote(
        record,
        "our future",
        ["“The harbour is our future.”"],
        [dash],
        ["Senator Jane Roe"],
        "direct",
    )
    assert quote.speaker == "Jane Roe"


def test_dash_mid_paragraph_is_not_an_attribution(nlp: Language) -> None:
    record = extract(nlp, "The “harbour tax” — Mayor Okoro's idea — was rejected.")
    assert all("harbour tax" not in " ".join(pieces(record, q.content)) for q in record.quotes)


# -- 9. odd and unbalanced marks -------------------------------------------------------------


def test_apostrophes_never_open_quotes(nlp: Language) -> None:
    record = extract(
        nlp,
        "Democrats’ objections date from the ’90s, when the port first closed.",
        "The workers’ union said it would strike.",
        "Nobody’s plan has worked since the ’80s.",
    )
    assert [w.code for w in record.warnings] == []
    quote = find(record, "would strike")
    assert pieces(record, quote.content) == ["it would strike"]
    assert pieces(record, quote.source) == ["The workers’ union"]


def test_unclosed_mark_never_swallows_following_paragraphs(nlp: Language) -> None:
    record = extract(
        nlp,
        "Officials said the plan was “ambitious and costly.",
        "The next paragraph has no quotes at all and must stay outside.",
        "Tom Baker said the port would reopen.",
    )
    assert "unclosed_quote" in [w.code for w in record.warnings]
    second = record.text.index("The next paragraph")
    for quote in record.quotes:
        for start, end in quote.content:
            assert not (start < second < end), pieces(record, quote.content)
    assert_quote(
        record, "port would reopen", ["the port would reopen"], ["said"], ["Tom Baker"], "indirect"
    )


def test_thousand_stray_marks_do_not_crash_and_finish_fast(nlp: Language) -> None:
    marks = ['"', "“", "”", "«", "»", "„", "’"]
    words = [f"word{i} {marks[i % len(marks)]}" for i in range(1000)]
    paragraphs = [" ".join(words[i : i + 50]) + "." for i in range(0, 1000, 50)]
    started = time.perf_counter()
    record = extract(nlp, *paragraphs)
    assert time.perf_counter() - started < 10
    assert sum(record.text.count(m) for m in marks) == 1000
    for quote in record.quotes:
        for start, end in quote.content:
            assert 0 <= start < end <= len(record.text)


# -- 10. cue words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "cue", "content"),
    [
        ("Anna Berg said that the port was safe.", "said", "that the port was safe"),
        ("Anna Berg stated that the port was safe.", "stated", "that the port was safe"),
        ("Anna Berg stressed that the port was safe.", "stressed", "that the port was safe"),
        ("Anna Berg underlined that the port was safe.", "underlined", "that the port was safe"),
        ("Anna Berg emphasized that the port was safe.", "emphasized", "that the port was safe"),
        ("Anna Berg added that the port was safe.", "added", "that the port was safe"),
        ("Anna Berg concluded that the port was safe.", "concluded", "that the port was safe"),
        ("Anna Berg told reporters that the port was safe.", "told", "that the port was safe"),
        ("“The port is safe,” Anna Berg added.", "added", "“The port is safe,”"),
        ("“The port is safe,” Anna Berg concluded.", "concluded", "“The port is safe,”"),
        ("“The port is safe,” Anna Berg told reporters.", "told", "“The port is safe,”"),
        ("“The port is safe,” Anna Berg underlined.", "underlined", "“The port is safe,”"),
        ("The port is safe, according to Anna Berg.", "according to", "The port is safe"),
    ],
)
def test_cue_words(nlp: Language, sentence: str, cue: str, content: str) -> None:
    record = extract(nlp, sentence)
    quote = find(record, "port")
    assert pieces(record, quote.cue) == [cue]
    assert pieces(record, quote.content) == [content]
    assert pieces(record, quote.source) == ["Anna Berg"]
    assert quote.speaker == "Anna Berg"


@pytest.mark.parametrize("participle", ["adding", "stressing", "emphasizing", "saying"])
def test_participle_inherits_subject(nlp: Language, participle: str) -> None:
    record = extract(
        nlp,
        f"Mayor Linda Okoro opened the new dock on Friday, {participle} that more jobs would follow.",
    )
    quote = assert_quote(
        record,
        "more jobs",
        ["that more jobs would follow"],
        [participle],
        ["Mayor Linda Okoro"],
        "indirect",
    )
    assert quote.speaker == "Linda Okoro"


def test_participle_after_reported_clause_inherits_pronoun(nlp: Language) -> None:
    record = extract(
        nlp,
        "Mayor Linda Okoro visited the docks.",
        "She stressed that demand was rising, adding that “speed and quality” were needed.",
    )
    quote = assert_quote(
        record,
        "speed and quality",
        ["that “speed and quality” were needed"],
        ["adding"],
        ["She"],
        "mixed",
    )
    assert quote.speaker == "Linda Okoro"


def test_cue_after_by_takes_the_subject_of_the_verb_before(nlp: Language) -> None:
    record = extract(
        nlp,
        "Howard Dean appeared on television on Tuesday and began by saying he would "
        "“never” diagnose anyone through a screen.",
    )
    quote = assert_quote(
        record,
        "diagnose anyone",
        ["he would “never” diagnose anyone through a screen"],
        ["began by saying"],  # the governing verb is part of the cue, as annotators mark it
        ["Howard Dean"],
        "mixed",
    )
    assert quote.speaker == "Howard Dean"


def test_passive_cue_takes_its_agent_not_its_subject(nlp: Language) -> None:
    by_union = extract(
        nlp, "Mayor Linda Okoro was criticized by the union for cutting the harbour budget."
    )
    quote = find(by_union, "cutting the harbour budget")
    assert pieces(by_union, quote.source) == ["the union"]
    unnamed = extract(nlp, "Mayor Linda Okoro was accused of hiding the harbour costs.")
    quote = find(unnamed, "hiding the harbour costs")
    assert quote.source == [] and quote.speaker is None  # the accused is not the accuser


def test_quoted_words_parsed_as_a_subject_are_not_the_speaker(nlp: Language) -> None:
    # the parser makes "Full crisis mode" a second subject of "said"
    record = extract(
        nlp,
        "“The harbour is in serious trouble. Full crisis mode,” said Linda Okoro, "
        "the mayor of the port city.",
    )
    quote = assert_quote(
        record,
        "serious trouble",
        ["“The harbour is in serious trouble. Full crisis mode,”"],
        ["said"],
        ["Linda Okoro, the mayor of the port city"],
        "direct",
    )
    assert quote.speaker == "Linda Okoro"


def test_quotation_after_a_frame_colon_is_its_subjects_statement(nlp: Language) -> None:
    # "used" is no speech verb: the colon sets the quotation off as what the frame names
    record = extract(
        nlp,
        "The harbour newsletter used one of the mayor’s answers as its headline: "
        "“We will rebuild every pier by spring.”",
    )
    assert_quote(
        record,
        "every pier",
        ["“We will rebuild every pier by spring.”"],
        ["used"],
        ["The harbour newsletter"],
        "direct",
    )


def test_quotation_after_a_name_and_colon_is_that_names_statement(nlp: Language) -> None:
    # a bare name before the colon is the source, the colon the cue; a heading before a
    # dash is not part of the name
    record = extract(
        nlp,
        "HARBOUR COSTS RISE AGAIN - Linda Okoro: “The piers will cost twice what we planned "
        "last year.”",
    )
    assert_quote(
        record,
        "twice what we planned",
        ["“The piers will cost twice what we planned last year.”"],
        [":"],
        ["Linda Okoro"],
        "direct",
    )


def test_short_quotation_after_a_colon_is_left_alone(nlp: Language) -> None:
    record = extract(nlp, "The harbour board chose a new motto: “Onward.”")
    assert not [q for q in record.quotes if q.rule == "colon_quote"]


def test_british_single_quotes_make_direct_and_mixed_statements(nlp: Language) -> None:
    record = extract(
        nlp,
        "‘We will rebuild every pier by spring,’ said the mayor, Linda Okoro.",
        "Okoro said the harbour was ‘the heart of this city’ and had to be saved.",
    )
    quote = assert_quote(
        record,
        "every pier",
        ["‘We will rebuild every pier by spring,’"],
        ["said"],
        ["the mayor, Linda Okoro"],
        "direct",
    )
    assert quote.speaker == "Linda Okoro"
    assert find(record, "heart of this city").type == "mixed"


def test_quotation_marks_in_the_headline_are_paired_too(nlp: Language) -> None:
    record = extract(
        nlp,
        "The council met on Tuesday to discuss the harbour.",
        title="Mayor Okoro calls the harbour plan ‘a bold gamble’",
    )
    assert find(record, "bold gamble").type == "mixed"


def test_transcript_lines_are_their_speakers_statements(nlp: Language) -> None:
    record = extract(
        nlp,
        "Linda Okoro, the mayor, spoke to the harbour radio host Sam Reyes on Monday.",
        "REYES: Will the piers be ready by spring?",
        "OKORO: Every one of them will be rebuilt before the first ferry sails.",
        "UPDATE: This story was corrected on Tuesday to fix the date of the interview.",
    )
    quote = assert_quote(
        record,
        "Every one of them",
        ["Every one of them will be rebuilt before the first ferry sails."],
        [":"],
        ["OKORO"],
        find(record, "Every one of them").type,
    )
    assert quote.speaker == "Linda Okoro"
    assert pieces(record, find(record, "piers be ready").source) == ["REYES"]
    # a label that names no one in the article and takes no turns is no speaker
    assert not [
        q
        for q in record.quotes
        if q.rule == "transcript" and "corrected" in record.text[q.content[0][0] : q.content[0][1]]
    ]


def test_a_letters_salutation_is_no_speaker(nlp: Language) -> None:
    record = extract(
        nlp,
        "DEAR ABBY: My husband just bought plane tickets to India for both of us.",
        "DEAR WORRIED: Tell him how you feel before the trip.",
        "DEAR ABBY: My sister was just diagnosed with cancer.",
    )
    assert not [q for q in record.quotes if q.rule == "transcript"]
    assert not [q for q in record.quotes if q.speaker and "Abby" in q.speaker]


def test_verbless_colon_frame_is_the_source_whole(nlp: Language) -> None:
    # annotators mark the whole phrase before the colon, title and all; not "From"
    record = extract(
        nlp,
        "Former harbour director Linda Okoro: “The piers were never built to last this long.”",
        "From the council's report: “Three of the five piers need rebuilding now.”",
    )
    assert pieces(record, find(record, "never built").source) == [
        "Former harbour director Linda Okoro"
    ]
    assert pieces(record, find(record, "need rebuilding").source) == ["the council's report"]


def test_inverted_said_before_a_colon_is_the_cue(nlp: Language) -> None:
    # the parser makes "Said" part of the name; the tagger's cue must not take the quote
    record = extract(
        nlp,
        "Critics said the harbour plan would cost more than promised. Said Ellis: “The "
        "council doesn’t care about the piers at all.”",
    )
    assert_quote(
        record,
        "care about the piers",
        ["“The council doesn’t care about the piers at all.”"],
        ["Said"],
        ["Ellis"],
        "direct",
    )
