"""Syndicated copies: clustering by MinHash LSH, and moving one extraction onto a copy."""

from __future__ import annotations

from builders import STORY
from onrecord.clean.duplicates import SyndicationIndex, signature_bytes, signature_from_bytes
from onrecord.models import ArticleRecord, Entity, Quote
from onrecord.nlp.copies import carry_over

WIRE = "\n".join(STORY)
OTHER = (
    "The city council approved a new budget on Tuesday that raises spending on schools and "
    "roads, while the opposition said the plan relied on optimistic revenue forecasts and "
    "would leave the city exposed if the economy slowed down next year."
)


def test_identical_near_identical_and_different_texts() -> None:
    index = SyndicationIndex()
    first = index.assign("a", WIRE)
    assert first.id == "a" and first.representative is None
    same = index.assign("b", WIRE, exact_key="a")
    assert (same.id, same.representative, same.similarity) == ("a", "a", 1.0)
    copy = index.assign("c", "ISLAND HERALD | Live\n" + WIRE + "\nShare this article")
    assert copy.id == "a" and copy.similarity >= 0.8
    other = index.assign("d", OTHER)
    assert other.id == "d" and other.representative is None
    assert index.assign("e", "too short").id == "e"
    assert len(index) == 4


def test_a_rewritten_story_is_not_a_copy() -> None:
    index = SyndicationIndex()
    index.assign("a", WIRE)
    half = "\n".join(STORY[:3]) + "\n" + OTHER
    assert index.assign("b", half).id == "b"


def test_signatures_survive_storage_and_seed_a_later_index() -> None:
    data = signature_bytes(WIRE)
    assert data is not None and len(data) == 4 * 128
    assert signature_from_bytes(data) is not None
    assert signature_from_bytes(data[:-4]) is None
    assert signature_bytes("two words") is None
    later = SyndicationIndex()
    later.add_known("stored", "story-7", data)
    assert later.assign("new", "BREAKING\n" + WIRE).id == "story-7"
    assert later.assign("new2", WIRE, exact_key="stored").id == "story-7"


def test_carry_over_moves_spans_onto_the_copy_text() -> None:
    text = 'Intro.\n"We want families back," he said.\nThe end.'
    quote = Quote(content=[(7, 31)], cue=[(35, 39)], source=[(32, 34)], speaker="Anna Kowalski")
    first = ArticleRecord(
        path="a", text=text, quotes=[quote], entities=[Entity("he", "PERSON", "Anna", [(32, 34)])]
    )
    copy_text = "THE HERALD — the island's paper\n" + text.replace("The end.", "Ends.")
    quotes, entities, lost = carry_over(first, copy_text)
    assert lost == 0
    (moved,) = quotes
    assert copy_text[moved.content[0][0] : moved.content[0][1]] == '"We want families back,"'
    assert copy_text[moved.source[0][0] : moved.source[0][1]] == "he"
    assert moved.source[0][0] == moved.content[0][1] + 1  # the "he" after the quote, not in "the"
    assert copy_text[moved.cue[0][0] : moved.cue[0][1]] == "said"
    assert moved.speaker == "Anna Kowalski"
    assert entities[0].spans == moved.source


def test_carry_over_leaves_out_quotes_the_copy_does_not_have() -> None:
    text = 'A said "one thing here." B said "another thing there."'
    quotes = [
        Quote(content=[(7, 24)], cue=[(2, 6)], source=[(0, 1)]),
        Quote(content=[(32, 54)], cue=[(27, 31)], source=[(25, 26)]),
    ]
    first = ArticleRecord(path="a", text=text, quotes=quotes)
    kept, _, lost = carry_over(first, 'A said "one thing here."')
    assert lost == 1 and len(kept) == 1
    identical, _, none_lost = carry_over(first, text)
    assert none_lost == 0 and [q.content for q in identical] == [q.content for q in quotes]
