"""Answerability: does the best result actually answer the question, or is it only the nearest text?

The score mixes two signals, each in [0, 1]: how close the best clause is in the embedding space (cosine,
rescaled over the range e5 similarities occupy) and how much of the question's content the top clauses cover
(Chinese: query words found in them; English: words the glossary can put into Chinese that are found in them,
counting English words it cannot map as uncovered). The threshold is calibrated on the question set
(`gazette eval`) and stored in `retriever/data/answerability.json`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from index.tokenize import tokenize_zh
from retriever.glossary import Glossary
from retriever.query import detect_language
from retriever.scope import unknown_places
from retriever.search import Hit, Searcher, SearchResult

CONFIG = Path(__file__).with_name("data") / "answerability.json"
DEFAULTS = {"threshold": 0.5, "dense_floor": 0.80, "dense_span": 0.08, "dense_weight": 0.5, "top_n": 3}
LANGS = ("zh", "en")

#: Question words that carry no content.
ZH_QUESTION_WORDS = frozenset(
    "多少 什么 哪些 哪个 哪里 如何 怎么 怎样 是否 可以 能否 有没有 有 吗 呢 请问 请 一下 需要 要 我 我们 你 您 的 是 "
    "谁 何时 什么时候 多久 为什么 给予 给 对 关于 相关 规定 政策 哪 几".split())
EN_STOPWORDS = frozenset(
    "a an the of for to in on at by with and or is are was were be been do does did can could will would should "
    "what which who whom whose when where why how much many any there this that these those it its i we you my our "
    "your they them their get gets got give given if as from about into per each me us tell please than then so "
    "does doing have has had not no yes one all some more most up "
    "agency agencies department departments body unit units lead leads leading led charge responsible "
    "deadline due date time finish finished complete completed completion by when support supports "
    "policy policies rule rules provide provides provided offer offers available eligible "
    "chongqing company companies firm firms enterprise enterprises business businesses".split())


@lru_cache(maxsize=1)
def load_config() -> dict[str, dict[str, float]]:
    """Per-language parameters: defaults, overridden by `answerability.json` (`{"zh": {...}, "en": {...}}`)."""
    saved = json.loads(CONFIG.read_text(encoding="utf-8")) if CONFIG.is_file() else {}
    return {lang: {**DEFAULTS, **saved.get(lang, {})} for lang in LANGS}


@dataclass
class Answerability:
    score: float
    answerable: bool
    dense: float
    coverage: float
    places_not_covered: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "answerable": self.answerable,
                "dense": round(self.dense, 4), "coverage": round(self.coverage, 4),
                "places_not_covered": self.places_not_covered}


def _zh_coverage(query: str, texts: str) -> float:
    words = [w for w in tokenize_zh(query) if w not in ZH_QUESTION_WORDS and len(w) > 1]
    if not words:
        return 0.0
    return sum(1 for w in dict.fromkeys(words) if w in texts) / len(dict.fromkeys(words))


def _en_coverage(query: str, texts: str, glossary: Glossary | None) -> float:
    """Share of the English content words the glossary maps to Chinese that the top clauses contain.

    Words the glossary cannot map are ignored, but at least half of the content words count in the
    denominator, so a question the glossary barely understands cannot score high."""
    words = list(dict.fromkeys(w for w in re.findall(r"[A-Za-z][A-Za-z\-']+|\d+", query.lower())
                               if w not in EN_STOPWORDS))
    if not words or glossary is None:
        return 0.0
    mapped = found = 0
    for word in words:
        terms = glossary.expand_english(word)
        if word.isdigit() or (word.isascii() and len(word) > 1 and re.search(rf"\b{re.escape(word)}\b", texts, re.I)):
            mapped += 1
            found += 1
        elif terms:
            mapped += 1
            found += any(t in texts for t in terms)
    return found / max(mapped, len(words) / 2)


def assess(query: str, lang: str, hits: list[Hit], glossary: Glossary | None = None, translation: str | None = None,
           config: dict[str, float] | None = None) -> Answerability:
    """Score how well `hits` answer `query` (see module doc)."""
    cfg = config or load_config()["zh" if lang == "zh" else "en"]
    if not hits:
        return Answerability(0.0, False, 0.0, 0.0)
    top = hits[: int(cfg["top_n"])]
    texts = "\n".join(h.clause.text + " " + " ".join(h.clause.path) for h in top)
    dense = max(h.dense for h in top)
    dense_part = min(max((dense - cfg["dense_floor"]) / cfg["dense_span"], 0.0), 1.0)
    if lang == "zh":
        coverage = _zh_coverage(query, texts)
    else:
        coverage = _en_coverage(query, texts, glossary)
        if translation:
            coverage = max(coverage, _zh_coverage(translation, texts))
    w = cfg["dense_weight"]
    score = w * dense_part + (1 - w) * coverage
    return Answerability(score, score >= cfg["threshold"], dense, coverage)


def judge(result: SearchResult, searcher: Searcher) -> Answerability:
    """The decision for a search result: a clause the question names by number answers it; a question about a city
    the documents never mention does not; otherwise the calibrated score decides."""
    judged = assess(result.query, result.lang, result.hits, searcher.glossary, result.translation)
    if result.named:
        judged.answerable, judged.score = True, max(judged.score, 1.0)
        return judged
    judged.places_not_covered = unknown_places(result.query, result.lang, searcher.corpus_text)
    if judged.places_not_covered:
        judged.answerable = False
    return judged


def is_answerable(query: str, hits: list[Hit], lang: str | None = None, glossary: Glossary | None = None
                  ) -> tuple[bool, float]:
    """(answerable, score) for a query and its hits."""
    result = assess(query, lang or detect_language(query), hits, glossary)
    return result.answerable, result.score
