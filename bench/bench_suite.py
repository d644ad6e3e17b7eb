"""The benchmark suite (`make bench`): extract and ingest speed per core, stage split,
peak memory, beside plain spaCy over the same text in the same run.

Usage: .venv/bin/python bench/bench_suite.py [TEXT_DIR] [--synthetic WORDS] [--rounds 2]

Corpora: PolNeAR dev text (default when ../shared is present, else the bundled samples)
and a synthetic corpus of about ``--synthetic`` words generated from the samples'
sentences (shuffled into new articles). For each corpus, on one core and in one
process, it times:

- baseline: spaCy's full small pipeline over the same article texts with ``nlp.pipe``
  (all components, as shipped — not onrecord's copy, whose attribute ruler and
  lemmatizer are swapped for ``nlp.attributes``); beside it, for information, the same
  pipeline with numpy's matrix products in place of blis's (``nlp.matmul``, which
  onrecord uses), to tell how much of the ratio the products make;
- extract: the path of ``onrecord extract``, ``ingest`` and ``batch``
  (``nlp.run.extract_documents``, default extractor: articles in windows whose
  paragraphs share the parser's batches), and
  ``extract_article`` one article at a time beside it; split into its stages —
  parse (spaCy's tokenizer, tok2vec, tagger, parser and onrecord's attribute cache), NER
  (spaCy's entity recogniser with its own tok2vec, timed apart), tagger (the trained
  attribution tagger), quote rules, entities (onrecord's entity grouping), speakers
  (speaker resolution), and the rest (layout, language, quotation marks, calibration);
- ingest: extract and ``Database.save_article`` into a fresh SQLite file (store share);
- textacy, when it is importable (not a dependency: ``pip install --target DIR
  textacy==0.13.0 ...`` and ``PYTHONPATH=DIR``): spaCy's pipeline as shipped plus
  ``textacy.extract.triples.direct_quotations`` on each doc, end to end.

Each is run once untimed before the timed rounds, so the figures are those of a long run
(warm caches). It prints words/s and articles/s, the extract/baseline ratio and the peak
RSS. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import resource
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from onrecord.ingest.sources import iter_documents
from onrecord.models import ArticleRecord, RawDocument
from onrecord.nlp import fast_layers, pipeline
from onrecord.nlp.matmul import use_numpy_matmul
from onrecord.nlp.parse import DEFAULT_MODEL, load_pipeline
from onrecord.nlp.run import RunSettings, extract_documents
from onrecord.store.db import open_database

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
SETTINGS = RunSettings(deduplicate=False)
"""Every article extracted (the synthetic corpus repeats sentences across articles)."""
STAGES = {
    "parse": ("onrecord.nlp.pipeline", "parse_articles"),
    "tagger": ("onrecord.nlp.pipeline", "tag_articles"),
}


def synthetic(words: int, seed: int = 11) -> list[RawDocument]:
    """Articles of shuffled sample sentences, about ``words`` words in all."""
    sentences: list[str] = []
    for doc in iter_documents([str(ROOT / "samples")]):
        if isinstance(doc, RawDocument):
            sentences += [s for s in re.split(r"(?<=[.!?”])\s+", doc.text) if len(s.split()) > 4]
    rng = random.Random(seed)
    docs: list[RawDocument] = []
    total = 0
    while total < words:
        body = rng.sample(sentences, min(12, len(sentences)))
        text = f"Synthetic story {len(docs)}\n\n" + "\n\n".join(body) + "\n"
        docs.append(RawDocument(path=f"synthetic/{len(docs)}.txt", text=text))
        total += len(text.split())
    return docs


class TimedComponent:
    """A pipeline component whose own work is timed apart from the components before it.

    Language.pipe chains the components as generators; this one takes each batch from
    the components before it first (untimed), then runs the wrapped component on it.
    """

    def __init__(self, component: Any, stages: dict[str, float], stage: str) -> None:
        self.component, self.stages, self.stage = component, stages, stage

    def __call__(self, doc: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.component(doc)
        finally:
            self.stages[self.stage] += time.perf_counter() - started

    def pipe(self, docs: Any, *, batch_size: int = 256, **kwargs: Any) -> Any:
        # Imported here: numpy must be first imported by onrecord, which caps its threads.
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):  # the components before: untimed
            started = time.perf_counter()
            done = list(self.component.pipe(batch, batch_size=batch_size, **kwargs))
            self.stages[self.stage] += time.perf_counter() - started
            yield from done

    def __getattr__(self, name: str) -> Any:
        return getattr(self.component, name)


def time_component(nlp: Any, name: str, stages: dict[str, float], stage: str) -> Any:
    """Time one component of ``nlp`` (see ``TimedComponent``); returns the restorer."""
    components = nlp._components  # spaCy keeps (name, component) pairs here
    index = next(i for i, (n, _) in enumerate(components) if n == name)
    original = components[index][1]
    components[index] = (name, TimedComponent(original, stages, stage))

    def restore() -> None:
        components[index] = (name, original)

    return restore


def timed(stages: dict[str, float]) -> list[tuple[object, str, object]]:
    """Wrap the stage functions so that their time is added up; returns what to restore."""
    import onrecord.nlp.entities as entities_module
    import onrecord.nlp.quotes.rules as rules_module
    import onrecord.nlp.speakers as speakers_module

    saved: list[tuple[object, str, object]] = []

    def wrap(owner: object, name: str, stage: str) -> None:
        original = getattr(owner, name)
        saved.append((owner, name, original))

        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                stages[stage] += time.perf_counter() - started

        setattr(owner, name, run)

    wrap(pipeline, "parse_articles", "parse")
    wrap(pipeline, "tag_articles", "tagger")
    wrap(rules_module.QuoteRules, "extract", "quote rules")
    wrap(entities_module.ArticleEntities, "__init__", "entities")
    wrap(speakers_module.SpeakerResolver, "resolve_all", "speakers")
    return saved


def restore(saved: list[tuple[object, str, object]]) -> None:
    for owner, name, original in reversed(saved):
        setattr(owner, name, original)


def measure(
    label: str,
    docs: list[RawDocument],
    nlp: object,
    stock: object,
    rounds: int,
    stock_matmul: object | None = None,
) -> None:
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    base_times, extract_times, ingest_times = [], [], []
    matmul_times: list[float] = []
    base_cpu, extract_cpu = [], []
    single_times: list[float] = []
    textacy_times: list[float] = []
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        direct_quotations = None
    stages: dict[str, float] = defaultdict(float)
    store_seconds = 0.0
    # One untimed pass of each first: the figures are a long run's steady state, where the
    # caches (spaCy's lemmatizer's, onrecord's remembered tags and lemmas) hold the words.
    for _ in stock.pipe(texts, batch_size=16):  # type: ignore[attr-defined]
        pass
    for _ in extract_documents(docs, nlp, SETTINGS):  # type: ignore[arg-type]
        pass
    for round_number in range(rounds):
        started, cpu = time.perf_counter(), time.process_time()
        for _ in stock.pipe(texts, batch_size=16):  # type: ignore[attr-defined]
            pass
        base_times.append(time.perf_counter() - started)
        base_cpu.append(time.process_time() - cpu)
        if stock_matmul is not None:
            started = time.perf_counter()
            for _ in stock_matmul.pipe(texts, batch_size=16):  # type: ignore[attr-defined]
                pass
            matmul_times.append(time.perf_counter() - started)
        if direct_quotations is not None:
            started = time.perf_counter()
            for doc in stock.pipe(texts, batch_size=16):  # type: ignore[attr-defined]
                with contextlib.suppress(ValueError):  # it gives up on an unclosed quote
                    list(direct_quotations(doc))
            textacy_times.append(time.perf_counter() - started)

        def one_by_one() -> None:
            started = time.perf_counter()
            for document in docs:
                pipeline.extract_article(document, nlp)  # type: ignore[arg-type]
            single_times.append(time.perf_counter() - started)

        if round_number % 2:  # each goes first every other round
            one_by_one()
        started, cpu = time.perf_counter(), time.process_time()
        records = list(extract_documents(docs, nlp, SETTINGS))  # type: ignore[arg-type]
        extract_times.append(time.perf_counter() - started)
        extract_cpu.append(time.process_time() - cpu)
        if not round_number % 2:
            one_by_one()

        with tempfile.TemporaryDirectory() as tmp, open_database(Path(tmp) / "b.db") as db:
            started = time.perf_counter()
            for record in extract_documents(docs, nlp, SETTINGS):  # type: ignore[arg-type]
                assert isinstance(record, ArticleRecord), record
                stored = time.perf_counter()
                db.save_article(record)
                store_seconds = (
                    time.perf_counter() - stored + (store_seconds if round_number else 0)
                )
            ingest_times.append(time.perf_counter() - started)
        del records
    # The stage split, in a further pass: timing the NER apart holds each of its batches
    # back until it is done, which costs a few per cent, so not in the timed rounds.
    saved = timed(stages)
    untime_ner = time_component(nlp, "ner", stages, "NER")
    started = time.perf_counter()
    list(extract_documents(docs, nlp, SETTINGS))  # type: ignore[arg-type]
    split_seconds = time.perf_counter() - started
    restore(saved)
    untime_ner()
    stages["parse"] -= stages["NER"]  # parse_articles ran the NER within
    # The encoders remember each token feature row's embedding (nlp.fast_layers); the
    # rounds above re-read text they have seen. Once more with that memo emptied first:
    # the rate for words not seen before (spaCy's own caches stay warm, as for the
    # baseline).
    fast_layers._MEMOS.clear()
    started = time.perf_counter()
    list(extract_documents(docs, nlp, SETTINGS))  # type: ignore[arg-type]
    fresh_memo = time.perf_counter() - started
    base, extract, ingest = (
        statistics.median(x) for x in (base_times, extract_times, ingest_times)
    )
    print(
        f"\n== {label}: {len(docs)} articles, {words:,} words (whitespace-split), {rounds} rounds"
    )
    print(
        f"  spaCy full pipeline (nlp.pipe): {words / base:,.0f} words/s, {len(docs) / base:.1f} articles/s"
    )
    if matmul_times:
        matmul = statistics.median(matmul_times)
        print(
            f"  the same with numpy's matrix products (nlp.matmul): {words / matmul:,.0f} words/s "
            f"→ onrecord extract {matmul / extract:.2f}x that"
        )
    print(
        f"  onrecord extract:               {words / extract:,.0f} words/s, "
        f"{len(docs) / extract:.1f} articles/s  → {base / extract:.2f}x the baseline"
    )
    print(
        f"  the same, the encoders' memo empty: {words / fresh_memo:,.0f} words/s "
        f"→ {base / fresh_memo:.2f}x the baseline (text whose words are new to it)"
    )
    single = statistics.median(single_times)
    print(
        f"  one article at a time:          {words / single:,.0f} words/s "
        f"(extract_article; the windows above are {single / extract:.2f}x faster)"
    )
    if textacy_times:
        textacy = statistics.median(textacy_times)
        print(
            f"  textacy direct_quotations:      {words / textacy:,.0f} words/s "
            f"(end to end) → onrecord extract {textacy / extract:.2f}x textacy"
        )
    else:
        print("  textacy: not importable, not measured (see the module docstring)")
    cpu_ratio = statistics.median(base_cpu) / statistics.median(extract_cpu)
    print(
        f"  by CPU time (less sensitive to other load): extract {words / statistics.median(extract_cpu):,.0f}, "
        f"baseline {words / statistics.median(base_cpu):,.0f} words/s → {cpu_ratio:.2f}x"
    )
    print(
        f"  onrecord ingest (SQLite):       {words / ingest:,.0f} words/s, {len(docs) / ingest:.1f} articles/s"
    )
    total = split_seconds
    split = ", ".join(
        f"{name} {100 * seconds / total:.0f}%"
        for name, seconds in sorted(stages.items(), key=lambda item: -item[1])
    )
    rest = total - sum(stages.values())
    print(f"  extract stages: {split}, other {100 * rest / total:.0f}%")
    print(
        f"  store: {1000 * store_seconds / len(docs):.1f} ms per article ({100 * store_seconds / ingest_times[-1]:.0f}% of ingest)"
    )


def stock_pipeline() -> object:
    """spaCy's small English pipeline as shipped (onrecord swaps two of its components)."""
    import warnings

    import spacy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return spacy.load(DEFAULT_MODEL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--synthetic", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    import os

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    folder = args.folder or (DEV if DEV.exists() else ROOT / "samples")
    docs = [d for d in iter_documents([str(folder)]) if isinstance(d, RawDocument)]
    nlp = load_pipeline()
    stock = stock_pipeline()
    # spaCy as shipped with only the matrix products changed: how much of the ratio is
    # the BLAS (nlp.matmul) and how much the rest of onrecord's work
    stock_matmul = use_numpy_matmul(stock_pipeline())  # type: ignore[arg-type]
    pipeline.extract_article(docs[0], nlp)  # warm up: model, tables, calibration
    measure(str(folder), docs, nlp, stock, args.rounds, stock_matmul)
    if args.synthetic > 0:
        measure(
            f"synthetic ({args.synthetic:,} words)",
            synthetic(args.synthetic),
            nlp,
            stock,
            args.rounds,
            stock_matmul,
        )
    print(f"\npeak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
