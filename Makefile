# EvalBoard (绩效评价看板): build, run and test.
# Needs only python3 (with the venv module) and make; everything else goes into $(VENV).

PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
PIP := $(PYTHON) -m pip
STREAMLIT := $(BIN)/streamlit
RUFF := $(BIN)/ruff
LINT_IMPORTS := $(BIN)/lint-imports
PORT ?= 8501

REQ_RUN := requirements.txt
REQ_DEV := requirements-dev.txt
STAMP_RUN := $(VENV)/.stamp-run
STAMP_DEV := $(VENV)/.stamp-dev

# Extra pytest arguments, e.g. `make test PYTEST_ARGS='-m "not browser"'`.
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` (each with its own Chromium, servers, temp dirs and store); whole test files
# go to one worker (--dist loadfile), so a module's server is started once. 2 fits a 2-core machine; 0 runs
# everything in this one process.
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help

# `make unit`: the tests that need neither Chromium nor PostgreSQL nor nginx (evalcore, components, AppTest pages),
# on UNIT_WORKERS pytest-xdist workers. The PostgreSQL variants and the browser and cluster tests are left out.
UNIT_PATHS := tests/unit tests/components tests/apptest tests/test_no_streamlit_in_evalcore.py
UNIT_WORKERS ?= 2

.PHONY: help venv dev run test unit lint clean distclean

help:
	@echo "make venv       create $(VENV), install $(REQ_RUN) and the project itself (pip install -e .)"
	@echo "make dev        also install $(REQ_DEV) (pytest, pytest-xdist, playwright, ruff, mypy, hypothesis)"
	@echo "make run        start the app on http://localhost:$(PORT)"
	@echo "make test       ruff check, mypy (everything but the tests), lint-imports (the layers), then the whole pytest suite on PYTEST_WORKERS=$(PYTEST_WORKERS)"
	@echo "                pytest-xdist workers (browser and cluster tests use /usr/bin/chromium; PYTEST_WORKERS=0: one process)"
	@echo "make unit       the quick tests: evalcore, components and AppTest pages, no Chromium, PostgreSQL or nginx"
	@echo "                (UNIT_WORKERS=$(UNIT_WORKERS) xdist workers; a few minutes). CI runs make test, the whole suite"
	@echo "make lint       ruff check, mypy and lint-imports (the layers in pyproject.toml)"
	@echo "make clean      remove caches; make distclean also removes $(VENV)"

$(PYTHON):
	$(PY) -m venv $(VENV)

# The project is installed editable (pyproject.toml; its dependencies are requirements.txt): evalcore, components and
# sample_data import from any folder, with no sys.path edits.
$(STAMP_RUN): $(REQ_RUN) pyproject.toml | $(PYTHON)
	$(PIP) install --disable-pip-version-check -r $(REQ_RUN) -e .
	@touch $@

$(STAMP_DEV): $(REQ_DEV) $(REQ_RUN) pyproject.toml | $(PYTHON)
	$(PIP) install --disable-pip-version-check -r $(REQ_DEV) -e .
	@# requirements-dev.txt includes requirements.txt, so the runtime set is installed too.
	@touch $(STAMP_RUN) $@

venv: $(STAMP_RUN)

dev: $(STAMP_DEV)

run: venv
	$(STREAMLIT) run serve.py --server.port $(PORT) --server.headless true

lint: dev
	$(RUFF) check .
	$(PYTHON) -m mypy
	$(LINT_IMPORTS)

test: dev
	$(RUFF) check .
	$(PYTHON) -m mypy
	$(LINT_IMPORTS)
	$(PYTHON) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

unit: dev
	EVALBOARD_TEST_POSTGRES_URL= EVALBOARD_CI= $(PYTHON) -m pytest -n $(UNIT_WORKERS) --dist loadfile \
		-m "not browser and not cluster" $(UNIT_PATHS) $(PYTEST_ARGS)

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .hypothesis test-results

distclean: clean
	rm -rf $(VENV)
