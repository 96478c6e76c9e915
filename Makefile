# clearance — developer entry points. Works on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)  ## scan the bundled example corpus, decide for commercial training, summarise
	$(BIN)/clearance scan examples/clearance.yaml --out runs/demo --force \
		--purpose commercial-training --overlay eu-gpai
	$(BIN)/clearance show runs/demo

test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

bench: $(STAMP)  ## slow: throughput benchmark (see benchmarks/RESULTS.md)
	$(BIN)/python benchmarks/scan_throughput.py

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache
