"""Matrix products on one core: thinc's blis against numpy's BLAS, on the encoders' shapes.

Usage: .venv/bin/python bench/bench_matmul.py [--rounds 20]

The CNN encoders multiply each batch's token rows (a few thousand) by 288 x 288 (the
maxout layers: a window of three 96-wide vectors, three pieces of 96) and 384 x 96
weights; these products are most of an extraction's time. Prints milliseconds and
GFLOPS per product for ``NumpyOps().gemm`` (blis) and ``numpy.matmul`` (what
``onrecord.nlp.matmul`` gives the pipelines), and their ratio. Prints figures; it is not
a test.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import onrecord  # noqa: F401  (caps numpy's threads at one before numpy is imported)


def _rate(run: Callable[[], Any], rounds: int) -> float:
    run()
    started = time.perf_counter()
    for _ in range(rounds):
        run()
    return (time.perf_counter() - started) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    import numpy
    from thinc.api import NumpyOps

    blis = NumpyOps()
    rng = numpy.random.default_rng(0)
    for rows, inner, outer in [(2000, 288, 288), (2000, 384, 96), (20000, 288, 288)]:
        x = rng.standard_normal((rows, inner), dtype=numpy.float32)
        w = rng.standard_normal((outer, inner), dtype=numpy.float32)
        flops = 2 * rows * inner * outer
        slow = _rate(lambda x=x, w=w: blis.gemm(x, w, trans2=True), args.rounds)
        fast = _rate(lambda x=x, w=w: numpy.matmul(x, w.T), args.rounds)
        print(
            f"{rows} x {inner} by {inner} x {outer}: blis {slow * 1e3:.2f} ms "
            f"({flops / slow / 1e9:.0f} GFLOPS), numpy {fast * 1e3:.2f} ms "
            f"({flops / fast / 1e9:.0f} GFLOPS) → numpy {slow / fast:.2f}x"
        )


if __name__ == "__main__":
    main()
