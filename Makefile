# Two commands for a newcomer: `make run` (demo on SQLite) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test bench clean

$(BIN)/firstline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

run: $(BIN)/firstline
	$(BIN)/firstline demo

test: $(BIN)/firstline
	$(BIN)/pytest -q -p no:cacheprovider

bench: $(BIN)/firstline
	$(BIN)/python -m ops.bench.run

clean:
	rm -rf $(VENV) var .pytest_cache
