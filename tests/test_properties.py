"""Invariants of extraction on arbitrary text: no crash, spans inside the text, deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onrecord.clean.layout import iter_lines
from onrecord.models import RawDocument
from onrecord.nlp.pipeline import extract_article
from onrecord.nlp.quotes.marks import find_quoted_regions

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


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_quoted_regions_stay_inside_their_paragraphs(text: str) -> None:
    paragraphs = iter_lines(text)
    regions, _ = find_quoted_regions(text, paragraphs)
    for region in regions:
        assert 0 <= region.start < region.end <= len(text)
        assert text[region.start] in '"“«„”'  # ” too, when typed as an opening mark
    starts = [r.start for r in regions]
    assert starts == sorted(starts)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(TEXTS)
def test_extraction_never_crashes_and_spans_lie_in_the_text(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    record = extract_article(RawDocument(path="x.txt", text=text), nlp)
    assert record.text == text
    for quote in record.quotes:
        for spans in (quote.content, quote.cue, quote.source):
            for start, end in spans:
                assert 0 <= start < end <= len(text)
    again = extract_article(RawDocument(path="x.txt", text=text), nlp)
    assert again.to_dict() == record.to_dict()


def test_many_stray_marks_finish_fast(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Title\n\n" + ('He said " and “ then ” ok. ' * 2000) + "\n"
    record = extract_article(RawDocument(path="marks.txt", text=text), nlp)
    assert record.text == text
