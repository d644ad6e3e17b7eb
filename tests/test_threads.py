"""One linear-algebra thread per process: extraction scales by processes, not threads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COUNT_THREADS = (
    "import os, onrecord, numpy, spacy; "
    "print(len(os.listdir('/proc/self/task')), os.environ['OPENBLAS_NUM_THREADS'])"
)


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_importing_onrecord_keeps_numpy_to_one_thread() -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", COUNT_THREADS], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["1", "1"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_a_setting_of_the_user_wins() -> None:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2"}
    out = subprocess.run(
        [sys.executable, "-c", COUNT_THREADS], env=env, capture_output=True, text=True, check=True
    )
    threads, setting = out.stdout.split()
    assert setting == "2" and int(threads) >= 2
