# orgsweep developer entry points. `make demo` and `make test` install everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.orgsweep-installed
NODE_STAMP := node_modules/.orgsweep-installed
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: setup layers demo test lint typecheck unit bench clean

setup: $(PY_STAMP) $(NODE_STAMP) layers

$(PY_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "orgsweep needs Python >= 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# The Lambda dependency layers (aarch64 cp312 wheels of pyproject.toml's pins), cached in .cache/layers;
# a no-op when the cache is current. `cdk synth` builds them too if they are missing.
layers: $(PY_STAMP)
	$(PY) -m infra.layers

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(VENV)/bin/orgsweep demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" $(VENV)/bin/pytest -n 2 --dist loadfile

clean:
	rm -rf $(VENV) node_modules cdk.out .cache .pytest_cache .mypy_cache .ruff_cache
