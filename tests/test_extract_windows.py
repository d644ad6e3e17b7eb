"""Articles extracted together in windows (``nlp.run``): the same records as one by one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

import onrecord.nlp.run as run_module
from onrecord.ingest.errors import InputError
from onrecord.models import ArticleRecord, RawDocument
from onrecord.nlp.pipeline import extract_article, extract_articles
from onrecord.nlp.run import RunSettings, extract_documents

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

INVENTED = [
    "Mayor backs tram plan\n\nThe tram will be ready by June, Mayor Ann Hale said on Monday.\n",
    "Port strike ends\n\n“We have a deal,” union leader Tom Reyes told reporters.\n\n"
    "He said the members would vote next week.\n",
    "Die Regierung hat am Montag einen neuen Plan vorgestellt, der die Steuern senken soll. "
    "Der Minister sagte, dass die Wirtschaft wachsen werde.\n",
    "Rain expected\n\nForecasters expect rain over the weekend.\n",
    "\n\n",
]


def documents() -> list[RawDocument]:
    docs = [
        RawDocument(path=str(path), text=path.read_text(encoding="utf-8"))
        for path in sorted(SAMPLES.glob("*.txt"))
    ]
    docs += [RawDocument(path=f"invented/{i}.txt", text=text) for i, text in enumerate(INVENTED)]
    return docs


def as_dict(record: ArticleRecord | InputError) -> dict[str, Any]:
    assert isinstance(record, ArticleRecord), record
    data = record.to_dict()
    data.pop("cluster", None)
    return data


def test_extract_articles_gives_each_article_its_own_record(nlp: Language) -> None:
    docs = documents()
    together = extract_articles(docs, nlp)
    alone = [extract_article(doc, nlp) for doc in docs]
    assert [as_dict(r) for r in together] == [as_dict(r) for r in alone]
    assert any(r.quotes for r in together)
    assert any(w.code == "not_english" for r in together for w in r.warnings)


def test_windows_give_the_records_of_one_by_one(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    real = run_module.extract_articles

    def counting(docs: list[RawDocument], *args: Any, **kwargs: Any) -> list[ArticleRecord]:
        sizes.append(len(docs))
        return real(docs, *args, **kwargs)

    monkeypatch.setattr(run_module, "extract_articles", counting)
    docs = documents()
    settings = RunSettings(deduplicate=False, window_articles=3)
    records = list(extract_documents(docs, nlp, settings))
    assert sizes == [3, 3, 2]
    alone = [extract_article(doc, nlp) for doc in docs]
    assert [as_dict(r) for r in records] == [as_dict(r) for r in alone]


def test_a_failing_article_is_an_error_and_the_rest_of_its_window_is_extracted(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = run_module.extract_articles

    def failing(docs: list[RawDocument], *args: Any, **kwargs: Any) -> list[ArticleRecord]:
        if any("Forecasters" in doc.text for doc in docs):
            raise RuntimeError("tagger exploded")
        return real(docs, *args, **kwargs)

    monkeypatch.setattr(run_module, "extract_articles", failing)
    docs = documents()
    results = list(extract_documents(docs, nlp, RunSettings(deduplicate=False)))
    assert len(results) == len(docs)
    for doc, result in zip(docs, results, strict=True):
        if "Forecasters" in doc.text:
            assert isinstance(result, InputError)
            assert result.code == "extraction_failed"
            assert (
                result.message == f"{doc.path}: extraction failed (RuntimeError: tagger exploded)"
            )
        else:
            assert isinstance(result, ArticleRecord)
            assert result.path == doc.path


def test_a_copy_of_an_article_in_the_same_window_reuses_its_extraction(nlp: Language) -> None:
    story = INVENTED[1]
    docs = [
        RawDocument(path="a.txt", text=story),
        RawDocument(path="other.txt", text=INVENTED[0]),
        RawDocument(path="b.txt", text=story.replace("next week", "next week, he added")),
    ]
    first, _, copy = list(extract_documents(docs, nlp))
    assert isinstance(first, ArticleRecord) and isinstance(copy, ArticleRecord)
    assert copy.metadata.get("copy_of") == "a.txt"
    assert copy.cluster == first.cluster
    assert [q.content for q in copy.quotes] == [q.content for q in first.quotes]
    assert first.quotes


def test_the_same_text_again_is_seen_stored_once_the_first_is_yielded(nlp: Language) -> None:
    stored: set[str] = set()
    docs = [
        RawDocument(path="first.txt", text=INVENTED[0]),
        RawDocument(path="again.txt", text=INVENTED[0]),
    ]
    results = []
    for record in extract_documents(docs, nlp, stored=stored.__contains__):
        assert isinstance(record, ArticleRecord)
        stored.add(str(record.metadata["content_hash"]))  # as the ingest stores it
        results.append(record)
    first, again = results
    assert first.quotes and "already_stored" not in first.metadata
    assert again.metadata.get("already_stored") is True and not again.quotes


def test_a_window_of_one_yields_each_record_before_reading_the_next(nlp: Language) -> None:
    read: list[str] = []

    def slow_input() -> Iterator[RawDocument]:
        for i, text in enumerate(INVENTED[:3]):
            read.append(f"{i}.txt")
            yield RawDocument(path=f"{i}.txt", text=text)

    records = extract_documents(slow_input(), nlp, RunSettings(window_articles=1))
    first = next(records)
    assert first.path == "0.txt" and read == ["0.txt"]
    assert [r.path for r in records] == ["1.txt", "2.txt"]
