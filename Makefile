# gongkai: make run | make test | make ui | make bench
# Installation is idempotent: .venv/.installed is a stamp newer than pyproject.toml once `-e .[dev]` is installed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV := $(shell command -v uv 2>/dev/null)

.PHONY: install run test ui bench

$(STAMP): pyproject.toml
	@if [ -z "$(UV)" ] && ! $(PYTHON) -m uv --version >/dev/null 2>&1; then $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv; fi
	@UV_BIN="$$(command -v uv || echo '$(PYTHON) -m uv')"; \
	  [ -x $(PY) ] || $$UV_BIN venv --python $(PYTHON) $(VENV); \
	  $$UV_BIN pip install --compile-bytecode --python $(PY) -e '.[dev]'
	$(PY) -m compileall -q dagster_project  # the editable project's own bytecode: `gongkai parse` starts ~1/3 faster
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/gongkai run

test: install
	@bash tests/browser_setup.sh  # Debian's chromium for tests/test_browser.py (as root, if missing; never fails)
	$(VENV)/bin/pytest -q

# ui runs from inside DAGSTER_HOME: `dagster dev` warns about a dagster.yaml in its working folder that is not DAGSTER_HOME's
ui: install
	mkdir -p .dagster_home && cp -n dagster.yaml .dagster_home/dagster.yaml 2>/dev/null || true
	cd .dagster_home && DAGSTER_HOME=$(CURDIR)/.dagster_home $(CURDIR)/$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000 \
	  -w $(CURDIR)/workspace.yaml

bench: install
	$(PY) benchmarks/bench.py $(BENCH_ARGS)
