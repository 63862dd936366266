"""jieba tokens for BM25 (documents and queries, including English queries' Chinese expansions).

Search mode (`cut_for_search`) also emits the sub-words of long compounds (博士后 → 博士, 博士后), so a query
word matches inside a longer document word. Tokens are lowercased; punctuation/whitespace tokens and a tiny
set of function words are dropped; ASCII words and numbers (``50``, ``1.5``, ``2024``) are kept.
"""
from __future__ import annotations

import logging
import threading
import unicodedata
from functools import lru_cache
from typing import Any

#: Function words too frequent to help ranking (kept tiny on purpose: BM25's IDF handles the rest).
STOPWORDS = frozenset("的 了 和 与 及 或 等 在 对 为 是 将 由 并 其 之 于 以 把 被".split())

_lock = threading.Lock()
_jieba: Any = None


def _get_jieba() -> Any:
    """Import and initialise jieba once, with its start-up chatter silenced."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                try:
                    import jieba
                except ImportError as exc:  # pragma: no cover - declared dependency
                    raise ImportError("jieba is required for tokenisation: pip install jieba") from exc
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _is_word(token: str) -> bool:
    """True when the token holds a letter, digit or CJK character (not only punctuation/space)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


#: Short texts whose tokens are remembered: answering an `/ask` re-tokenises about 130 terms and phrases, mostly
#: the same ones from question to question (jieba's dictionary never changes while a process runs). Long texts
#: (clauses at build time) are not kept, so the cache stays a few MB.
TOKEN_CACHE, CACHE_CHARS = 16384, 64


def tokenize_zh(text: str, stopwords: bool = True) -> list[str]:
    """Tokenise Chinese (or mixed) text for BM25: lowercase, no punctuation, search-mode sub-words."""
    if not text:
        return []
    return list(_cached(text, stopwords) if len(text) <= CACHE_CHARS else _tokens(text, stopwords))


@lru_cache(maxsize=TOKEN_CACHE)
def _cached(text: str, stopwords: bool) -> tuple[str, ...]:
    return _tokens(text, stopwords)


def _tokens(text: str, stopwords: bool) -> tuple[str, ...]:
    jieba = _get_jieba()
    text = unicodedata.normalize("NFKC", text).lower()
    tokens = []
    for tok in jieba.cut_for_search(text):
        tok = tok.strip()
        if not tok or not _is_word(tok):
            continue
        if stopwords and tok in STOPWORDS:
            continue
        tokens.append(tok)
    return tuple(tokens)
