# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo demo-roads test lint pytest osrm-install screenshots bench-solomon bench-field bench-scale clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: install
	$(BIN)/fieldplan demo

# The demo on real road times (Andorra, OSRM on loopback).
demo-roads: osrm-install
	$(BIN)/fieldplan demo --roads

test: install lint pytest

lint: install
	$(BIN)/ruff check pathcheck dispatch inventory scenarios fieldplan api tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

pytest: install osrm-install
	$(BIN)/python -m pytest -q

# The OSRM programs (PyPI osrm-bindings wheel) for road travel times and their tests:
# into FIELDPLAN_OSRM_HOME if set, else ~/.cache/fieldplan/osrm; quick when already there.
osrm-install: install
	$(BIN)/fieldplan osrm install

# Screenshots of the board and the engineer's day (desktop and phone) into docs/screenshots/.
screenshots: install
	FIELDPLAN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/web

bench-install: install
	$(BIN)/pip install --quiet -e '.[test,bench]'

clean:
	rm -rf $(VENV) out instance .pytest_cache .mypy_cache .ruff_cache
