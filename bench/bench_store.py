"""Store and search at scale: write speed, and search latency over 100k stored quotes.

Usage: .venv/bin/python bench/bench_store.py [--quotes 100000] [--db PATH] [--keep]

Builds an SQLite record of synthetic articles (10 quotes each, 2,000 named speakers with
roles and organisations, wording drawn from a Zipf-distributed 5,000-word vocabulary,
dates over two years) through ``Database.save_article`` — the same write path as
``onrecord ingest`` — and reports articles and quotes written per second. It then times
60 searches of the kinds the CLI and API offer (rare, common and two-word full-text
queries; speaker, role, outlet, date and entity filters; combinations), each run five
times, and prints median and 95th-percentile latency. For the ingest split it times the
extraction of the bundled samples in the same process, so the store's share of an
ingest is shown beside it. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from onrecord.models import ArticleRecord, Entity, Quote
from onrecord.query.quotes import QuoteFilter, find_quotes
from onrecord.store.db import open_database

ROOT = Path(__file__).resolve().parents[1]
FIRST = ["Anna", "Mark", "Leila", "Pieter", "Tomas", "Ruth", "Jo", "Sam", "Maria", "John",
         "Aisha", "Chen", "Olga", "Kwame", "Ines", "Rafael", "Hana", "Ivan", "Grace", "Omar"]  # fmt: skip
LAST = [f"{a}{b}" for a in ("Ber", "Kow", "Hadd", "Lin", "Dov", "Ade", "Mwan", "Ols", "Beck",
        "Ram", "Vos", "Rut", "Mor", "Sant", "Nak", "Pet", "Hal", "Fisc", "Rom", "Tan")
        for b in ("g", "ski", "ad", "d", "le", "yemi", "gi", "en", "er", "an")]  # fmt: skip
ROLES = ["Prime Minister", "Foreign Minister", "Mayor", "Senator", "union leader",
         "chief executive", "spokeswoman", "Health minister", "party chair", "analyst"]  # fmt: skip
ORGS = [f"Org{n}" for n in range(300)]
SITES = [f"Outlet {n}" for n in range(80)]


def build(path: Path, quotes: int, seed: int = 7) -> tuple[float, int, int]:
    rng = random.Random(seed)
    words = [f"w{n}" for n in range(5000)]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    people = [
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(ROLES), rng.sample(ORGS, 3))
        for _ in range(2000)
    ]
    articles = quotes // 10
    started = time.perf_counter()
    stored = 0
    with open_database(path) as db:
        for n in range(articles):
            speakers = rng.sample(people, 3)
            text_parts: list[str] = []
            record_quotes: list[Quote] = []
            for q in range(10):
                name, role, _ = speakers[q % 3]
                said = " ".join(rng.choices(words, weights, k=rng.randint(8, 30)))
                start = sum(len(p) + 1 for p in text_parts)
                text_parts.append(f"{said} said {name}.")
                record_quotes.append(
                    Quote(
                        content=[(start, start + len(said))],
                        speaker=name,
                        speaker_role=role,
                        type=rng.choice(["direct", "indirect", "mixed"]),
                        confidence=rng.random(),
                    )
                )
            entities = [Entity(name, "PERSON", name, [], [role]) for name, role, _ in speakers]
            entities += [Entity(o, "ORG", o, [], []) for _, _, orgs in speakers for o in orgs[:1]]
            day = 1 + n % 700
            record = ArticleRecord(
                path=f"synthetic/{n}.txt",
                text=" ".join(text_parts),
                title=f"Story {n}",
                site=rng.choice(SITES),
                published=f"{2024 + day // 365}-{1 + (day % 365) // 31:02d}-{1 + day % 28:02d}",
                quotes=record_quotes,
                entities=entities,
            )
            db.save_article(record)
            stored += 1
    return time.perf_counter() - started, stored, stored * 10


def queries() -> list[tuple[str, QuoteFilter]]:
    rng = random.Random(3)
    chosen: list[tuple[str, QuoteFilter]] = []
    for rank in (3, 10, 50, 200, 1000, 4000):
        chosen.append((f"word rank {rank}", QuoteFilter(search=f"w{rank}")))
    for a, b in ((5, 40), (100, 900), (20, 3000)):
        chosen.append(("two words", QuoteFilter(search=f"w{a} w{b}")))
    for _ in range(10):
        chosen.append(("speaker", QuoteFilter(speaker=rng.choice(LAST))))
    for _ in range(10):
        chosen.append(
            (
                "speaker + word",
                QuoteFilter(speaker=rng.choice(LAST), search=f"w{rng.randint(1, 500)}"),
            )
        )
    for role in ROLES[:5]:
        chosen.append(("role + word", QuoteFilter(role=role, search="w7")))
    for site in SITES[:5]:
        chosen.append(("outlet", QuoteFilter(outlet=site)))
    for month in ("2024-03", "2024-11", "2025-06"):
        chosen.append(("date range + word", QuoteFilter(since=month, until=month, search="w30")))
    for org in ORGS[:5]:
        chosen.append(("entity + word", QuoteFilter(entity=org, search="w12")))
    for _ in range(8):
        chosen.append(("type + speaker", QuoteFilter(type="direct", speaker=rng.choice(LAST))))
    chosen.append(("no filter (latest 100)", QuoteFilter()))
    chosen.append(("rare word + date", QuoteFilter(search="w4500", since="2025-01-01")))
    return chosen


def time_searches(path: Path, rounds: int = 5) -> None:
    with open_database(path) as db:
        timings: dict[str, list[float]] = {}
        everything: list[float] = []
        for label, where in queries():
            for _ in range(rounds):
                started = time.perf_counter()
                find_quotes(db, limit=100, where=where)
                elapsed = (time.perf_counter() - started) * 1000
                timings.setdefault(label, []).append(elapsed)
                everything.append(elapsed)
        for label, values in timings.items():
            print(
                f"  {label:24s} median {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms"
            )
        everything.sort()
        p95 = everything[int(len(everything) * 0.95) - 1]
        print(
            f"search over stored quotes: median {statistics.median(everything):.1f} ms, "
            f"p95 {p95:.1f} ms ({len(everything)} searches, limit 100)"
        )


def extraction_rate() -> float:
    from onrecord.ingest.sources import iter_documents
    from onrecord.models import RawDocument
    from onrecord.nlp.parse import load_pipeline
    from onrecord.nlp.pipeline import extract_article

    docs = [d for d in iter_documents([str(ROOT / "samples")]) if isinstance(d, RawDocument)]
    nlp = load_pipeline()
    extract_article(docs[0], nlp)
    started = time.perf_counter()
    for _ in range(3):
        for doc in docs:
            extract_article(doc, nlp)
    return 3 * len(docs) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            seconds, articles, stored_quotes = build(path, args.quotes)
            print(
                f"store: {articles} articles, {stored_quotes} quotes in {seconds:.1f} s — "
                f"{articles / seconds:.0f} articles/s, {stored_quotes / seconds:.0f} quotes/s "
                f"({1000 * seconds / articles:.1f} ms per article, persons, provenance and FTS included)"
            )
            per_article_store = seconds / articles
        else:
            per_article_store = 0.0
        time_searches(path)
        rate = extraction_rate()
        print(
            f"extraction of the bundled samples: {rate:.1f} articles/s "
            f"({1000 / rate:.0f} ms per article)"
        )
        if per_article_store:
            share = per_article_store / (per_article_store + 1 / rate)
            print(
                f"ingest split: store {100 * share:.0f}% of the time per article, extraction {100 * (1 - share):.0f}%"
            )
        if args.keep and args.db is None:
            kept = ROOT / "bench-store.db"
            path.replace(kept)
            print(f"kept {kept}")


if __name__ == "__main__":
    main()
