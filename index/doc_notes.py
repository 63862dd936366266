"""What a citation says about its document beyond the clause: the paragraph (款/项) quoted, the document's
dates (issued / adopted, amended) and a note when the text in force is more than ten years old."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from index.clause import Clause
from index.paragraphs import locate

#: A document whose text in force is older than this many years gets an age note.
OLD_YEARS = 10
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def date_zh(iso: str) -> str:
    y, m, d = (iso.split("-") + ["", ""])[:3]
    return f"{int(y)}年{int(m)}月{int(d)}日" if d else (f"{int(y)}年{int(m)}月" if m else f"{int(y)}年")


def date_en(iso: str) -> str:
    y, m, d = (iso.split("-") + ["", ""])[:3]
    if d:
        return f"{int(d)} {_MONTHS[int(m) - 1]} {int(y)}"
    return f"{_MONTHS[int(m) - 1]} {int(y)}" if m else y


def date_line(clause: Clause, lang: str) -> str | None:
    """`2003年9月26日通过，2011年11月25日修正` / `adopted 26 September 2003, amended 25 November 2011`;
    a notice: `2024年2月26日印发` / `issued 26 February 2024`."""
    if clause.doc_adopted:
        amended = list(clause.doc_amended)
        if lang == "en":
            text = f"adopted {date_en(clause.doc_adopted)}"
            return text + (f", amended {' and '.join(date_en(d) for d in amended)}" if amended else "")
        text = f"{date_zh(clause.doc_adopted)}通过"
        return text + (f"，{'、'.join(date_zh(d) for d in amended)}修正" if amended else "")
    if clause.doc_date:
        return f"issued {date_en(clause.doc_date)}" if lang == "en" else f"{date_zh(clause.doc_date)}印发"
    return None


def age_note(clause: Clause, lang: str, today: _dt.date | None = None) -> str | None:
    """A note when the document's text in force is more than ten years old (else None)."""
    if not clause.doc_date:
        return None
    today = today or _dt.date.today()
    try:
        when = _dt.date.fromisoformat(clause.doc_date[:10])
    except ValueError:
        return None
    try:
        limit = today.replace(year=today.year - OLD_YEARS)
    except ValueError:                                  # 29 February
        limit = today.replace(year=today.year - OLD_YEARS, day=28)
    if when >= limit:
        return None
    if lang == "en":
        return (f"Note: this document's text dates from {date_en(clause.doc_date)}, more than {OLD_YEARS} years ago; "
                "check that it is still in force and has not been replaced.")
    return f"注意：该文件现行文本为{date_zh(clause.doc_date)}的版本，距今已逾十年，请核实是否仍然有效、有无新版本。"


def quoted_part(clause: Clause, quote: str | list[str]) -> dict[str, Any] | None:
    """The one 款/项 that holds every quoted sentence, else None."""
    sents = [quote] if isinstance(quote, str) else list(quote)
    parts = [locate(clause.paragraphs, clause.text, s) for s in sents if s.strip()]
    if not parts or any(p is None for p in parts) or len({(p["start"], p["end"]) for p in parts if p}) != 1:
        return None
    return parts[0]


def citation_extras(clause: Clause, quote: str | list[str], lang: str, cite_zh: str, cite_en: str,
                    today: _dt.date | None = None) -> dict[str, Any]:
    """Fields a citation card adds: paragraph-level citations (when the quote lies in one 款/项), document type,
    issuer and dates, the date line and the age note. `cite_zh` / `cite_en` are the article-level citations."""
    part = quoted_part(clause, quote)
    if part is not None:
        if cite_zh.endswith(clause.label):
            cite_zh = cite_zh[: -len(clause.label)] + part["label"]
        if cite_en.endswith(clause.label_en):
            cite_en = cite_en[: -len(clause.label_en)] + part["label_en"]
    return {
        "paragraph": ({k: part[k] for k in ("label", "label_en", "paragraph", "item", "start", "end")}
                      if part else None),
        "citation": cite_en if lang == "en" else cite_zh, "citation_zh": cite_zh, "citation_en": cite_en,
        "doc_type": clause.doc_type, "doc_issuer": clause.doc_issuer, "doc_date": clause.doc_date,
        "doc_adopted": clause.doc_adopted, "doc_amended": list(clause.doc_amended),
        "date_line": date_line(clause, lang), "age_note": age_note(clause, lang, today),
    }
