"""Extraction throughput: words/s and articles/s on one core, with the parse/rules split.

Usage: .venv/bin/python bench/bench_extract.py [TEXT_DIR]   (default: PolNeAR dev, else samples/)
Prints figures; it is not a test. Compare runs made in the same process or session only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from onrecord.ingest.sources import iter_documents
from onrecord.models import RawDocument
from onrecord.nlp import pipeline
from onrecord.nlp.parse import load_pipeline

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    default = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
    folder = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else (default if default.exists() else ROOT / "samples")
    )
    docs = [d for d in iter_documents([str(folder)]) if isinstance(d, RawDocument)]
    nlp = load_pipeline()
    parse_seconds = 0.0
    original = pipeline.parse_paragraphs

    def timed_parse(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal parse_seconds
        start = time.perf_counter()
        result = original(*args, **kwargs)
        parse_seconds += time.perf_counter() - start
        return result

    pipeline.parse_paragraphs = timed_parse  # type: ignore[assignment]
    start = time.perf_counter()
    records = [pipeline.extract_article(d, nlp) for d in docs]
    total = time.perf_counter() - start
    words = sum(r.metadata["words"] for r in records)
    quotes = sum(len(r.quotes) for r in records)
    print(f"folder: {folder}")
    print(f"articles: {len(records)}  words: {words}  quotes: {quotes}")
    print(
        f"total: {total:.2f}s  words/s: {words / total:,.0f}  articles/s: {len(records) / total:.1f}"
    )
    print(
        f"spaCy parse: {parse_seconds:.2f}s ({100 * parse_seconds / total:.0f}%)  "
        f"rules+entities+speakers: {total - parse_seconds:.2f}s"
    )


if __name__ == "__main__":
    main()
