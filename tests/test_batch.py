"""Batch runs: shards, local and Ray workers giving the same records, resume after a kill."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from onrecord.batch.load import finished_shards, read_batch
from onrecord.batch.run import run_batch
from onrecord.batch.shards import plan_shards
from onrecord.ingest.errors import InputError
from onrecord.serve.cli import app

SAMPLE = (ROOT / "samples" / "harbour_council.txt").read_text(encoding="utf-8")


def _corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        text = SAMPLE.replace("Harbour", f"Town{n} Harbour")
        (folder / f"story_{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def _records(out: Path) -> list[dict[str, object]]:
    items = [
        item.to_dict() if not isinstance(item, InputError) else {"error": item.path}
        for item in read_batch(out)
    ]
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def test_plan_is_deterministic_and_names_missing_inputs(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "news", 5)
    shards, errors = plan_shards([str(corpus), str(tmp_path / "missing")], size=2)
    assert [len(s.paths) for s in shards] == [2, 2, 1]
    assert [e.code for e in errors] == ["not_found"]
    again, _ = plan_shards([str(corpus)], size=2)
    assert [s.name for s in again] == [s.name for s in shards]
    assert shards[0].name.startswith("shard-00000-")
    with pytest.raises(ValueError, match="at least 1"):
        plan_shards([str(corpus)], size=0)


def test_local_batch_writes_shards_and_loads_into_a_store(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "news", 4)
    (corpus / "broken.html").write_text("<html><body><nav>x</nav></body></html>")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["batch", str(corpus), "--out", str(out), "--workers", "2", "--shard-size", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "3 shard(s) run, 0 already done; 4 articles" in result.stderr
    assert len(finished_shards(out)) == 3
    errors = [i for i in read_batch(out) if isinstance(i, InputError)]
    assert [e.code for e in errors] == ["no_body"]
    again = CliRunner().invoke(app, ["batch", str(corpus), "--out", str(out), "--shard-size", "2"])
    assert "0 shard(s) run, 3 already done" in again.stderr
    db = str(tmp_path / "news.db")
    loaded = CliRunner().invoke(app, ["load", str(out), "--db", db])
    assert loaded.exit_code == 1  # the broken page is reported
    assert "4 article(s) stored" in loaded.stderr and "broken.html" in loaded.stderr
    direct = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(tmp_path / "d.db")])
    assert "holds 4 articles" in direct.stderr
    quotes_loaded = re.search(r"(\d+) quotes", loaded.stderr)
    quotes_direct = re.search(r"(\d+) quotes", direct.stderr)
    assert quotes_loaded and quotes_direct and quotes_loaded.group(1) == quotes_direct.group(1)


@pytest.mark.slow
def test_ray_and_local_produce_identical_records(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray engine needs Ray (pip install 'onrecord[ray]')")
    corpus = _corpus(tmp_path / "news", 4)
    shutil.copy(ROOT / "samples" / "feeds" / "island_herald.rss", corpus / "feed.rss")
    shards, _ = plan_shards([str(corpus)], size=2)
    run_batch(shards, tmp_path / "local", engine="local", workers=2)
    run_batch(shards, tmp_path / "ray", engine="ray", workers=2)
    local, ray = _records(tmp_path / "local"), _records(tmp_path / "ray")
    assert len(local) == 6 and local == ray


@pytest.mark.slow
def test_a_killed_batch_resumes_to_the_same_result(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "news", 10)
    whole = tmp_path / "whole"
    shards, _ = plan_shards([str(corpus)], size=1)
    run_batch(shards, whole, workers=1)
    out = tmp_path / "killed"
    command = [
        sys.executable, "-m", "onrecord", "batch", str(corpus), "--out", str(out),
        "--workers", "1", "--shard-size", "1",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("*.done"))) < 3:
            assert process.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)  # the parent and its worker processes
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finished_before = len(finished_shards(out))
    assert 3 <= finished_before < 10
    resumed = CliRunner().invoke(
        app, ["batch", str(corpus), "--out", str(out), "--workers", "1", "--shard-size", "1"]
    )
    assert resumed.exit_code == 0, resumed.output
    assert f"{finished_before} already done" in resumed.stderr
    assert _records(out) == _records(whole)
