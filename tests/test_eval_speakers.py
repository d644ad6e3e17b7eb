"""Speaker-resolution scoring: gold loading, name matching, scores, the CLI and the dev gold file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, shared_path
from onrecord.eval.speakers import (
    GoldSpeaker,
    load_gold,
    name_tokens,
    names_match,
    score_records,
    source_kind,
)
from onrecord.models import ArticleRecord, Quote, Span
from onrecord.serve.cli import app

MINI = Path(__file__).parent / "data" / "speakers_mini"
DEV_GOLD = ROOT / "eval" / "speakers_dev.jsonl"


def mini_text(article: str) -> str:
    return (MINI / "text" / article).read_bytes().decode("utf-8")


def find(text: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mini_records() -> list[ArticleRecord]:
    """Predictions for the mini gold: 6 items, 5 sources found, 4 speakers right."""
    alpha, beta = mini_text("alpha.txt"), mini_text("beta.txt")
    content: list[Span] = [(0, 5)]  # the content does not matter to this score
    alpha_quotes = [
        Quote(content=content, source=[find(alpha, "she")], speaker="Jane Doe"),
        Quote(content=content, source=[find(alpha, "Rix", 1)], speaker="Rix"),  # bare surname
        Quote(content=content, source=[find(alpha, " he ")], speaker="Tom Rix"),
        Quote(content=content, source=[find(alpha, "Mayor")], speaker="Jane Doe"),  # no gold
        # no quote for the last "Doe": a missed source
    ]
    beta_quotes = [
        # a source covering part of the gold "Mrs. Lopez-Garcia"; hyphen lost in the name
        Quote(content=content, source=[find(beta, "Lopez-Garcia", 1)], speaker="Ana Lopez Garcia"),
        Quote(content=content, source=[find(beta, "He")], speaker="Peter Marsh"),
    ]
    return [
        ArticleRecord(path="some/where/alpha.txt", text=alpha, quotes=alpha_quotes),
        ArticleRecord(path="beta.txt", text=beta, quotes=beta_quotes),
    ]


# --------------------------------------------------------------------------- gold


def test_load_mini_gold() -> None:
    gold = load_gold(MINI / "gold.jsonl")
    assert len(gold) == 6
    assert Counter(item.kind for item in gold) == {"pronoun": 3, "surname": 3}
    marsh = gold[-1]
    assert marsh.names == ("Peter J. Marsh", "Peter Marsh")
    assert marsh.to_dict()["source"] == [188, 190]
    for item in gold:
        text = mini_text(item.article)
        assert text[item.source[0] : item.source[1]] == item.source_text


def test_load_gold_rejects_bad_lines(tmp_path: Path) -> None:
    line = {"article": "a.txt", "source": [0, 2], "source_text": "he", "speaker": "Al Bo"}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold.jsonl:1"):  # no antecedent
        load_gold(path)
    line["antecedent"] = [5, 10]
    path.write_text(json.dumps(line) + "\n\n" + json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="occurs twice"):
        load_gold(path)
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (item,) = load_gold(path)
    assert item.kind == "pronoun" and item.aliases == ()


def test_source_kind() -> None:
    assert [source_kind(s) for s in ("he", "She", "I", "her")] == ["pronoun"] * 4
    assert [source_kind(s) for s in ("Trump", "Mr. Obama")] == ["surname"] * 2


# --------------------------------------------------------------------------- names


def test_name_tokens() -> None:
    assert name_tokens("Donald J. Trump") == ("donald", "trump")
    assert name_tokens("Mr. Obama's") == ("obama",)
    assert name_tokens("President Barack Obama") == ("barack", "obama")
    assert name_tokens("James O’Neill") == ("james", "o'neill")
    assert name_tokens("Ban Ki-moon") == ("ban", "ki", "moon")
    assert name_tokens("Mr.") == ("mr",)  # a title alone is kept
    assert name_tokens("Jim Justice") == ("jim", "justice")


@pytest.mark.parametrize(
    ("predicted", "accepted", "expected"),
    [
        ("Donald Trump", ["Donald J. Trump"], True),
        ("donald j. trump", ["Donald Trump"], True),
        ("Hillary Rodham Clinton", ["Hillary Clinton"], True),
        ("Barack Obama", ["Obama", "Barack Obama"], True),
        ("President Obama", ["Obama"], True),
        ("Ban Ki moon", ["Ban Ki-moon"], True),
        ("Robert C. Scott", ["Bobby Scott", "Robert C. Scott"], True),
        ("Clinton", ["Hillary Clinton"], False),  # a bare surname is not the person
        ("Bill Clinton", ["Hillary Clinton"], False),
        ("Donald Trump Jr.", ["Donald Trump"], False),
        ("Michelle Obama", ["Obama", "Barack Obama"], False),
        ("Trump Says", ["Donald Trump"], False),
        (None, ["Donald Trump"], False),
        ("", ["Donald Trump"], False),
    ],
)
def test_names_match(predicted: str | None, accepted: list[str], expected: bool) -> None:
    assert names_match(predicted, accepted) is expected


# --------------------------------------------------------------------------- scores


def test_score_mini_exact_numbers() -> None:
    scores = score_records(load_gold(MINI / "gold.jsonl"), mini_records())
    assert scores.articles == 2
    assert (scores.total.items, scores.total.found, scores.total.correct) == (6, 5, 4)
    assert scores.accuracy == pytest.approx(0.8)
    assert scores.coverage == pytest.approx(5 / 6)
    assert scores.accuracy_all == pytest.approx(4 / 6)
    pronoun, surname = scores.by_kind["pronoun"], scores.by_kind["surname"]
    assert (pronoun.items, pronoun.found, pronoun.correct) == (3, 3, 3)
    assert (surname.items, surname.found, surname.correct) == (3, 2, 1)
    assert surname.accuracy == pytest.approx(0.5)
    assert [(e.error, e.source_text, e.predicted_speaker) for e in scores.errors] == [
        ("wrong speaker", "Rix", "Rix"),
        ("missed source", "Doe", None),
    ]
    assert scores.errors[0].predicted_source == "Rix"


def test_scores_to_dict_and_table() -> None:
    scores = score_records(load_gold(MINI / "gold.jsonl"), mini_records())
    data = json.loads(json.dumps(scores.to_dict()))
    assert (data["items"], data["found"], data["correct"]) == (6, 5, 4)
    assert data["accuracy"] == 0.8 and data["coverage"] == 0.8333
    assert data["by_kind"]["surname"]["accuracy_all"] == 0.3333
    assert data["error_counts"] == {"missed source": 1, "wrong speaker": 1}
    assert len(data["errors"]) == 2
    table = scores.format_table()
    assert "6 gold items in 2 articles" in table
    assert "0.800" in table and "0.833" in table
    assert "wrong speaker" in table and "missed source" in table
    assert "... and 1 more" in scores.format_table(max_errors=1)


def test_largest_overlap_wins_and_missing_record_misses() -> None:
    gold = load_gold(MINI / "gold.jsonl")
    alpha = mini_text("alpha.txt")
    she = find(alpha, "she")
    quotes = [
        Quote(content=[(0, 1)], source=[(she[0] - 5, she[0] + 1)], speaker="Tom Rix"),
        Quote(content=[(0, 1)], source=[she], speaker="Jane Doe"),
    ]
    record = ArticleRecord(path="alpha.txt", text=alpha, quotes=quotes)
    scores = score_records(gold[:1], [record])
    assert scores.total.correct == 1
    scores = score_records(gold, [])  # no records at all
    assert (scores.total.items, scores.total.found, scores.accuracy) == (6, 0, 0.0)
    assert {e.error for e in scores.errors} == {"missed source"}


def test_refuses_a_record_with_another_text() -> None:
    gold = load_gold(MINI / "gold.jsonl")
    record = ArticleRecord(path="alpha.txt", text="Something else entirely. " * 20)
    with pytest.raises(ValueError, match=r"alpha\.txt"):
        score_records(gold, [record])
    twice = [ArticleRecord(path="a/beta.txt", text=""), ArticleRecord(path="b/beta.txt", text="")]
    with pytest.raises(ValueError, match="two records"):
        score_records(gold, twice)


# --------------------------------------------------------------------------- CLI


def test_cli_scores_predictions(tmp_path: Path) -> None:
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(
        "".join(json.dumps(r.to_dict()) + "\n" for r in mini_records()), encoding="utf-8"
    )
    runner = CliRunner()
    args = ["eval", "speakers", str(MINI), "--gold", str(MINI / "gold.jsonl")]
    result = runner.invoke(app, [*args, "--predictions", str(predictions), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["items"], data["found"], data["correct"]) == (6, 5, 4)
    table = runner.invoke(app, [*args, "--predictions", str(predictions)])
    assert table.exit_code == 0 and "accuracy" in table.stdout


def test_cli_extracts_and_reports_bad_gold(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["eval", "speakers", str(MINI), "--gold", str(MINI / "gold.jsonl"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["items"] == 6 and 0 <= data["correct"] <= data["found"] <= 6
    missing = runner.invoke(
        app, ["eval", "speakers", str(tmp_path), "--gold", str(MINI / "gold.jsonl")]
    )
    assert missing.exit_code == 2
    absent = runner.invoke(app, ["eval", "speakers", str(MINI), "--gold", str(tmp_path / "no")])
    assert absent.exit_code == 2


# --------------------------------------------------------------------------- the dev gold file


@pytest.mark.shared
def test_dev_gold_file_is_valid() -> None:
    text_dir = shared_path("data", "polnear", "dev", "text")
    gold = load_gold(DEV_GOLD)
    assert len(gold) >= 150
    per_article = Counter(item.article for item in gold)
    assert len(per_article) >= 50 and max(per_article.values()) <= 15
    for raw in DEV_GOLD.read_text(encoding="utf-8").splitlines():
        keys = set(json.loads(raw))  # names and offsets only: no article text
        assert keys == {
            "article",
            "source",
            "source_text",
            "kind",
            "speaker",
            "aliases",
            "antecedent",
        }
    for item in gold:
        where = f"{item.article} {list(item.source)}"
        assert "/" not in item.article and item.article.endswith(".txt"), where
        path = text_dir / item.article
        assert path.is_file(), where
        text = path.read_bytes().decode("utf-8")
        assert text[item.source[0] : item.source[1]] == item.source_text, where
        assert source_kind(item.source_text) == item.kind, where
        if item.kind == "surname":
            assert 1 <= len(name_tokens(item.source_text)) <= 2, where
            assert item.source_text.split()[-1][0].isupper(), where
        mention = text[item.antecedent[0] : item.antecedent[1]]
        assert _is_form_of(mention, item), f"{where}: antecedent {mention!r} vs {item.speaker!r}"


def _is_form_of(mention: str, item: GoldSpeaker) -> bool:
    """Whether a mention is a form of the gold name: its tokens within one form, surname included."""
    tokens = set(name_tokens(mention))
    for form in item.names:
        form_tokens = name_tokens(form)
        if tokens and tokens <= set(form_tokens) and form_tokens[-1] in tokens:
            return True
    return False
