"""Direct references in a question — `task 149`, `第149项`, `Article 12`, `第十二条`, `Box 5 no. 3` — resolved to
clauses."""
from __future__ import annotations

import re

from index.clause import Clause
from index.labels import cn_to_int

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("annex_task", re.compile(r"\b(?:task|item|row)\s*(?:no\.?\s*|number\s*|#\s*)?(\d{1,4})\b", re.I)),
    ("annex_task", re.compile(r"第\s*(\d{1,4})\s*项")),
    ("article", re.compile(r"\barticle\s*(\d{1,3})\b", re.I)),
    ("article", re.compile(r"第([零〇一二两三四五六七八九十百]+|\d{1,3})条")),
]
_BOX = re.compile(r"(?:\bbox\s*|专栏\s*)(\d{1,2})\D{0,30}?(?:no\.?\s*|number\s*|第)?(\d{1,2})?", re.I)


def referenced(query: str, clauses: list[Clause]) -> list[Clause]:
    """Clauses the question names by number (in order of mention); empty when it names none."""
    found: list[Clause] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(query):
            raw = m.group(1)
            n = int(raw) if raw.isdigit() else cn_to_int(raw)
            if kind == "annex_task":
                found += [c for c in clauses if c.kind == "annex_task" and c.number == n]
            else:
                found += [c for c in clauses if c.kind == "article" and c.label_en == f"Article {n}"]
    for m in _BOX.finditer(query):
        box, item = m.group(1), m.group(2)
        prefix = f"专栏{box} "
        found += [c for c in clauses if c.kind == "box_item" and c.label.startswith(prefix)
                  and (item is None or c.label.endswith(f" {item}"))]
    return list({c.id: c for c in found}.values())
