# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint pytest bench-solomon bench-field bench-scale clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: install
	$(BIN)/fieldplan demo

test: install lint pytest

lint: install
	$(BIN)/ruff check dispatch scenarios fieldplan tests benchmarks
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest -q

bench-install: install
	$(BIN)/pip install --quiet -e '.[test,bench]'

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
