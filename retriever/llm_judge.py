"""The local LLM as a yes/no judge: P(this clause answers the question), read from the answer token's
log-probabilities — one more feature for the answer decision, used only when the local model is present.

Bounded: at most `TOP` candidates per question and a time budget per question (`Settings.judge_budget`, seconds);
a candidate not judged in time has no judgment (the decision then uses the model without the judge). Cached by
(question, clause id) in memory and, when given a file, on disk (JSON lines, reused by `eval`).
"""
from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import prompts
from retriever.llm import DEFAULT_LOCAL_MODEL, _load_llama, llama_cpp_available

PROMPT_NAME = "judge_relevance"
TOP = 3
DEFAULT_BUDGET = 1.5
MAX_CLAUSE_CHARS = 360
_YES = ("yes", "是", "Yes", "YES", "是的")
_NO = ("no", "否", "No", "NO", "不")


class LocalJudge:
    """Yes/no relevance judgments by the local GGUF model (loaded once per process)."""

    def __init__(self, model_path: Path | str = DEFAULT_LOCAL_MODEL, cache_file: Path | None = None,
                 budget: float | None = None, n_threads: int | None = None) -> None:
        self.model_path = str(model_path)
        self.budget = budget if budget is not None else DEFAULT_BUDGET
        self.n_threads = n_threads
        self.cache_file = cache_file
        self._cache: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        if cache_file is not None and cache_file.is_file():
            for line in cache_file.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                self._cache[(row["q"], row["id"])] = float(row["p"])

    @staticmethod
    def available(model_path: Path | str = DEFAULT_LOCAL_MODEL) -> bool:
        return Path(model_path).is_file() and llama_cpp_available()

    def _llama(self) -> Any:
        return _load_llama(self.model_path, 1024, self.n_threads)

    def p_yes(self, question: str, clause_id: str, clause_text: str) -> float:
        """P(yes) for one pair (cached)."""
        key = (question, clause_id)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        prompt = (f"<|im_start|>system\n{prompts.load(PROMPT_NAME)}<|im_end|>\n<|im_start|>user\n"
                  f"问题 / Question: {question}\n\n条文 / Clause: {clause_text[:MAX_CLAUSE_CHARS]}\n\n"
                  "Does the clause answer the question? yes or no.<|im_end|>\n<|im_start|>assistant\n")
        with self._lock:        # one evaluation at a time on the shared model
            p = _p_yes(self._llama(), prompt)
            self._cache[key] = p
            if self.cache_file is not None:
                with self.cache_file.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"q": question, "id": clause_id, "p": round(p, 5)},
                                        ensure_ascii=False) + "\n")
        return p

    def judge(self, question: str, clauses: Sequence[Any]) -> dict[str, float]:
        """P(yes) for up to `TOP` clauses in order, within the time budget (cached pairs cost nothing)."""
        started = time.perf_counter()
        out: dict[str, float] = {}
        for c in list(clauses)[:TOP]:
            cached = self._cache.get((question, c.id))
            if cached is None and time.perf_counter() - started > self.budget:
                break
            out[c.id] = cached if cached is not None else self.p_yes(question, c.id, c.text)
        return out


def _p_yes(llama: Any, prompt: str) -> float:
    """P(yes) / (P(yes) + P(no)) from the next-token logits after `prompt` (the prompt's common prefix with
    the previous evaluation is reused: the question comes before the clause)."""
    tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    done = list(llama.input_ids[:llama.n_tokens])
    keep = 0
    for a, b in zip(done, tokens[:-1]):
        if a != b:
            break
        keep += 1
    llama.n_tokens = keep
    llama.eval(tokens[keep:])
    logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),))
    yes, no = _answer_tokens(llama)
    top = max(float(logits[i]) for i in yes + no)
    py = sum(math.exp(float(logits[i]) - top) for i in yes)
    pn = sum(math.exp(float(logits[i]) - top) for i in no)
    return py / (py + pn)


def _answer_tokens(llama: Any) -> tuple[list[int], list[int]]:
    """Token ids of the one-token yes and no answers."""
    def first(words: tuple[str, ...]) -> list[int]:
        ids = [llama.tokenize(w.encode("utf-8"), add_bos=False) for w in words]
        return sorted({t[0] for t in ids if len(t) == 1})
    return first(_YES), first(_NO)


_JUDGES: dict[tuple[str, float], LocalJudge] = {}


def judge_for(backend: str | None, model_path: Path | str = DEFAULT_LOCAL_MODEL, enabled: bool = False,
              budget: float = DEFAULT_BUDGET) -> LocalJudge | None:
    """The judge for an LLM back-end: only `local`, only when `enabled` (`Settings.judge`, GAZETTE_JUDGE=1; off by
    default: see eval/results for its figures) and the model can run."""
    return local_judge(model_path, budget) if backend == "local" and enabled else None


def local_judge(model_path: Path | str = DEFAULT_LOCAL_MODEL, budget: float = DEFAULT_BUDGET) -> LocalJudge | None:
    """The shared judge for `model_path`, or None when the model or llama-cpp-python is missing."""
    if not LocalJudge.available(model_path):
        return None
    key = (str(model_path), budget)
    if key not in _JUDGES:
        _JUDGES[key] = LocalJudge(model_path, budget=budget)
    return _JUDGES[key]
