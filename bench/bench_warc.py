"""WARC throughput and memory: HTML records per second on one core, peak memory vs file size.

Usage: .venv/bin/python bench/bench_warc.py [--pages DIR] [--big-gb 1.0] [--rounds 3]

Builds synthetic WARC.gz files in a temporary folder from the article-extraction
benchmark's pages (default ../shared/data/article-extraction-benchmark/html; they are
publishers' pages, so nothing is written into the project) with warcio itself:

1. throughput: every page three times as HTML responses (with request and metadata
   records between them, as crawlers write them); times ``iter_documents`` over the file
   (WARC parsing, body and metadata extraction) plus language identification, against the
   same HTML extraction without the WARC layer, in the same process;
2. memory: a small (64 MB) and a large (default 1 GB) uncompressed WARC of nothing but
   the benchmark's HTML pages as responses, each read and extracted to the end in a fresh
   subprocess; prints documents read, time and peak RSS of both.

Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.clean.language import identify_language
from onrecord.ingest.html import html_to_document
from onrecord.ingest.sources import iter_documents
from onrecord.models import RawDocument

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT.parent / "shared" / "data" / "article-extraction-benchmark" / "html"

MEMORY_WORKER = r"""
import resource, sys
from onrecord.ingest.sources import iter_documents
docs = errors = 0
for item in iter_documents([sys.argv[1]]):
    if hasattr(item, "text"):
        docs += 1
    else:
        errors += 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{docs} {errors} {peak:.1f}")
"""


def load_pages(folder: Path) -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]


def write_crawl(path: Path, pages: list[bytes], *, copies: int) -> int:
    """Write each page ``copies`` times as a crawler would; returns HTML responses written."""
    written = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for copy in range(copies):
            for number, page in enumerate(pages):
                uri = f"https://news{copy}.example.com/story/{number}"
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
                writer.write_record(
                    writer.create_warc_record(
                        uri, "request", payload=io.BytesIO(b""), length=0, http_headers=request
                    )
                )
                _response(writer, uri, page, "text/html; charset=utf-8")
                written += 1
    return written


def write_sized_crawl(path: Path, pages: list[bytes], target_bytes: int) -> int:
    """Write HTML responses (uncompressed WARC) until the file reaches ``target_bytes``."""
    written = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        while handle.tell() < target_bytes:
            page = pages[written % len(pages)]
            _response(writer, f"https://n.example.com/{written}", page, "text/html")
            written += 1
    return written


def _response(writer: WARCWriter, uri: str, payload: bytes, content_type: str) -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=headers
        )
    )


def time_warc(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    count = 0
    for item in iter_documents([str(path)]):
        if isinstance(item, RawDocument):
            identify_language(item.text)
            count += 1
    return count, time.perf_counter() - start


def time_html(pages: list[bytes], copies: int) -> tuple[int, float]:
    start = time.perf_counter()
    count = 0
    for _ in range(copies):
        for number, page in enumerate(pages):
            document = html_to_document(str(number), page)
            if isinstance(document, RawDocument):
                identify_language(document.text)
                count += 1
    return count, time.perf_counter() - start


def peak_memory(path: Path) -> tuple[int, float]:
    command = [sys.executable, "-c", MEMORY_WORKER, str(path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--big-gb", type=float, default=1.0)
    parser.add_argument("--small-mb", type=float, default=64.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if not args.pages.exists():
        sys.exit(f"no pages at {args.pages}; pass --pages DIR with *.html.gz files")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core
    pages = load_pages(args.pages)
    copies = 3
    with tempfile.TemporaryDirectory() as tmp:
        crawl = Path(tmp) / "crawl.warc.gz"
        html_records = write_crawl(crawl, pages, copies=copies)
        print(
            f"throughput WARC: {crawl.stat().st_size / 1e6:.1f} MB, {html_records} HTML responses"
        )
        time_warc(crawl)  # warm up (first-use regex compilation in the extractors)
        warc_rates, html_rates = [], []
        for round_number in range(1, args.rounds + 1):
            count, seconds = time_warc(crawl)
            warc_rates.append(count / seconds)
            count_html, seconds_html = time_html(pages, copies)
            html_rates.append(count_html / seconds_html)
            print(
                f"  round {round_number}: WARC {warc_rates[-1]:.1f} records/s ({count} documents); "
                f"same pages as bare HTML {html_rates[-1]:.1f} pages/s"
            )
        warc, html = statistics.median(warc_rates), statistics.median(html_rates)
        print(
            f"median: WARC {warc:.1f} HTML records/s on one core; bare HTML {html:.1f} pages/s;"
            f" WARC layer overhead {100 * (1 - warc / html):.1f}%"
        )
        if args.skip_memory:
            return
        for label, size in (("small", args.small_mb * 1e6), ("large", args.big_gb * 1e9)):
            path = Path(tmp) / f"{label}.warc"
            started = time.perf_counter()
            html_records = write_sized_crawl(path, pages, int(size))
            built = time.perf_counter() - started
            started = time.perf_counter()
            docs, peak = peak_memory(path)
            print(
                f"memory {label}: {path.stat().st_size / 1e9:.2f} GB, {html_records} HTML "
                f"responses, {docs} documents read and extracted in "
                f"{time.perf_counter() - started:.0f} s (built in {built:.0f} s): "
                f"peak RSS {peak:.0f} MB"
            )
            path.unlink()
    print(
        f"(this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
