"""Wall-clock spans of the parts of an answer, for `eval.bench_answer --spans`.

`Spans.attach(service)` wraps the service's objects (instance attributes and a few module functions, restored by
`detach`) so that each call of a part adds its wall time to the current question; `Spans.question(lang)` closes
the question. Spans are inclusive (`retrieve.fused` holds its `dense`, `bm25` and `fuse`), so the table lists
them with their parent. `model` is the embedder's own model call on its pool thread (`embed` minus the
queue).
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

import chat.compose
import chat.service
import retriever.decision
import retriever.search

#: (span name, owner getter, attribute): what `attach` wraps, parents before children.
PARTS: tuple[tuple[str, Callable[[Any], Any], str], ...] = (
    ("retrieve.expand (glossary + title topics)", lambda s: s.searcher, "expand"),
    ("retrieve.lexicon", lambda s: s.searcher, "lexicon_terms"),
    ("retrieve.variants (code-mixed form)", lambda s: s.searcher, "_variants"),
    ("retrieve.priors", lambda s: retriever.search, "doc_priors"),
    ("retrieve.embed (queue + model)", lambda s: s.searcher, "_embed"),
    ("  .model call", lambda s: getattr(s.searcher.embedder, "pool", None), "fn"),
    ("retrieve.fused (per pass, without embedding)", lambda s: s.searcher, "_fused"),
    ("  .dense search", lambda s: s.searcher.store.dense, "search"),
    ("  .bm25 search", lambda s: s.searcher.store, "bm25_search"),
    ("  .tokenize (jieba)", lambda s: retriever.search, "tokenize_zh"),
    ("  .fuse", lambda s: s.searcher, "fuse"),
    ("retrieve.named documents", lambda s: s.searcher.documents, "named"),
    ("retrieve.document-aware pass", lambda s: s.searcher, "_document_aware"),
    ("retrieve.referenced (numbers)", lambda s: retriever.search, "referenced"),
    ("decide.gather (features)", lambda s: retriever.decision, "gather"),
    ("compose.citations", lambda s: chat.compose, "make_citation"),
    ("compose.answer card", lambda s: chat.service, "compose_answer"),
    ("compose.translations", lambda s: s, "translations"),
)


class Spans:
    """Per-question wall time of the wrapped parts, by question language."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.done: dict[str, list[tuple[dict[str, float], dict[str, int]]]] = defaultdict(list)
        self._restore: list[tuple[Any, str, Any, bool]] = []

    def _wrap(self, owner: Any, attr: str, name: str) -> None:
        fn = getattr(owner, attr)
        had = attr in vars(owner)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[name] += (time.perf_counter() - t0) * 1000
                self.calls[name] += 1

        self._restore.append((owner, attr, fn, had))
        setattr(owner, attr, timed)

    def attach(self, service: Any) -> Spans:
        """Wrap the parts of `service` (those it has: a model call only for a pooled embedder)."""
        for name, owner_of, attr in PARTS:
            owner = owner_of(service)
            if owner is not None and hasattr(owner, attr):
                self._wrap(owner, attr, name)
        return self

    def detach(self) -> None:
        """Put every wrapped attribute back."""
        for owner, attr, fn, had in reversed(self._restore):
            if had:                 # a module function or an instance attribute: put it back
                setattr(owner, attr, fn)
            else:                   # a bound method: drop the wrapper, the class's method shows again
                delattr(owner, attr)
        self._restore.clear()

    def question(self, lang: str) -> None:
        """Close the current question (asked in `lang`)."""
        self.done[lang].append((dict(self.current), dict(self.calls)))
        self.current.clear()
        self.calls.clear()

    def table(self) -> str:
        """Markdown: per language and part, calls per question, p50 over the questions that ran it, mean per
        question (all questions)."""
        rows = ["| lang | part | questions | calls / question | p50 ms (when run) | mean ms / question |",
                "| --- | --- | ---: | ---: | ---: | ---: |"]
        for lang, per_q in self.done.items():
            for name, _, _ in PARTS:
                ran = [ms.get(name, 0.0) for ms, calls in per_q if calls.get(name)]
                if not ran:
                    continue
                calls = sum(c.get(name, 0) for _, c in per_q) / len(per_q)
                mean = sum(ran) / len(per_q)
                rows.append(f"| {lang} | {name} | {len(ran)} | {calls:.2f} | {np.median(ran):.2f} | {mean:.2f} |")
        return "\n".join(rows)
