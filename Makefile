# EvalBoard (绩效评价看板): build, run and test.
# Needs only python3 (with the venv module) and make; everything else goes into $(VENV).

PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
PIP := $(PYTHON) -m pip
STREAMLIT := $(BIN)/streamlit
RUFF := $(BIN)/ruff
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

.PHONY: help venv dev run test lint clean distclean

help:
	@echo "make venv       create $(VENV) and install $(REQ_RUN)"
	@echo "make dev        also install $(REQ_DEV) (pytest, pytest-xdist, playwright, ruff, mypy, hypothesis)"
	@echo "make run        start the app on http://localhost:$(PORT)"
	@echo "make test       ruff check, mypy (evalcore, components), then the whole pytest suite on PYTEST_WORKERS=$(PYTEST_WORKERS)"
	@echo "                pytest-xdist workers (browser and cluster tests use /usr/bin/chromium; PYTEST_WORKERS=0: one process)"
	@echo "make lint       ruff check and mypy"
	@echo "make clean      remove caches; make distclean also removes $(VENV)"

$(PYTHON):
	$(PY) -m venv $(VENV)

$(STAMP_RUN): $(REQ_RUN) | $(PYTHON)
	$(PIP) install --disable-pip-version-check -r $(REQ_RUN)
	@touch $@

$(STAMP_DEV): $(REQ_DEV) $(REQ_RUN) | $(PYTHON)
	$(PIP) install --disable-pip-version-check -r $(REQ_DEV)
	@# requirements-dev.txt includes requirements.txt, so the runtime set is installed too.
	@touch $(STAMP_RUN) $@

venv: $(STAMP_RUN)

dev: $(STAMP_DEV)

run: venv
	$(STREAMLIT) run serve.py --server.port $(PORT) --server.headless true

lint: dev
	$(RUFF) check .
	$(PYTHON) -m mypy

test: dev
	$(RUFF) check .
	$(PYTHON) -m mypy
	$(PYTHON) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache .hypothesis test-results

distclean: clean
	rm -rf $(VENV)
