"""Paragraphs (款) and items (项) inside an article, and the finest citation for a quoted sentence.

The clause unit stays the article (ids stable); its text keeps one paragraph or item per line, so the parts
are recorded as character spans of `Clause.text`: `第三十二条第三款` / "Article 32(3)", and
`第五条第一款第（二）项` / "Article 5(1), item (2)" (`第五条第（二）项` / "Article 5, item (2)" when the article
has a single paragraph).
"""
from __future__ import annotations

import re
from typing import Any

from index.labels import cn_to_int

_ITEM = re.compile(r"^[（(]([零〇一二两三四五六七八九十百]+)[）)]")
_CN = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 32 → 三十二 (up to 99, enough for paragraphs and items)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def article_parts(text: str) -> list[dict[str, Any]]:
    """Paragraph/item spans of an article's text: `{kind, paragraph, item, start, end}` (end exclusive).

    Every line that does not start with an item marker （一） opens a new paragraph; item lines belong to the
    paragraph before them."""
    parts: list[dict[str, Any]] = []
    offset, paragraph = 0, 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        m = _ITEM.match(line)
        if m and paragraph:
            parts.append({"kind": "item", "paragraph": paragraph, "item": cn_to_int(m.group(1)),
                          "start": start, "end": end})
        else:
            paragraph += 1
            parts.append({"kind": "paragraph", "paragraph": paragraph, "item": None, "start": start, "end": end})
    return parts


def part_labels(article_label: str, article_label_en: str, part: dict[str, Any],
                paragraphs: int) -> tuple[str, str]:
    """Chinese and English citation label of one part, e.g. (`第三十二条第三款`, `Article 32(3)`)."""
    zh, en = article_label, article_label_en
    if paragraphs > 1:
        zh += f"第{cn_number(part['paragraph'])}款"
        en += f"({part['paragraph']})"
    if part.get("item"):
        zh += f"第（{cn_number(part['item'])}）项"
        en += f", item ({part['item']})"
    return zh, en


def paragraph_list(clause_label: str, clause_label_en: str, text: str) -> list[dict[str, Any]]:
    """The parts of an article with their citation labels (what `Clause.paragraphs` stores)."""
    parts = article_parts(text)
    count = sum(1 for p in parts if p["kind"] == "paragraph")
    if count <= 1 and not any(p["kind"] == "item" for p in parts):
        return []                                # a one-paragraph article: the article is the citation
    out = []
    for p in parts:
        zh, en = part_labels(clause_label, clause_label_en, p, count)
        out.append({**p, "label": zh, "label_en": en})
    return out


def locate(paragraphs: list[dict[str, Any]], text: str, quote: str) -> dict[str, Any] | None:
    """The part of the clause that contains `quote` (a sentence of it), or None when it spans parts."""
    if not paragraphs or not quote:
        return None
    pos = text.find(quote.strip())
    if pos < 0:
        return None
    end = pos + len(quote.strip())
    for part in paragraphs:
        if part["start"] <= pos and end <= part["end"]:
            return part
    return None
