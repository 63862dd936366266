"""Query checks and language handling: validation, language detection, retrieval variants."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from index.errors import QueryError

MAX_QUERY_CHARS = 2000
#: A user's question (API, CLI, UI): long enough for any real question, short enough to bound its cost.
MAX_QUESTION_CHARS = 500
_INVALID = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")   # lone surrogates, control chars
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def validate_query(query: str | None) -> str:
    """The stripped query, or `QueryError` naming what is wrong with it."""
    if query is None or not query.strip():
        raise QueryError("the query is empty")
    query = query.strip()
    if bad := _INVALID.search(query):
        raise QueryError(f"the query contains an invalid character (U+{ord(bad.group()):04X} at position "
                         f"{bad.start() + 1}); send valid Unicode text")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in query):
        raise QueryError("the query has only punctuation or symbols; ask with words")
    return query


def validate_question(question: str | None) -> str:
    """`validate_query` plus the cap on what a user may ask in one question (`MAX_QUESTION_CHARS`)."""
    question = validate_query(question)
    if len(question) > MAX_QUESTION_CHARS:
        raise QueryError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS} "
                         "— ask about one thing at a time")
    return question


def detect_language(text: str) -> str:
    """'zh' when the text holds Chinese characters in any real share, else 'en'."""
    cjk = len(_CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    if cjk == 0:
        return "en"
    return "zh" if cjk >= latin_words else "en"


@dataclass(frozen=True)
class Variant:
    """One form of the query that is searched: text for the dense model, Chinese text for BM25, weights."""

    name: str
    dense_text: str | None
    bm25_text: str | None
    dense_weight: float
    bm25_weight: float


#: Fusion weights by query language. English words cannot match Chinese keywords, so raw English gets a small
#: BM25 weight (it still matches ASCII terms such as 5G or GNSS); Chinese forms of an English query carry BM25.
WEIGHTS = {
    "zh": {"dense": 1.0, "bm25": 1.0},
    "en_raw": {"dense": 0.5, "bm25": 0.2},
    "en_glossary": {"dense": 0.6, "bm25": 1.5},
    "en_translation": {"dense": 1.0, "bm25": 1.0},
    "en_lexicon": {"dense": 0.0, "bm25": 0.5},
}


def build_variants(query: str, lang: str, glossary_terms: list[str] | None = None,
                   translation: str | None = None, code_mixed: str | None = None,
                   lexicon_terms: list[str] | None = None) -> list[Variant]:
    """The query forms to search and fuse, by language and available expansions.

    An English query's glossary form embeds the question with its known phrases put into Chinese
    (`code_mixed`), and searches BM25 with the Chinese terms alone; its other words' dictionary senses
    (`lexicon_terms`, `retriever.lexicon`) are one more BM25 list with a lower weight and no dense text."""
    if lang == "zh":
        w = WEIGHTS["zh"]
        return [Variant("zh", query, query, w["dense"], w["bm25"])]
    w = WEIGHTS["en_raw"]
    variants = [Variant("en", query, query, w["dense"], w["bm25"])]
    if glossary_terms:
        w = WEIGHTS["en_glossary"]
        zh = " ".join(dict.fromkeys(glossary_terms))
        variants.append(Variant("glossary", code_mixed or zh, zh, w["dense"], w["bm25"]))
    if lexicon_terms and WEIGHTS["en_lexicon"]["bm25"] > 0:
        w = WEIGHTS["en_lexicon"]
        variants.append(Variant("lexicon", None, " ".join(dict.fromkeys(lexicon_terms)), 0.0, w["bm25"]))
    if translation:
        w = WEIGHTS["en_translation"]
        variants.append(Variant("translation", translation, translation, w["dense"], w["bm25"]))
    return variants
