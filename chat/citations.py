"""Citations in both languages: `渝府办发〔2024〕22号 三、（六）` / `Yu Fu Ban Fa [2024] No. 22, Part III (6)`."""
from __future__ import annotations

import re
from functools import lru_cache

from index.clause import Clause

_DOC_NUMBER = re.compile(
    r"^(?P<prefix>.+?)\s*[〔\[［【(（]\s*(?P<year>\d{4})\s*[〕\]］】)）]\s*第?\s*(?P<no>\d+)\s*号$")


@lru_cache(maxsize=4096)
def doc_number_en(doc_number: str | None) -> str | None:
    """Romanised document number: 渝府办发〔2024〕22号 → Yu Fu Ban Fa [2024] No. 22."""
    if not doc_number:
        return None
    m = _DOC_NUMBER.match(doc_number)
    if not m:
        return doc_number
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - declared dependency
        return doc_number
    syllables = [s.capitalize() for s in lazy_pinyin(m.group("prefix")) if s.strip()]
    return f"{' '.join(syllables)} [{m.group('year')}] No. {int(m.group('no'))}"


def citation(clause: Clause, lang: str) -> str:
    """The clause's citation in the answer's language."""
    if lang == "zh":
        return clause.citation
    return clause.citation_en(doc_number_en(clause.doc_number))


def title(clause: Clause, lang: str) -> str:
    """Document title for display: the English title where the issue gives one, else the Chinese title."""
    if lang == "zh" or not clause.doc_title_en:
        return clause.doc_title
    return clause.doc_title_en


def with_title(cite: str, doc_title: str, lang: str, extra: str | None = None) -> str:
    """The citation followed by the document's title — unless the citation already names it (a regulation is
    cited by its title: 《重庆市优化营商环境条例》第二十二条) — and `extra` (the document's dates)."""
    parts = ([] if doc_title.strip("《》") in cite else [doc_title]) + ([extra] if extra else [])
    if not parts:
        return cite
    return f"{cite}（{'，'.join(parts)}）" if lang == "zh" else f"{cite} ({', '.join(parts)})"
