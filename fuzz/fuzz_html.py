"""Coverage-guided fuzzing of the HTML entry point with atheris (libFuzzer).

Bytes -> ``ingest.html.html_to_document`` (trafilatura, htmldate) -> ``clean.layout`` ->
``nlp.quotes.marks`` -> ``nlp.pipeline.extract_article``; the invariants are in
``checks.py``. Only onrecord's own modules are instrumented, so ``cov``/``ft`` count
edges in onrecord's code (trafilatura runs, but is not measured).

    .venv/bin/python fuzz/fuzz_html.py -max_total_time=60 CORPUS_DIR [SEED_DIR ...]

``make fuzz`` runs it with seeds from ``tests/data/html`` and
``tests/data/fuzz_regressions``.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Load the pipeline, instrument onrecord and fuzz the HTML entry point."""
    import atheris

    # The libraries load uninstrumented: coverage is onrecord's alone.
    import spacy  # noqa: F401
    import trafilatura  # noqa: F401

    with atheris.instrument_imports(include=["onrecord"]):
        import onrecord.clean.layout
        import onrecord.ingest.html
        import onrecord.nlp.pipeline  # noqa: F401
    import checks

    from onrecord.nlp.parse import load_pipeline

    nlp = load_pipeline()

    def one_input(data: bytes) -> None:
        checks.check_html_input(data, nlp)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
