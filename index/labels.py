"""Numbering patterns of gazette documents and their Chinese/English labels."""
from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "零〇一二两三四五六七八九十百千"


def cn_to_int(s: str) -> int:
    """Chinese numeral (一 … 九百九十九) to int."""
    total, current = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + current


def roman(n: int) -> str:
    """1 → I, 14 → XIV."""
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, sym in values:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


@dataclass(frozen=True)
class Marker:
    """A numbering marker found at the start of a line."""

    style: str      # chapter | section | article | l1 | l2 | l3 | l4
    number: int
    label: str      # canonical Chinese label: 三、 / （六） / 1. / （1） / 第十二条
    rest: str       # the line after the marker

    @property
    def level(self) -> int:
        return STYLE_LEVEL[self.style]


STYLE_LEVEL = {"chapter": 0, "section": 1, "article": 2, "l1": 1, "l2": 2, "l3": 3, "l4": 4}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第([{_CN_NUM}]+)章\s*(.{{0,30}})$")),
    ("section", re.compile(rf"^第([{_CN_NUM}]+)节\s*(.{{0,30}})$")),
    ("article", re.compile(rf"^第([{_CN_NUM}]+)条(\s*)(.*)$")),
    ("l1", re.compile(rf"^([{_CN_NUM}]+)、\s*(.*)$")),
    ("l2", re.compile(rf"^[（(]([{_CN_NUM}]+)[）)]\s*(.*)$")),
    ("l3", re.compile(r"^(\d{1,3})(?:[.．](?!\d)|、)\s*(.*)$")),
    ("l4", re.compile(r"^[（(](\d{1,3})[）)]\s*(.*)$")),
]


def match_marker(line: str) -> Marker | None:
    """The numbering marker at the start of `line`, if any."""
    for style, pattern in _PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        raw, rest = m.group(1), m.groups()[-1].strip()
        number = int(raw) if raw.isdigit() else cn_to_int(raw)
        if style == "article" and not m.group(2) and rest.startswith(("款", "项")):
            continue                  # 第三条款… / 第五条项下… is prose; "第三十条 项目…" is an article
        return Marker(style, number, _label_zh(style, raw), rest)
    return None


def _label_zh(style: str, raw: str) -> str:
    return {
        "chapter": f"第{raw}章", "section": f"第{raw}节", "article": f"第{raw}条",
        "l1": f"{raw}、", "l2": f"（{raw}）", "l3": f"{raw}.", "l4": f"（{raw}）",
    }[style]


def label_en(markers: list[Marker]) -> str:
    """English label of an outline path: `Part II (1), item 1`; of an article: `Article 12`."""
    parts: list[str] = []
    for m in markers:
        if m.style == "chapter":
            parts.append(f"Chapter {m.number}")
        elif m.style == "section":
            parts.append(f"Section {m.number}")
        elif m.style == "article":
            parts.append(f"Article {m.number}")
        elif m.style == "l1":
            parts.append(f"Part {roman(m.number)}")
        elif m.style == "l2":
            if parts and parts[-1].startswith("Part"):
                parts[-1] += f" ({m.number})"
            else:
                parts.append(f"({m.number})")
        elif m.style == "l3":
            parts.append(f"item {m.number}")
        elif m.style == "l4":
            parts.append(f"sub-item ({m.number})")
    return ", ".join(parts)
