"""The atheris harnesses of `make fuzz`, run by CI in a bounded form: each entry point is
fuzzed for a few seconds from its seeds and must end without a crash."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SECONDS = 6


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
@pytest.mark.parametrize("name", ["text", "html"])
def test_atheris_harness_runs_without_a_crash(name: str, tmp_path: Path) -> None:
    seeds = {
        "text": ["samples", "tests/data/fuzz_regressions/text"],
        "html": ["tests/data/html", "tests/data/fuzz_regressions/html"],
    }[name]
    (tmp_path / "corpus").mkdir()
    run = subprocess.run(
        [
            sys.executable,
            f"fuzz/fuzz_{name}.py",
            f"-max_total_time={SECONDS}",
            "-print_final_stats=1",
            "-timeout=60",
            "-max_len=8192",
            f"-artifact_prefix={tmp_path}/crash-",
            str(tmp_path / "corpus"),
            *seeds,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    executed = re.search(r"stat::number_of_executed_units:\s*(\d+)", run.stderr)
    assert executed is not None and int(executed.group(1)) > 0, run.stderr[-3000:]
    assert not list(tmp_path.glob("crash-*"))
