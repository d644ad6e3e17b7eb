"""Example budgets for the property-based fuzz tests, and a tally of the examples run.

Every fuzz test takes its settings from ``parser_settings(name, ci=...)``. A plain
``pytest`` run gives it its small ``ci`` count (the whole fuzz set stays within about a
minute and a half on two cores). ``ONRECORD_FUZZ_EXAMPLES=N`` (``make fuzz``) spreads N
examples over the parsers by the shares in ``SHARES`` instead, and loads the ``fuzz``
Hypothesis profile registered in ``conftest.py`` (no deadline, no health checks about
slow or large data, random seeds). Each test calls ``tally(name)`` once per example;
``conftest.py`` prints the counts at the end of a fuzz run and writes them to
``$ONRECORD_FUZZ_REPORT`` (JSON) when that is set.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("ONRECORD_FUZZ_EXAMPLES") or 0)
"""Total examples for a fuzz run; 0 for an ordinary test run."""

SHARES = {
    "marks": 0.11,
    "marks_pieces": 0.04,
    "layout": 0.08,
    "scripts": 0.06,
    "language": 0.04,
    "jsonl": 0.08,
    "feeds": 0.05,
    "warc": 0.04,
    "html": 0.05,
    "decode": 0.07,
    "compressed": 0.07,
    "sniff": 0.05,
    "dispatch": 0.03,
    "parts": 0.02,
    "fts_query": 0.06,
    "pg_tsquery": 0.06,
    "polnear": 0.05,
    "url_list": 0.03,
    "extraction": 0.005,
    "extraction_pieces": 0.005,
}
"""Each parser's share of a fuzz run's examples (extraction is ~40 ms an example)."""

EXAMPLES: Counter[str] = Counter()
"""Examples actually run per parser in this session (shrinking included)."""

_SLOW_OK = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
    HealthCheck.function_scoped_fixture,
]


def parser_settings(name: str, ci: int) -> settings:
    """Settings for the fuzz test of one parser.

    Args:
        name: The parser's key in ``SHARES``.
        ci: Examples in an ordinary test run.

    Returns:
        Settings with ``ci`` examples, or the parser's share of ``ONRECORD_FUZZ_EXAMPLES``.
    """
    examples = max(ci, round(FUZZ_EXAMPLES * SHARES[name])) if FUZZ_EXAMPLES else ci
    return settings(max_examples=examples, deadline=None, suppress_health_check=_SLOW_OK)


def tally(name: str) -> None:
    """Count one example of a parser's fuzz test."""
    assert name in SHARES, name
    EXAMPLES[name] += 1
