"""Throughput of this version against an earlier one, side by side in one run.

Usage: .venv/bin/python bench/bench_versions.py [--baseline REV] [--rounds N]
[--warm-up DIR [--warm-up-articles N]] [TEXT_DIR]

Exports the baseline revision with ``git archive`` into a temporary folder and times
``extract_article`` over the same articles with each version in turn (alternating,
each in a fresh subprocess pinned to one core with one thread), so both see the same
machine load. Prints words/s per round, the medians and the ratio. Not a test.

``--product`` times the path of ``onrecord extract``, ``ingest`` and ``batch`` instead:
``nlp.run.extract_documents`` (articles extracted in windows that share the parser's
batches; syndication off) in a version that has it, ``extract_article`` one by one in
one that does not (as its command line did).

By default each worker warms up on one article: the figure is that of a fresh process
over a few dozen articles. ``--warm-up DIR`` first extracts (untimed) ``--warm-up-articles``
other articles, e.g. from PolNeAR train, so that the figure is the steady rate of a long
run, where what a version remembers across articles (``nlp.attributes``) has filled up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ISSUE_2_BASELINE = "ca532d2"
"""The last commit of the plain rule-based extractor (issue 2), before the learned parts."""

WORKER = r"""
import json, os, sys, time
from pathlib import Path
from onrecord.models import RawDocument
from onrecord.nlp.parse import load_pipeline
from onrecord.nlp.pipeline import extract_article
# Read the files here, not with onrecord's reader, whose API differs between versions.
docs = [
    RawDocument(path=str(p), text=p.read_text(encoding="utf-8"))
    for p in sorted(Path(sys.argv[1]).glob("*.txt"))
]
nlp = load_pipeline()
extract_article(docs[0], nlp)  # warm up
if len(sys.argv) > 2:  # a longer warm-up on other articles, untimed
    for p in sorted(Path(sys.argv[2]).glob("*.txt"))[: int(sys.argv[3])]:
        extract_article(RawDocument(path=str(p), text=p.read_text(encoding="utf-8")), nlp)
start = time.perf_counter()
try:
    if not os.environ.get("BENCH_PRODUCT"):
        raise ImportError
    from onrecord.nlp.run import RunSettings, extract_documents
    records = list(extract_documents(docs, nlp, RunSettings(deduplicate=False)))
except ImportError:  # one article at a time, as the command line did before nlp.run
    records = [extract_article(d, nlp) for d in docs]
seconds = time.perf_counter() - start
words = sum(r.metadata["words"] for r in records)
print(json.dumps({"words": words, "seconds": seconds, "quotes": sum(len(r.quotes) for r in records)}))
"""


def run(
    src: Path,
    folder: Path,
    warm_up: Path | None = None,
    articles: int = 0,
    *,
    product: bool = False,
) -> dict[str, float]:
    env = {
        **os.environ,
        "BENCH_PRODUCT": "1" if product else "",
        "PYTHONPATH": str(src),
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    command = [sys.executable, "-c", WORKER, str(folder)]
    if warm_up is not None:
        command += [str(warm_up), str(articles)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--baseline", default=ISSUE_2_BASELINE)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm-up", type=Path, help="Articles (*.txt) to extract untimed first.")
    parser.add_argument("--warm-up-articles", type=int, default=200)
    parser.add_argument(
        "--product",
        action="store_true",
        help="Time the command line's path (nlp.run.extract_documents, where a version "
        "has it) instead of extract_article one article at a time.",
    )
    args = parser.parse_args()
    default = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
    folder = args.folder or (default if default.exists() else ROOT / "samples")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "baseline.tar"
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", "-o", str(archive), args.baseline, "src"],
            check=True,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "baseline", filter="data")
        versions = {"baseline": Path(tmp) / "baseline" / "src", "current": ROOT / "src"}
        rates: dict[str, list[float]] = {name: [] for name in versions}
        for round_number in range(args.rounds):
            for name, src in versions.items():
                result = run(src, folder, args.warm_up, args.warm_up_articles, product=args.product)
                rate = result["words"] / result["seconds"]
                rates[name].append(rate)
                print(
                    f"round {round_number + 1} {name:8s} {rate:8,.0f} words/s  quotes {result['quotes']}"
                )
    base = statistics.median(rates["baseline"])
    current = statistics.median(rates["current"])
    warmed = f"  warm-up: {args.warm_up_articles} of {args.warm_up}" if args.warm_up else ""
    path = "  path: the command line's (--product)" if args.product else ""
    print(f"folder: {folder}  baseline: {args.baseline}{warmed}{path}")
    print(
        f"median words/s: baseline {base:,.0f}  current {current:,.0f}  ratio {current / base:.3f}"
    )


if __name__ == "__main__":
    main()
