"""English question → Chinese policy wording, used only as an extra search query (never shown as an answer).

`translate_query` never raises: any model failure or unusable output gives None and the caller searches with
the glossary expansion alone.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import prompts

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

log = logging.getLogger(__name__)

PROMPT_NAME = "translate_en_zh"
MAX_QUERY_CHARS = 40
MAX_QUESTION_CHARS = 1000
CACHE_SIZE = 512

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_FENCE = re.compile(r"```[a-zA-Z]*")
#: A leading label such as "Chinese query:", "翻译：", "答：" (anything without CJK before a colon, or a zh label).
_LABEL = re.compile(r"^(?:[^\u4e00-\u9fff《]{0,40}?[:：]|(?:翻译|查询|检索词|关键词|答|中文)[:：])\s*")
#: An explanation in brackets that contains Latin letters, e.g. "(Note: ...)", "（translation of ...）".
_LATIN_PAREN = re.compile(r"\s*[（(][^）)]*[A-Za-z]{3,}[^）)]*[）)]?.*$")
_QUOTES = "\"'`“”‘’「」『』"

_cache: OrderedDict[tuple[int, str], tuple[Any, str | None]] = OrderedDict()
_lock = threading.Lock()


def build_translate_chain(model: BaseChatModel) -> Runnable:
    """prompt (system text from `prompts/translate_en_zh.txt`) | model | StrOutputParser."""
    from langchain_core.messages import SystemMessage
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    # The system text goes in as a message, not a template, so braces in it are never read as variables.
    prompt = ChatPromptTemplate.from_messages([SystemMessage(content=prompts.load(PROMPT_NAME)),
                                               ("human", "Question: {question}")])
    return (prompt | model | StrOutputParser()).with_config(run_name="translate_query")


def clean_translation(text: str) -> str | None:
    """Keep the first line of `text` that holds CJK, without labels, quotes or trailing explanations; None if
    nothing usable. The result is capped at MAX_QUERY_CHARS characters."""
    text = _FENCE.sub("", text or "")
    for line in text.splitlines():
        line = line.strip().strip(_QUOTES).strip()
        if not _CJK.search(line):
            continue
        line = _LABEL.sub("", line, count=1).strip().strip(_QUOTES).strip()
        line = _LATIN_PAREN.sub("", line).strip()
        line = re.split(r"[。！？!?；;]\s*", line, maxsplit=1)[0]  # first sentence only
        line = line.strip().strip(_QUOTES + " ，,、：:").strip()
        if _CJK.search(line):
            return line[:MAX_QUERY_CHARS].rstrip()
    return None


def translate_query(question: str, model: BaseChatModel | None) -> str | None:
    """Chinese search wording for an English `question`, or None (no model, model error, or no CJK in output).

    Results are cached per (model, question); failures are logged and not cached.
    """
    question = " ".join((question or "").split())
    if model is None or not question or len(question) > MAX_QUESTION_CHARS:
        return None
    key = (id(model), question)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key][1]
    try:
        raw = build_translate_chain(model).invoke({"question": question})
    except Exception as exc:  # noqa: BLE001 - a translation must never break search
        log.warning("query translation failed (%s: %s); searching without it", type(exc).__name__, exc)
        return None
    result = clean_translation(raw if isinstance(raw, str) else str(raw))
    if result is None:
        log.info("query translation gave no Chinese wording: %r", str(raw)[:200])
    with _lock:
        _cache[key] = (model, result)  # holding the model keeps id(model) from being reused while cached
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear_cache() -> None:
    """Forget cached translations (tests, or after switching models)."""
    with _lock:
        _cache.clear()


translate_query.cache_clear = clear_cache  # type: ignore[attr-defined]  # lru_cache-style alias
