# Two commands for everyone:  `make lab`  (JupyterLab)  and  `make test`  (the whole suite).
# Everything else here is for maintainers.  Variables can be overridden: make lab PORT=9999
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8888
NO_BROWSER ?=
LAB_ARGS ?=
PYTEST_ARGS ?=
D2L := d2l==1.0.3
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# One thread per kernel: pytest-xdist already runs one kernel per core.
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYDEVD_DISABLE_FILE_VALIDATION=1

.PHONY: help install lab test test-browser test-colab test-all execute figures badges bench lint clean

help:
	@echo "make lab          start JupyterLab on notebooks/ (HOST=$(HOST) PORT=$(PORT) NO_BROWSER=1 LAB_ARGS=...)"
	@echo "make test         set up .venv if needed, then run the whole test suite"
	@echo "make test-browser Restart & Run All of every notebook in a real browser (chromium)"
	@echo "make test-colab   run every notebook in a Colab-like Python 3.12+ venv without d2l"
	@echo "make execute      re-run notebooks top to bottom in place (NB='path ...' for some)"
	@echo "make figures      regenerate everything in figures/"
	@echo "make badges       re-stamp the Open-in-Colab links from pyproject.toml's colab-repo"
	@echo "make bench        measure the suite against its floor (kernel start + imports)"

# A missing or too old Python stops make with one line that says what is needed.
ifeq ($(wildcard $(PY)),)
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),help)),)
PY_FOUND := $(shell command -v $(PYTHON) 2>/dev/null)
ifeq ($(PY_FOUND),)
$(error '$(PYTHON)' not found: Python 3.10 or newer is needed; install it, or run: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS))
endif
PY_VERSION := $(shell $(PYTHON) -c 'import sys; print("ok" if sys.version_info >= (3, 10) else sys.version.split()[0])' 2>/dev/null)
ifneq ($(PY_VERSION),ok)
$(error Python 3.10 or newer is needed, but '$(PYTHON)' $(if $(PY_VERSION),is $(PY_VERSION),does not run); run: make PYTHON=python3.12 $(MAKECMDGOALS) (any 3.10+))
endif
endif
endif

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when requirements.txt changes.  d2l goes in with --no-deps: its pins
# (numpy==1.23.5, ...) cannot install on Python 3.12+ and would downgrade everything else.
$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	$(PY) -m pip install --no-deps $(D2L)
	@touch $@

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks \
	  --ip=$(HOST) --port=$(PORT) $(if $(NO_BROWSER),--no-browser) \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -n 0 -m browser tests/test_browser.py $(PYTEST_ARGS)

# The Colab simulation: a separate Python 3.12+ venv with only what Colab preinstalls (no d2l).
COLAB_VENV ?= .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed
COLAB_PACKAGES := torch torchvision "numpy>=2" matplotlib pandas scipy requests pillow ipykernel

$(COLAB_STAMP): | $(STAMP)
	@py="$(COLAB_PYTHON)"; [ -n "$$py" ] || py=$$($(PY) tests/maint.py colab-python) || exit 1; \
	  echo "Colab simulation venv with $$py"; $$py -m venv --clear $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install $(COLAB_PACKAGES)
	@touch $@

test-colab: $(STAMP) $(COLAB_STAMP)
	COLAB_VENV=$(COLAB_VENV) $(TEST_ENV) $(PY) -m pytest -n 0 -m colab tests/test_colab_sim.py $(PYTEST_ARGS)

test-all: test test-browser test-colab

execute: $(STAMP)
	$(TEST_ENV) $(PY) tests/maint.py execute $(NB)

figures: $(STAMP)
	$(PY) figures/make_figures.py

badges: $(STAMP)
	$(PY) tests/maint.py badges

bench: $(STAMP)
	$(PY) tests/maint.py bench

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(COLAB_VENV) .pytest_cache test-artifacts
