# neurona: two commands do all the set-up on a fresh machine.
#   make lab    create .venv (once), install the kit with pinned dependencies, open JupyterLab
#   make test   the same set-up, then the whole test suite
# Other targets: make lab-es (the Spanish notebooks, the kit in Spanish), make lint,
# make lock (maintainers), make clean.

SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.neurona-installed
PYTEST_ARGS ?=
# Test processes: the suite keeps about one core busy (kernels starting, TensorFlow importing,
# the browser waiting), so two workers halve its time on a 2-core machine. make test TEST_WORKERS=0
# runs it in one process.
TEST_WORKERS ?= 2

# TensorFlow 2.21 publishes wheels for Python 3.10-3.13: take the first such interpreter found.
PYTHON ?= $(shell for p in python3 python3.12 python3.11 python3.13 python3.10 python; do \
	$$p -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' >/dev/null 2>&1 \
	&& { command -v $$p; break; }; done)

.PHONY: lab lab-es test lint lock clean

# JupyterLab refuses to run as root unless told; containers and some hubs run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG)

# La edición en español: los cuadernos de notebooks/es/, con el kit en español.
lab-es: $(STAMP)
	NEURONA_LANG=es $(BIN)/jupyter lab --ServerApp.root_dir=notebooks/es $(ROOT_FLAG)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks course tools

# Installs again only when the dependencies change; a second `make lab` starts at once.
$(STAMP): pyproject.toml requirements/lock.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "neurona needs Python 3.10, 3.11, 3.12 or 3.13 (TensorFlow has no wheels for other versions)."; \
	  echo "Install one, or name it: make PYTHON=/path/to/python3.12 lab"; exit 1; fi
	@if [ ! -x $(BIN)/python ]; then \
	  echo "Creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV) || exit 1; fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/lock.txt -e ".[lab,test,backends,grading]"
	@touch $(STAMP)
	@echo "neurona is installed in $(VENV)."

# Maintainers: re-pin every dependency for all supported Pythons and platforms at once.
lock:
	uv pip compile pyproject.toml --extra lab --extra test --extra backends --extra grading --universal --python-version 3.10 \
	  --no-header --no-annotate -o requirements/lock.txt

# Maintainers, after `make lock`: binder/requirements.txt, the lock's pins for Binder
# (CPython 3.11, Linux x86_64), which Binder installs before it copies the repository.
# Offline; it reads each package's requirements from $(VENV), so run it with Python 3.11.
.PHONY: binder
binder: $(STAMP)
	$(BIN)/python tools/binder_requirements.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
