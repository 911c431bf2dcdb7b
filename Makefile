# The two commands the README promises: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DATA := .primed

.PHONY: install demo test lint typecheck check bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "primed needs Python 3.11 (set PYTHON=python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/primed ingest corpora/samples/case_notes
	$(BIN)/primed titles --format md | head -n 12
	$(BIN)/primed search --file corpora/samples/datasheets/ledgerflow-platform.md --title CFO -k 2
	$(BIN)/primed search "phishing-resistant MFA and SCIM provisioning" --title CISO --industry healthcare -k 3

test: install
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

clean:
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache .mypy_cache .ruff_cache
