"""The command line end to end: extract, ingest, quotes, and bad input in a batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import ROOT
from onrecord.serve.cli import app

SAMPLES = ROOT / "samples"
RECORD_KEYS = {
    "path",
    "text",
    "title",
    "site",
    "published",
    "url",
    "authors",
    "language",
    "cluster",
    "quotes",
    "entities",
    "warnings",
    "metadata",
}
QUOTE_KEYS = {"content", "cue", "source", "speaker", "speaker_role", "type", "confidence"}
ENTITY_KEYS = {"text", "label", "canonical", "spans", "roles"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _records(output: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _check_record(record: dict) -> None:  # type: ignore[type-arg]
    assert set(record) == RECORD_KEYS
    text = record["text"]
    for quote in record["quotes"]:
        assert set(quote) == QUOTE_KEYS
        assert quote["type"] in ("direct", "indirect", "mixed")
        assert 0.0 <= quote["confidence"] <= 1.0
        assert quote["content"]
        for role in ("content", "cue", "source"):
            fragments = quote[role]
            for start, end in fragments:
                assert 0 <= start < end <= len(text)
            assert fragments == sorted(fragments)
    for entity in record["entities"]:
        assert set(entity) == ENTITY_KEYS
        for start, end in entity["spans"]:
            assert 0 <= start < end <= len(text)
    for warning in record["warnings"]:
        assert set(warning) == {"code", "message", "spans"}


def test_every_command_has_help(runner: CliRunner) -> None:
    group = typer.main.get_command(app)
    assert hasattr(group, "commands")  # typer ships its own click: duck-type the groups
    names = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            names.extend(f"{name} {sub}" for sub in command.commands)
        else:
            names.append(name)
    assert {"extract", "ingest", "quotes", "eval polnear"} <= set(names)
    for name in names:
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, name
        command = group.commands[name.split()[0]]
        if hasattr(command, "commands"):
            command = command.commands[name.split()[1]]
        assert command.help and len(command.help) > 20, f"{name} needs help text"


def test_extract_samples_jsonl(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    texts = sorted(SAMPLES.glob("*.txt"))
    feed = SAMPLES / "feeds" / "island_herald.rss"
    assert sorted(r["path"] for r in records) == sorted(
        [f"{feed}#entry=1", f"{feed}#entry=2", *(str(p) for p in texts)]
    )
    for record in records:
        _check_record(record)
        assert record["quotes"], record["path"]
        if record["metadata"]["format"] == "text":
            assert record["text"] == Path(record["path"]).read_text(encoding="utf-8")
        else:
            assert record["site"] == "Island Herald" and record["url"].startswith("https://")


def test_extract_json_and_table(runner: CliRunner) -> None:
    sample = str(SAMPLES / "rutte_nato.txt")
    as_json = runner.invoke(app, ["extract", sample, "--format", "json"])
    assert as_json.exit_code == 0
    (record,) = json.loads(as_json.stdout)
    _check_record(record)
    table = runner.invoke(app, ["extract", sample, "-f", "table"])
    assert table.exit_code == 0
    assert "Mark Rutte" in table.stdout and "concluded" in table.stdout


def test_extract_stdin(runner: CliRunner) -> None:
    text = 'Jane Roe said that the budget was balanced. "We did it," she said.\n'
    result = runner.invoke(app, ["extract", "-"], input=text)
    assert result.exit_code == 0
    (record,) = _records(result.stdout)
    assert record["path"] == "-" and record["text"] == text
    assert {q["speaker"] for q in record["quotes"]} == {"Jane Roe"}


def test_bad_inputs_are_reported_and_the_batch_completes(runner: CliRunner, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SAMPLES / "harbour_council.txt", batch / "a_good.txt")
    (batch / "b_empty.txt").write_text("")
    (batch / "c_binary.txt").write_bytes(bytes(range(256)) * 100)
    (batch / "d_latin1.txt").write_bytes(
        'Le maire a dit: "Ça va." The mayor said that the café would reopen.\n'.encode("cp1252")
    )
    (batch / "e_dangling.txt").symlink_to(tmp_path / "missing.txt")
    shutil.copy(SAMPLES / "clinic_report.txt", batch / "f_good.txt")
    result = runner.invoke(app, ["extract", str(batch)])
    assert result.exit_code == 1
    names = [Path(r["path"]).name for r in _records(result.stdout)]
    assert names == ["a_good.txt", "d_latin1.txt", "f_good.txt"]
    assert "b_empty.txt: empty file" in result.stderr
    assert "c_binary.txt: binary data" in result.stderr
    assert "e_dangling.txt: cannot read" in result.stderr
    assert "d_latin1.txt: not valid UTF-8; decoded as cp1252" in result.stderr
    assert "3 input(s) failed" in result.stderr


def test_five_megabyte_article_is_analysed_up_to_the_limit(
    runner: CliRunner, tmp_path: Path
) -> None:
    paragraph = (SAMPLES / "harbour_council.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    big = tmp_path / "big.txt"
    big.write_text(
        "Big Story\n\n" + (paragraph + "\n\n") * (5_000_000 // len(paragraph)), encoding="utf-8"
    )
    assert big.stat().st_size > 4_900_000
    result = runner.invoke(app, ["extract", str(big), "--max-chars", "20000"])
    assert result.exit_code == 0
    (record,) = _records(result.stdout)
    assert len(record["text"]) == len(big.read_text(encoding="utf-8"))
    assert [w["code"] for w in record["warnings"]] == ["analysis_truncated"]
    assert "only the first 20,000 characters were analysed" in result.stderr
    assert record["quotes"] and all(q["content"][-1][1] <= 20000 for q in record["quotes"])


def test_ingest_is_idempotent_and_quotes_lists_them(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    first = runner.invoke(app, ["ingest", str(SAMPLES), "--db", db])
    assert first.exit_code == 0, first.output
    assert (
        "5 article(s) stored, 0 identical copies recorded as sources, 0 unchanged" in first.stderr
    )
    again = runner.invoke(app, ["ingest", str(SAMPLES), "--db", db])
    assert (
        "0 article(s) stored, 0 identical copies recorded as sources, 5 unchanged" in again.stderr
    )
    listed = runner.invoke(app, ["quotes", "--db", db, "--speaker", "rutte", "--format", "jsonl"])
    assert listed.exit_code == 0
    rows = _records(listed.stdout)
    assert len(rows) >= 14
    assert {r["speaker"] for r in rows} == {"Mark Rutte"}
    assert {r["speaker_role"] for r in rows} == {"NATO Secretary General"}
    assert all(r["article_title"].startswith("Mark Rutte:") for r in rows)
    found = runner.invoke(app, ["quotes", "--db", db, "--search", "nurses", "--format", "json"])
    rows = json.loads(found.stdout)
    assert rows and all("nurse" in r["content_text"].lower() for r in rows)
    table = runner.invoke(app, ["quotes", "--db", db, "--speaker", "Berg"])
    assert "Anna Berg" in table.stdout


def test_quotes_without_database_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["quotes", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no database" in result.stderr


def test_eval_polnear_scores_saved_predictions_the_same(runner: CliRunner, tmp_path: Path) -> None:
    mini = ROOT / "tests" / "data" / "polnear_mini"
    saved = tmp_path / "preds.jsonl"
    first = runner.invoke(app, ["eval", "polnear", str(mini), "--save", str(saved), "--json"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(
        app, ["eval", "polnear", str(mini), "--predictions", str(saved), "--json"]
    )
    scored, rescored = json.loads(first.stdout), json.loads(again.stdout)
    # saved confidences are rounded to 3 places, so only the reliability means may move
    assert [b["count"] for b in scored.pop("reliability")] == [
        b["count"] for b in rescored.pop("reliability")
    ]
    assert rescored == scored
    (tmp_path / "bad.jsonl").write_text("not json\n")
    bad = runner.invoke(
        app, ["eval", "polnear", str(mini), "--predictions", str(tmp_path / "bad.jsonl")]
    )
    assert bad.exit_code == 2 and "not a JSONL of records" in bad.stderr


def test_eval_polnear_runs_another_tagger(runner: CliRunner, tmp_path: Path) -> None:
    import spacy

    from onrecord.nlp.model.predict import WEIGHTS_DIR

    mini = ROOT / "tests" / "data" / "polnear_mini"
    shipped = runner.invoke(app, ["eval", "polnear", str(mini), "--json"])
    same = runner.invoke(
        app,
        ["eval", "polnear", str(mini), "--json", "--tagger-weights", str(WEIGHTS_DIR / "all")],
    )
    assert shipped.exit_code == 0 and same.exit_code == 0, same.output
    assert json.loads(same.stdout) == json.loads(shipped.stdout)
    untrained = spacy.blank("en")  # a tagger that has learned nothing
    ner = untrained.add_pipe("ner")
    for label in ("CUE", "SOURCE", "CONTENT"):
        ner.add_label(label)  # type: ignore[attr-defined]
    untrained.initialize()
    untrained.to_disk(tmp_path / "untrained")
    other = runner.invoke(
        app,
        ["eval", "polnear", str(mini), "--json", "--tagger-weights", str(tmp_path / "untrained")],
    )
    assert other.exit_code == 0, other.output
    assert json.loads(other.stdout) != json.loads(shipped.stdout)
    missing = runner.invoke(
        app, ["eval", "polnear", str(mini), "--tagger-weights", str(tmp_path / "nothing")]
    )
    assert missing.exit_code == 2 and "no spaCy pipeline" in missing.stderr
