# The README's commands. Each target sets up what it needs (a virtual environment in .venv).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Replay the built-in Kazakhstan January 2022 case end to end (and write its HTML report).
demo: $(STAMP)
	$(BIN)/casus replay kz-2022

## The whole test suite (installs Debian's Chromium for the browser tests when it is missing).
test: $(STAMP)
	sh scripts/ensure-chromium
	$(BIN)/pytest -q

## Lint, format check, strict typing, and the layering contract of DESIGN.md.
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## Benchmarks: prints one JSON document of figures, each with its baseline from the same run.
bench: $(STAMP)
	@$(BIN)/python benchmarks/run.py

## The documentation, built strictly (broken links fail) into site/.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet

clean:
	rm -rf $(VENV) .venv-openfisca casus-output site .pytest_cache .mypy_cache .ruff_cache
