"""Repairs of PDF-extraction damage. Apart from these, clause text stays the source text character for character.

Repairs: markup (`<p>`) and separator rows (`----`) removed; `and` between Chinese characters restored to `和`;
half-width punctuation next to Chinese turned full-width; spaces between Chinese characters removed; words and
paragraphs broken across lines or pages joined.
"""
from __future__ import annotations

import re

CJK = r"\u3400-\u9fff\uf900-\ufaff"
#: Full-width punctuation that counts as "Chinese context" for width normalisation and space removal.
CJK_PUNCT = "，。、；：？！（）【】《》〈〉「」『』“”‘’—…〔〕·"
_CJK_OR_PUNCT = f"[{CJK}{re.escape(CJK_PUNCT)}]"

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HAS_HALF = re.compile(r"[,;:?!()]")

#: A line ends a sentence or a structural unit when it ends with one of these.
TERMINAL = tuple("。；！？：:;!?）)」』”\"")

_TAG = re.compile(r"</?p>", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s\-—–_=|\t]+$")
_AND = re.compile(rf"(?<=[{CJK}])\s*\band\b\s*(?=[{CJK}])")
_SPACE_BETWEEN = re.compile(rf"(?<={_CJK_OR_PUNCT})[ \u3000]+(?={_CJK_OR_PUNCT})")


def strip_markup(line: str) -> str:
    """Remove `<p>` tags (keeping tabs that separate table cells)."""
    return _TAG.sub(" ", line)


def is_separator(line: str) -> bool:
    """A table separator row such as `--------\t--`."""
    return bool(line.strip()) and bool(_SEPARATOR.match(line)) and "-" in line


def _is_cjk_context(ch: str) -> bool:
    return bool(ch) and bool(re.match(_CJK_OR_PUNCT, ch))


def normalise_punctuation(text: str) -> str:
    """Turn half-width `,;:?!()` full-width where a neighbouring character is Chinese (paired brackets alike)."""
    if not _HAS_HALF.search(text):
        return text                            # nothing to turn (most lines of clean text)
    chars = list(text)
    n = len(chars)
    opened: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch not in _HALF_TO_FULL:
            if ch == "（":
                opened.append(i)
            elif ch == "）" and opened:
                pairs.append((opened.pop(), i))
            continue
        j = i - 1
        while j >= 0 and text[j] == " ":
            j -= 1
        k = i + 1
        while k < n and text[k] == " ":
            k += 1
        prev = text[j] if j >= 0 else ""
        nxt = text[k] if k < n else ""
        if ch == "(":
            opened.append(i)
        elif ch == ")" and opened:
            pairs.append((opened.pop(), i))
        if ch in ",;:?!" and prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum():
            continue  # 1,000 / 7:30 / a;b stay as they are
        if _is_cjk_context(prev) or _is_cjk_context(nxt):
            chars[i] = _HALF_TO_FULL[ch]
    for a, b in pairs:
        if chars[a] in "（(" and chars[b] in "）)" and ("（" in (chars[a], chars[b]) or "）" in (chars[a], chars[b])):
            chars[a], chars[b] = "（", "）"
    return "".join(chars)


_ARTICLE_PREFIX = re.compile(r"^\s*(第[零〇一二两三四五六七八九十百千]+[章节条])([ \u3000]+)")


def clean_line(line: str) -> str:
    """Repairs that act within one line (the space after 第N条/章/节 is the source's own and stays)."""
    line = strip_markup(line)
    line = _AND.sub("和", line)
    line = normalise_punctuation(line)
    prefix = ""
    if m := _ARTICLE_PREFIX.match(line):
        prefix, line = m.group(1) + m.group(2), line[m.end():]
    line = _SPACE_BETWEEN.sub("", line)
    return (prefix + line).strip()


def clean_cell(cell: str) -> str:
    """A table cell: markup removed, inner whitespace runs folded, then the line repairs."""
    return clean_line(re.sub(r"\s+", " ", strip_markup(cell)))


def ends_open(line: str) -> bool:
    """True when a line stops mid-sentence (no terminal punctuation)."""
    return not line.rstrip().endswith(TERMINAL)


def join_broken(prev: str, nxt: str) -> str:
    """Join two pieces of one paragraph; a space survives only between two ASCII words."""
    if prev and nxt and prev[-1].isascii() and prev[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum():
        return f"{prev} {nxt}"
    return prev + nxt
