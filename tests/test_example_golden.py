"""The user's own article comes out right (golden file + the statements the user named)."""

from __future__ import annotations

import json

import pytest

from conftest import DATA, GEN_TEST_DATA
from onrecord.models import RawDocument, span_text
from onrecord.nlp.pipeline import extract_article

ARTICLE = DATA / "articles" / "rutte_nato.txt"
GOLDEN = DATA / "articles" / "groundtruth" / "rutte_nato.record.json"


@pytest.fixture(scope="module")
def record(nlp):  # type: ignore[no-untyped-def]
    text = ARTICLE.read_text(encoding="utf-8")
    return extract_article(RawDocument(path="rutte_nato.txt", text=text), nlp)


def _by_content(record, fragment: str):  # type: ignore[no-untyped-def]
    found = [q for q in record.quotes if fragment in span_text(record.text, q.content)]
    assert found, f"no quote containing {fragment!r}"
    return found[0]


def test_record_matches_golden_file(record) -> None:  # type: ignore[no-untyped-def]
    produced = record.to_dict()
    if GEN_TEST_DATA:
        GOLDEN.write_text(
            json.dumps(produced, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert produced == expected


def test_generation_flag_is_off_in_ci() -> None:
    assert not GEN_TEST_DATA, "ONRECORD_GEN_TEST_DATA=1 rewrites golden files; never set it in CI"


def test_text_is_the_input_exactly(record) -> None:  # type: ignore[no-untyped-def]
    assert record.text == ARTICLE.read_text(encoding="utf-8")


def test_title_site_and_chrome(record) -> None:  # type: ignore[no-untyped-def]
    assert (
        record.title
        == "Mark Rutte: I Am Not Concerned About Disagreements, the U.S. Is Fully Committed to NATO"
    )
    assert record.site == "RKS NEWS"
    assert record.metadata["reading_time"] == "2 Min Read"
    chrome = [record.text[s:e] for s, e in record.metadata["boilerplate"]]
    assert chrome == ["RKS NEWS", "RKS NEWS 2 Min Read", "2 Min Read"]
    for quote in record.quotes:
        for start, _end in quote.content + quote.source + quote.cue:
            assert all(not (s <= start < e) for s, e in record.metadata["boilerplate"])
    for entity in record.entities:
        assert "RKS" not in entity.text


def test_foreign_word_flagged(record) -> None:  # type: ignore[no-untyped-def]
    flagged = [w for w in record.warnings if w.code == "foreign_script"]
    assert len(flagged) == 1
    ((start, end),) = flagged[0].spans
    assert record.text[start:end] == "במסגרת"
    assert "Hebrew" in flagged[0].message


def test_every_statement_is_mark_rutte_as_secretary_general(record) -> None:  # type: ignore[no-untyped-def]
    assert len(record.quotes) >= 14
    for quote in record.quotes:
        assert quote.speaker == "Mark Rutte", span_text(record.text, quote.content)
        assert quote.speaker_role == "NATO Secretary General"


@pytest.mark.parametrize(
    ("exact", "cue", "source"),
    [
        (
            "“There will always be discussions and disagreements in NATO. It would be very boring "
            "if there weren’t any. I am not worried about that,”",
            "stated",
            "he",
        ),
        (
            "“We have one single goal: to end the war so that Russia never attacks Ukraine again,”",
            "said",
            "he",
        ),
        ("“Ukraine needs strong security guarantees,”", "concluded", "he"),
    ],
)
def test_direct_quotes_complete_and_exact(record, exact: str, cue: str, source: str) -> None:  # type: ignore[no-untyped-def]
    quote = _by_content(record, exact.strip("“”,"))
    assert span_text(record.text, quote.content) == exact
    assert quote.type == "direct"
    assert span_text(record.text, quote.cue) == cue
    assert span_text(record.text, quote.source) == source


def test_headline_quote(record) -> None:  # type: ignore[no-untyped-def]
    quote = _by_content(record, "I Am Not Concerned About Disagreements")
    assert span_text(record.text, quote.source) == "Mark Rutte"
    assert quote.type == "direct"


@pytest.mark.parametrize(
    ("cue", "fragment", "kind"),
    [
        (
            "underlined",
            "demonstrates “a real shift in mindset and a much stronger European defense within NATO.”",
            "mixed",
        ),
        ("adding", "“quantity, quality, and speed” are needed", "mixed"),
        ("stressing", "that NATO “stands by Ukraine.”", "mixed"),
        ("stated", "that “the United States is fully committed to NATO.”", "mixed"),
        ("stressed", "that growing demand must be matched by increased production", "indirect"),
        ("said", "that debates are normal", "indirect"),
        (
            "said",
            "that U.S. President Donald Trump had unlocked the peace negotiation process",
            "indirect",
        ),
        ("emphasized", "that the peace process, led by the United States", "indirect"),
        ("emphasizing", "the strengthening of deterrence and defense capabilities", "indirect"),
        ("praised", "Ukraine’s role in technological innovation on the battlefield", "indirect"),
    ],
)
def test_reported_and_mixed_statements(record, cue: str, fragment: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    quote = _by_content(record, fragment)
    assert span_text(record.text, quote.cue) == cue
    assert quote.type == kind
    assert quote.speaker == "Mark Rutte"


def test_entities_canonical_and_roles(record) -> None:  # type: ignore[no-untyped-def]
    people = {e.canonical: e for e in record.entities if e.label == "PERSON"}
    assert len(people["Mark Rutte"].spans) >= 8  # "Mark Rutte" and every "Rutte"
    assert "NATO Secretary General" in people["Mark Rutte"].roles
    assert "new Ukrainian Minister of Defence" in people["Mykhailo Fedorov"].roles
    assert "deputy of Peter Hegseth" in people["Elbridge Colby"].roles
    labels = {(e.canonical, e.label) for e in record.entities}
    assert ("Brussels", "GPE") in labels
    assert ("NATO", "ORG") in labels
    assert any(label == "DATE" for _, label in labels)
