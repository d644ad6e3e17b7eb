"""Annotator agreement on PolNeAR: each further annotator scored against the first."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import shared_path
from onrecord.eval.agreement import annotator_agreement
from onrecord.ingest.polnear import annotation_files
from onrecord.serve.cli import app

MINI = Path(__file__).parent / "data" / "polnear_mini"


def test_annotation_files_lists_every_annotator_lowest_id_first() -> None:
    files = annotation_files(MINI)
    assert [p.name for p in files["alpha"]] == ["alpha_4e07.ann", "alpha_d473.ann"]
    assert [p.name for p in files["gamma"]] == ["gamma_ef2d.ann"]


def test_the_second_annotator_is_scored_against_the_first() -> None:
    agreement = annotator_agreement([MINI])
    assert (agreement.articles, agreement.pairs) == (1, 1)  # only alpha has two
    overlap = agreement.scores.attribution.overlap
    # The second annotator marked one of the first one's three statements ("Critics said").
    assert (overlap.gold, overlap.predicted, overlap.matched) == (3, 1, 1)
    assert agreement.scores.recall_by_type["indirect"].found == 1


def test_the_command_reads_a_folder_of_splits(tmp_path: Path) -> None:
    (tmp_path / "only").symlink_to(MINI, target_is_directory=True)
    result = CliRunner().invoke(app, ["eval", "agreement", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["articles"], data["pairs"]) == (1, 1)
    overlap = data["attribution"]["overlap"]
    assert (overlap["matched"], overlap["precision"], overlap["f1"]) == (1, 1.0, 0.5)


def test_a_folder_without_splits_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "agreement", str(tmp_path)])
    assert result.exit_code == 2
    assert "attributions/" in result.output


def test_polnear_annotators_agree_below_the_issue_targets() -> None:
    agreement = annotator_agreement(
        [shared_path("data", "polnear", "dev"), shared_path("data", "polnear", "train")]
    )
    assert (agreement.articles, agreement.pairs) == (18, 89)
    scores = agreement.scores
    assert round(scores.attribution.overlap.f1, 3) == 0.742
    assert round(scores.content.exact.f1, 3) == 0.693
    assert round(scores.source.exact.f1, 3) == 0.786
    assert round(scores.cue.exact.f1, 3) == 0.722
