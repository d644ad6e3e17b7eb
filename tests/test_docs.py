"""The README stays true: every command and option it lists exists."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from onrecord.serve.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = README.split("## Commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
LINES: list[str] = []
for raw in BLOCK.strip().splitlines():
    line = raw.split("#")[0].strip()
    if line.startswith("["):  # a long command continues on the next lines
        LINES[-1] += " " + line
    elif line:
        LINES.append(line)


@pytest.mark.parametrize("line", LINES)
def test_readme_command_exists_with_its_options(line: str) -> None:
    words = line.split()
    assert words[0] == "onrecord"
    command = [w for w in words[1:3] if w.replace("-", "").isalpha() and w.islower()]
    result = CliRunner().invoke(
        app, [*command, "--help"], terminal_width=200, env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, line
    for option in re.findall(r"--[a-z-]+", line):
        assert option in result.output, f"{option} of `{line}` is not in the help"


def test_readme_quick_start_is_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.strip().splitlines()]
    assert commands == ["make demo", "make test"]
