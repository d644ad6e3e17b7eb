"""Invariants of extraction on arbitrary text: no crash, spans inside the text, deterministic.

Extraction is the slow parser (spaCy, ~40 ms an article), so its example counts are
small here; ``make fuzz`` raises them (``fuzzing.py``). The cheaper parsers are fuzzed in
``test_fuzz_parsers.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import parser_settings, tally
from onrecord.clean.layout import iter_lines
from onrecord.models import ArticleRecord, RawDocument, Span
from onrecord.nlp.pipeline import extract_article
from onrecord.nlp.quotes.marks import find_quoted_regions
from onrecord.store.db import Database, open_database

PIECES = st.sampled_from(
    [
        '"',
        "“",
        "”",
        "’",
        "'",
        " said ",
        " he ",
        " she ",
        "Jane Roe",
        " according to ",
        ",",
        ".",
        "\n",
        "\n\n",
        " that ",
        "Democrats’ ",
        ":",
        " — ",
        "NATO",
        " stressed ",
        "x",
        " ",
    ]
)
TEXTS = st.lists(PIECES, max_size=60).map("".join)


@parser_settings("marks_pieces", ci=300)
@given(TEXTS)
def test_quoted_regions_stay_inside_their_paragraphs(text: str) -> None:
    tally("marks_pieces")
    paragraphs = iter_lines(text)
    regions, _ = find_quoted_regions(text, paragraphs)
    for region in regions:
        assert 0 <= region.start < region.end <= len(text)
        # ” too, when typed as an opening mark; '' where it stands for a straight quote
        assert text[region.start] in '"“«„”' or text.startswith("''", region.start)
    starts = [r.start for r in regions]
    assert starts == sorted(starts)


@pytest.fixture(scope="module")
def store() -> Iterator[Database]:
    with open_database(":memory:") as database:
        yield database


def check_record(record: ArticleRecord, text: str) -> None:
    """What every extracted record promises, whatever its text."""
    assert record.text == text
    size = len(text)

    def fragments(spans: list[Span], *, empty_ok: bool = False) -> None:
        assert spans or empty_ok
        for start, end in spans:
            assert 0 <= start < end <= size, (start, end, size)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans

    for quote in record.quotes:
        fragments(quote.content)
        fragments(quote.cue, empty_ok=True)
        fragments(quote.source, empty_ok=True)
        assert 0.0 <= quote.confidence <= 1.0
        assert quote.type in {"direct", "indirect", "mixed"}
    for entity in record.entities:
        assert entity.spans
        assert all(0 <= s < e <= size for s, e in entity.spans)
    for warning in record.warnings:
        assert all(0 <= s <= e <= size for s, e in warning.spans)
    for start, end in record.metadata["boilerplate"]:
        assert 0 <= start < end <= size
    as_dict = record.to_dict()
    assert ArticleRecord.from_dict(as_dict).to_dict() == as_dict


@parser_settings("extraction_pieces", ci=60)
@given(TEXTS)
def test_extraction_never_crashes_and_spans_lie_in_the_text(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    tally("extraction_pieces")
    record = extract_article(RawDocument(path="x.txt", text=text), nlp)
    check_record(record, text)
    again = extract_article(RawDocument(path="x.txt", text=text), nlp)
    assert again.to_dict() == record.to_dict()


NAMES = st.sampled_from(["Anna Kowalski", "Mark Doyle", "he", "she", "the minister", "NATO", "Ólafur Ragnarsson", "a spokesperson"])  # fmt: skip
CUES = st.sampled_from(["said", "told reporters", "added", "warned", "stressed", "according to", ":", "—"])  # fmt: skip
WORDS = st.sampled_from(["the", "cut", "was", "overdue", "we", "will", "not", "close", "schools", "ferry", "2024", "fares", "“", "”", '"', "'", "(", ")", "\n"])  # fmt: skip
OPEN_CLOSE = st.sampled_from([('"', '"'), ("“", "”"), ("«", "»"), ("„", "“"), ("”", "”"), ('"', ""), ("", "”"), ("", "")])  # fmt: skip
NOISE = st.text(max_size=4)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """A statement in one of the shapes news quotes take, sometimes broken."""
    opening, closing = draw(OPEN_CLOSE)
    words = " ".join(draw(st.lists(WORDS | NOISE, min_size=1, max_size=12)))
    name, cue = draw(NAMES), draw(CUES)
    shape = draw(st.sampled_from(["after", "before", "split", "indirect", "colon"]))
    if shape == "after":
        return f"{opening}{words},{closing} {name} {cue}."
    if shape == "before":
        return f"{name} {cue}: {opening}{words}.{closing}"
    if shape == "split":
        more = " ".join(draw(st.lists(WORDS, min_size=1, max_size=6)))
        return f"{opening}{words},{closing} {name} {cue}, {opening}{more}.{closing}"
    if shape == "indirect":
        return f"{name} {cue} that {words}."
    return f"{name}: {words}"


ARTICLES = st.builds(
    lambda title, paragraphs, sep: title + sep + sep.join(" ".join(p) for p in paragraphs),
    st.sampled_from(["Ferry fares cut", "", "RKS NEWS\n2 Min Read\nMarch 3, 2024", "“Quoted” headline, says Doyle"]),
    st.lists(st.lists(sentences(), min_size=1, max_size=4), max_size=5),
    st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n \n"]),
)  # fmt: skip


@parser_settings("extraction", ci=40)
@given(
    ARTICLES,
    st.sampled_from(["text", "html"]),
    st.sampled_from(["rules", "model"]),
    st.sampled_from([1_000_000, 200, 1]),
)
def test_extraction_of_news_shaped_text_is_storable_and_deterministic(  # type: ignore[no-untyped-def]
    nlp, store: Database, text: str, fmt: str, extractor: str, max_chars: int
) -> None:
    tally("extraction")
    document = RawDocument(path=f"a.{fmt}", text=text, format=fmt, title="Ferry fares cut")
    record = extract_article(document, nlp, extractor=extractor, max_analysed_chars=max_chars)
    check_record(record, text)
    again = extract_article(document, nlp, extractor=extractor, max_analysed_chars=max_chars)
    assert again.to_dict() == record.to_dict()
    store.save_article(record)  # raises on a span outside the text or unwritable metadata


def test_many_stray_marks_finish_fast(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Title\n\n" + ('He said " and “ then ” ok. ' * 2000) + "\n"
    record = extract_article(RawDocument(path="marks.txt", text=text), nlp)
    assert record.text == text
