"""Source text → repaired logical lines (paragraphs and table rows), the parser's input."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.labels import match_marker
from index.repair import CJK, clean_cell, clean_line, ends_open, is_separator, join_broken

DOC_NUMBER = re.compile(
    rf"^[{CJK}A-Za-z]{{1,16}}\s*[〔\[［【(（]\s*(\d{{4}})\s*[〕\]］】)）]\s*第?\s*(\d{{1,4}})\s*号$"
)
BOX_START = re.compile(r"^专栏\s*(\d{1,3})\s*(.*)$")
ANNEX_START = re.compile(r"^附件\s*(\d{0,2})$")
ANNEX_REFERENCE = re.compile(r"^附件\s*\d{0,2}\s*[:：]")
FOOTER = re.compile(r"^(主管单位|主办单位|地\s*址|邮政编码|发行范围|全国统一刊号|联系电话|网\s*址|官方微博"
                    r"|印刷单位)\s*[:：]")
_LAST_CHAR_OPEN = re.compile(rf"[{CJK}、，“《（〔—]$")


@dataclass
class Line:
    """One logical line: a paragraph (text) or a table row (cells)."""

    text: str
    cells: list[str] = field(default_factory=list)
    raw_cells: list[str] = field(default_factory=list)  # cells before repairs (box items split on <p>)

    @property
    def is_row(self) -> bool:
        return bool(self.cells)


def _is_structural(text: str) -> bool:
    return bool(
        match_marker(text) or DOC_NUMBER.match(text) or BOX_START.match(text)
        or ANNEX_START.match(text) or ANNEX_REFERENCE.match(text) or FOOTER.match(text)
    )


def _breakable(text: str) -> bool:
    """A paragraph that stops mid-sentence and so continues on the next line (page or line break)."""
    if not ends_open(text) or not _LAST_CHAR_OPEN.search(text):
        return False
    marker = match_marker(text)
    if marker and len(marker.rest) <= 40 and not any(p in marker.rest for p in "。；，"):
        return False                       # a heading such as 一、工作目标
    return any(p in text for p in "。；，、") or len(text) > 50


def read_lines(text: str) -> list[Line]:
    """Repair extraction damage and return logical lines; separator rows and blank lines are dropped."""
    out: list[Line] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip() or is_separator(raw):
            continue
        if "\t" in raw:
            raw_cells = raw.split("\t")
            cells = [clean_cell(c) for c in raw_cells]
            while cells and not cells[-1]:
                cells.pop()
            if not any(cells):
                continue
            out.append(Line(" ".join(c for c in cells if c), cells, raw_cells[: len(cells)]))
            continue
        line = clean_line(raw)
        if not line:
            continue
        prev = out[-1] if out else None
        if prev and not prev.is_row and _breakable(prev.text) and not _is_structural(line):
            prev.text = join_broken(prev.text, line)
            continue
        out.append(Line(line))
    return out
