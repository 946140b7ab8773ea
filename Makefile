# Everything runs in a project-local virtual environment that the targets create themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint dist-check format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev,bench]'
	touch $(STAMP)

## run: scan this repository and open its dashboard on http://localhost:8000/ (Ctrl+C stops it)
run: $(STAMP)
	$(BIN)/techlead serve .

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -n auto

## lint: ruff, mypy --strict, and techlead's own decision records and their rules
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src
	$(BIN)/techlead adr lint
	$(BIN)/techlead adr check
	$(BIN)/techlead docs lint

## dist-check: build the sdist and the wheel, twine-check them, install the wheel into a fresh
## virtual environment outside the repository and run every command group there once
dist-check: $(STAMP)
	BUILD_PYTHON=$(abspath $(BIN))/python PYTHON=$(PYTHON) .ci/smoke

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

## bench: scan benchmark against git log and PyDriller (REPO=path to a repository)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scan.py $(REPO)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .techlead
