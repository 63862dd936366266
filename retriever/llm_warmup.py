"""Load the LLM in the background when a server starts, and say when it is ready.

`start_warmup(backend)` returns at once; a daemon thread builds the chat model and runs one query translation: for
the local back-end that loads the GGUF (seconds to tens of seconds, ~1 GB) and leaves the translation prompt's
shared prefix evaluated in llama.cpp's cache; for an OpenAI-compatible back-end it is one request. Until then
`warming(config)` is true and English questions are searched with the glossary alone (no question waits for the
load); `warmup_status()` is what `/health` and the UI show. The CLI never starts a warm-up, so there a translation
loads the model when it is first needed, as before.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from retriever.llm import LLMConfig, get_chat_model
from retriever.translate import translate_query

log = logging.getLogger(__name__)

#: Longest wait for an LLM query translation; past it the question is searched with the glossary alone (the
#: translation finishes in the background and is cached for the next time). Glossary and translation reach the same
#: R@5 on the own question set, so a late translation is not worth a slow answer.
TRANSLATION_BUDGET_S = 2.0

#: The question translated once at start-up (its prompt prefix is the one every translation shares).
WARMUP_QUESTION = "How much funding does a company get for each postdoc it recruits?"


@dataclass
class Warmup:
    """The state of the background load: off (not started) | loading | ready | failed (the LLM; search works)."""

    backend: str
    state: str = "off"
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    config: LLMConfig | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        seconds = None
        if self.started is not None:
            seconds = round((self.finished or time.monotonic()) - self.started, 1)
        return {"backend": self.backend, "state": self.state, "ready": self.state != "loading",
                "seconds": seconds, "error": self.error, "message": self.message()}

    def message(self) -> str:
        llm = "" if self.backend == "none" else f" and the {self.backend} LLM"
        if self.state == "loading":
            return f"loading the search models{llm}; English questions use the glossary until ready"
        if self.state == "ready":
            return f"ready (search{llm})" if llm else "ready (no LLM: English questions use the glossary)"
        if self.state == "failed":
            return f"LLM unavailable ({self.error}); English questions use the glossary"
        return "not started"


_lock = threading.Lock()
_current = Warmup("none")


def warmup_status() -> dict[str, Any]:
    """The current warm-up, for `/health` and the UI."""
    return _current.to_dict()


def warming(config: LLMConfig) -> bool:
    """True while a background load of this back-end is still running (callers then skip the LLM)."""
    current = _current
    return current.state == "loading" and current.backend == config.backend


def start_warmup(backend: str | None, config: LLMConfig | None = None,
                 prepare: Callable[[], Any] | None = None) -> Warmup:
    """Start a daemon thread that runs `prepare()` (e.g. one search, so the embedder and jieba are loaded before
    the first question) and then loads the LLM of `backend` (none: nothing more)."""
    global _current
    backend = backend or "none"
    if backend != "none":
        config = config or LLMConfig.from_env(backend=backend)
    warm = Warmup(backend, "loading", started=time.monotonic(), config=config)
    with _lock:
        _current = warm
    what = "the search models" if backend == "none" else f"the search models and the {backend} LLM"
    print(f"gazette: loading {what} in the background (/health says when ready)", file=sys.stderr, flush=True)
    threading.Thread(target=_load, args=(warm, prepare), name="warmup", daemon=True).start()
    return warm


def _load(warm: Warmup, prepare: Callable[[], Any] | None) -> None:
    try:
        if prepare is not None:
            prepare()
        model = get_chat_model(warm.config) if warm.config is not None else None
        if model is not None:
            translate_query(WARMUP_QUESTION, model)   # loads the weights; evaluates the shared prompt prefix
        warm.state = "ready"
    except Exception as exc:  # noqa: BLE001 - the product works without the LLM
        warm.state, warm.error = "failed", str(exc)
        log.warning("warm-up failed: %s", exc)
    warm.finished = time.monotonic()
    print(f"gazette: {warm.message()} ({warm.finished - (warm.started or warm.finished):.1f} s)", file=sys.stderr,
          flush=True)


def within_budget(translate: Callable[[str], str | None],
                  seconds: float = TRANSLATION_BUDGET_S) -> Callable[[str], str | None]:
    """In a server (once `start_warmup` ran), `translate` giving up after `seconds` (None: glossary only); one
    worker, so translations never pile up on the model. Elsewhere (CLI, eval) `translate` as is: it waits."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="translate")

    def call(question: str) -> str | None:
        if _current.state == "off":
            return translate(question)
        future = worker.submit(translate, question)
        try:
            return future.result(timeout=seconds)
        except FutureTimeout:
            log.info("query translation took longer than %.1f s; searching with the glossary alone", seconds)
            return None
    return call
