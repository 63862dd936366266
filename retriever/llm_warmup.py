"""Load the LLM in the background when a server starts, and say when it is ready.

`start_warmup(backend)` returns at once; a daemon thread builds the chat model, loads the local GGUF (several
seconds, ~1 GB) and runs one query translation so that llama.cpp has the translation prompt evaluated. Until then
`warming(config)` is true and English questions are searched with the glossary alone (no question waits for the
load); `warmup_status()` is what `/health` and the UI show. The CLI never starts a warm-up, so there a translation
loads the model when it is first needed, as before.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from retriever.llm import LLMConfig, get_chat_model
from retriever.translate import translate_query

log = logging.getLogger(__name__)

#: The question translated once at start-up (its prompt prefix is the one every translation shares).
WARMUP_QUESTION = "How much funding does a company get for each postdoc it recruits?"


@dataclass
class Warmup:
    """The state of one back-end's background load: off | loading | ready | failed."""

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
        return {"backend": self.backend, "state": self.state, "ready": self.state in ("ready", "off"),
                "seconds": seconds, "error": self.error, "message": self.message()}

    def message(self) -> str:
        if self.state == "loading":
            return (f"loading the {self.backend} LLM in the background; English questions use the glossary "
                    "until it is ready")
        if self.state == "ready":
            return f"{self.backend} LLM ready"
        if self.state == "failed":
            return f"{self.backend} LLM unavailable ({self.error}); English questions use the glossary"
        return "no LLM: English questions use the glossary"


_lock = threading.Lock()
_current = Warmup("none")


def warmup_status() -> dict[str, Any]:
    """The current warm-up, for `/health` and the UI."""
    return _current.to_dict()


def warming(config: LLMConfig) -> bool:
    """True while a background load of this configuration is still running (callers then skip the LLM)."""
    current = _current
    return current.state == "loading" and current.config == config


def start_warmup(backend: str | None, config: LLMConfig | None = None) -> Warmup:
    """Start loading the LLM of `backend` in a daemon thread (no-op for none; quick for openai)."""
    global _current
    backend = backend or "none"
    if backend == "none":
        with _lock:
            _current = Warmup("none")
        return _current
    config = config or LLMConfig.from_env(backend=backend)
    warm = Warmup(backend, "loading", started=time.monotonic(), config=config)
    with _lock:
        _current = warm
    print(f"gazette: loading the {backend} LLM in the background (/health says when it is ready)", file=sys.stderr,
          flush=True)
    threading.Thread(target=_load, args=(warm,), name="llm-warmup", daemon=True).start()
    return warm


def _load(warm: Warmup) -> None:
    try:
        model = get_chat_model(warm.config)
        if model is not None and warm.backend == "local":
            translate_query(WARMUP_QUESTION, model)
        warm.state = "ready"
    except Exception as exc:  # noqa: BLE001 - the product works without the LLM
        warm.state, warm.error = "failed", str(exc)
        log.warning("LLM warm-up failed: %s", exc)
    warm.finished = time.monotonic()
    print(f"gazette: {warm.message()} ({warm.finished - (warm.started or warm.finished):.1f} s)", file=sys.stderr,
          flush=True)
