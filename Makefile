# Two commands for everyone:  `make lab`  (JupyterLab)  and  `make test`  (the whole suite).
# Everything else is for maintainers (see README).  Override variables: make lab PORT=9999
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8888
NO_BROWSER ?=
LAB_ARGS ?=
PYTEST_ARGS ?=
NB ?=
BIN := $(VENV)/bin
PY := $(BIN)/python
UV := $(PY) -m uv
STAMP := $(VENV)/.installed
# One thread per kernel: pytest-xdist already runs one kernel per core.
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# The version matrix (constraints/NAME.txt each) and everything CI runs, in one place.
STACKS := colab-py313 colab-py312 oldest newest
CI_TARGETS := test test-browser $(addprefix test-,$(STACKS)) test-grade

.PHONY: help install lab test test-browser test-matrix $(addprefix test-,$(STACKS)) ci ci-targets \
        execute figures readme bench lint clean grade test-grade twins stamp checks stamp-messages

help:
	@echo "make lab           start JupyterLab on notebooks/ (HOST=$(HOST) PORT=$(PORT) NO_BROWSER=1 LAB_ARGS=...)"
	@echo "make test          set up .venv if needed, then run the whole test suite"
	@echo "make test-browser  Restart & Run All of every notebook in JupyterLab in chromium, and the explorers"
	@echo "make test-matrix   every notebook on each stack: $(STACKS)"
	@echo "make ci            everything CI runs: $(CI_TARGETS)"
	@echo "make execute       re-run notebooks top to bottom in place (NB='path ...' for some)"
	@echo "make figures       regenerate figures/;  make readme: README tables and Colab badges"
	@echo "make bench         the suite's time against its floor (kernel start + imports)"
	@echo "make twins         translated cells out of step with their twin;  make stamp NB=path [CELLS='3 7']"
	@echo "make checks        render each workbook's checks cell from autograd_checks/ (make stamp-messages: catalogues)"
	@echo "make grade         grade a class: SUBMISSIONS=folder of .ipynb [GRADES=grades GRADE_ARGS=...]"
	@echo "make test-grade    the grader's fixture class, end to end (one sandboxed kernel each)"

# A missing or too old Python stops make with one line that says what is needed.
ifeq ($(wildcard $(PY)),)
ifneq ($(filter-out help clean ci-targets,$(or $(MAKECMDGOALS),help)),)
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

# uv installs everything: it links files from its cache instead of copying them.  It also
# compiles bytecode at install time, as pip does: a kernel that must compile torch's sources
# at every start (where .pyc files are never written) starts several times slower.
UV_INSTALL := $(UV) pip install --compile-bytecode --python $(PY)
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv

# Reinstalls only when requirements.txt changes.  d2l goes in with --no-deps: its pins
# (numpy==1.23.5, ...) cannot install on Python 3.12+ and would downgrade everything else.
$(STAMP): requirements.txt | $(PY)
	$(UV_INSTALL) -r requirements.txt
	$(UV_INSTALL) --no-deps d2l==1.0.3
	@touch $@

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks \
	  --ip=$(HOST) --port=$(PORT) $(if $(NO_BROWSER),--no-browser) \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(PY) -m pytest -n 0 -m browser tests/test_lab.py tests/test_browser.py tests/test_explorers.py $(PYTEST_ARGS)

# One stack of the matrix: its venv (.venv-NAME, built by uv from constraints/NAME.txt), then
# strict nbval on every notebook with that stack's packages, and its own tests.
$(addprefix test-,$(STACKS)): test-%: $(STAMP)
	$(PY) tools/stacks.py test $* $(PYTEST_ARGS)

test-matrix: $(addprefix test-,$(STACKS))

# .ci/run and every job of .github/workflows/ci.yml run these targets and nothing else.
ci:
	@failed=""; for t in $(CI_TARGETS); do $(MAKE) --no-print-directory $$t || failed="$$failed $$t"; done; \
	  if [ -n "$$failed" ]; then echo "CI failed:$$failed"; exit 1; fi; echo "CI passed: $(CI_TARGETS)"

ci-targets:
	@echo $(CI_TARGETS)

execute: $(STAMP)
	$(PY) tools/execute.py $(NB)

figures: $(STAMP)
	$(PY) tools/figures.py

readme: $(STAMP)
	$(PY) tools/readme.py

# The two editions (tools/editions.py): which translated cells changed since they were last stamped,
# and stamping a pair of cells once both say the same thing again.
twins: $(STAMP)
	$(PY) tools/editions.py status

stamp: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make stamp NB=notebooks/zh/NAME.ipynb [CELLS='3 7']"; exit 2; }
	$(PY) tools/editions.py stamp $(NB) $(CELLS)

# The workbook's self-checks live in autograd_checks/ (tools/checks.py): render them into each
# edition's workbook, and record the message catalogues' fingerprints once their twins agree.
checks: $(STAMP)
	$(PY) tools/checks.py

stamp-messages: $(STAMP)
	$(PY) tools/checks.py stamp

bench: $(STAMP)
	$(PY) tools/bench.py

# The teacher's grader (grader/): one sandboxed kernel per submission; the judge runs the checks.
SUBMISSIONS ?=
GRADES ?= grades
GRADE_ARGS ?=
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder-of-ipynb [GRADES=$(GRADES)]"; exit 2; }
	$(PY) -m grader "$(SUBMISSIONS)" --out "$(GRADES)" $(GRADE_ARGS)

test-grade: $(STAMP)
	GRADE_CLASS=1 $(PY) -m pytest -n 0 tests/test_grade.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) $(addprefix .venv-,$(STACKS)) .pytest_cache test-artifacts
