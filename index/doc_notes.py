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


def quoted_parts(clause: Clause, quote: str | list[str]) -> list[dict[str, Any]]:
    """The 款/项 that hold the quoted sentences, in text order; empty when a sentence lies in none."""
    sents = [quote] if isinstance(quote, str) else list(quote)
    found = [locate(clause.paragraphs, clause.text, s) for s in sents if s.strip()]
    if not found or any(p is None for p in found):
        return []
    unique = {(p["start"], p["end"]): p for p in found if p is not None}
    return [unique[key] for key in sorted(unique)]


def _joined(article_label: str, labels: list[str], sep: str) -> str:
    """`第三十二条第一款` + `第三十二条第三款` → `第三十二条第一款、第三款` (the article named once); `Article 49` +
    `Article 49, item (1)` → `Article 49, item (1)`, not `Article 49, , item (1)`."""
    return labels[0] + "".join(sep + (lab[len(article_label):].lstrip(", ") if lab.startswith(article_label) else lab)
                               for lab in labels[1:])


def citation_extras(clause: Clause, quote: str | list[str], lang: str, cite_zh: str, cite_en: str,
                    today: _dt.date | None = None) -> dict[str, Any]:
    """Fields a citation card adds: paragraph-level citations (the 款/项 the quote lies in), document type,
    issuer and dates, the date line and the age note. `cite_zh` / `cite_en` are the article-level citations."""
    parts = quoted_parts(clause, quote)
    if parts:
        if cite_zh.endswith(clause.label):
            cite_zh = cite_zh[: -len(clause.label)] + _joined(clause.label, [p["label"] for p in parts], "、")
        if cite_en.endswith(clause.label_en):
            cite_en = cite_en[: -len(clause.label_en)] + _joined(clause.label_en, [p["label_en"] for p in parts],
                                                                  ", ")
    shown = [{k: p[k] for k in ("label", "label_en", "paragraph", "item", "start", "end")} for p in parts]
    return {
        "paragraph": shown[0] if shown else None,       # the first quoted 款/项 (all of them: "paragraphs_quoted")
        "paragraphs_quoted": shown,
        "citation": cite_en if lang == "en" else cite_zh, "citation_zh": cite_zh, "citation_en": cite_en,
        "doc_type": clause.doc_type, "doc_issuer": clause.doc_issuer, "doc_date": clause.doc_date,
        "doc_adopted": clause.doc_adopted, "doc_amended": list(clause.doc_amended),
        "date_line": date_line(clause, lang), "age_note": age_note(clause, lang, today),
    }
