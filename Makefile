# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

# `make run PORT=8600` serves on another port; without it, $STREAMLIT_SERVER_PORT, else 8501.
PORT ?=
SERVE_FLAGS := $(if $(strip $(PORT)),--port $(strip $(PORT)))

.PHONY: run demo test e2e lint typecheck bench bench-load clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/tightrope run $(SERVE_FLAGS)

demo: $(STAMP)
	$(BIN)/tightrope demo $(SERVE_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest

e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e -m e2e

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# The practice server under load (issue 16): PostgreSQL, the local provider, 20 browser sessions
# for 3 minutes. Not part of `make bench` or `make test`. `make bench-load LOAD_ARGS="--minutes 1"`.
LOAD_ARGS ?=
bench-load: $(STAMP)
	$(BIN)/python -m benchmarks.practice_load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
