# reesim: two commands do all the set-up on a fresh machine with Python 3.11 and make.
#   make run   - create .venv, install reesim, check the data, run the flagship scenario (race), write its report
#   make test  - create .venv, install reesim with its dev tools, run ruff, mypy and pytest (on all cores)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= reports

.PHONY: run test lint typecheck pytest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/reesim flagship --out $(OUT)
	$(BIN)/reesim run race --out $(OUT)

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks scripts examples
	$(BIN)/ruff format --check src tests benchmarks scripts examples

typecheck: $(VENV)/.installed
	$(BIN)/mypy

# Every test on all cores (pytest-xdist; a test file stays on one worker, so its module fixtures
# are built once), then the tests that assert a wall-clock bound, alone. The files of schemathesis
# tests run serially: schemathesis makes an item per API operation under one node id, and
# pytest-xdist, which schedules by node id, would run only one of them.
SERIAL_FILES := tests/test_web_api.py tests/test_web_schema.py
pytest: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not timed" $(addprefix --ignore=,$(SERIAL_FILES))
	$(BIN)/python -m pytest -m timed
	$(BIN)/python -m pytest $(SERIAL_FILES)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) $(OUT) .mypy_cache .pytest_cache .ruff_cache
