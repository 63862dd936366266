"""PDF → gazette text in the parser's input format, with pdfplumber (MIT; pdfminer.six underneath, MIT).

Output mirrors the UTF-8 sources: one paragraph per line (blank line between), table rows as tab-separated
cells (so annex task tables and 专栏 boxes parse as rows). Running headers (text repeated in the top band of most
pages) and page numbers (`— 3 —`, `- 3 -`, `第3页`, `3`) are dropped; a paragraph or table row split by a page
break is joined again. Text lines become paragraphs by layout: a new paragraph starts after a short line, at a
first-line indent, or after a vertical gap.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import InputFileError
from index.repair import TERMINAL

#: Fraction of the page height at the top and bottom where running headers and page numbers live.
MARGIN_BAND = 0.07
#: A PDF with fewer extractable characters than this in total is taken as scanned (image only).
MIN_TEXT_CHARS = 20
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4})?[-—–－\s]*$")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass
class _Block:
    """A text line or a table on one page, in reading order."""

    top: float
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    text: str = ""
    size: float = 10.0
    page_h: float = 842.0
    rows: list[list[str]] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


def pdf_to_text(path: str | Path) -> str:
    """Extract a gazette PDF as parser-ready text; `InputFileError` for scanned, damaged or encrypted files."""
    p = Path(path)
    data = p.read_bytes() if p.is_file() else b""
    if not data:
        raise InputFileError(f"{p}: {'file is empty' if p.is_file() else 'no such file'}")
    check_pdf_bytes(data, str(p))
    pages = _read_pages(p)
    if sum(len(b.text) + sum(len("".join(r)) for r in b.rows) for page in pages for b in page) < MIN_TEXT_CHARS:
        raise InputFileError(f"{p.name}: PDF has no text layer (scanned?) — OCR is needed before it can be indexed")
    return _to_text(_drop_running_marks(pages))


def check_pdf_bytes(data: bytes, name: str) -> None:
    """Cheap structural checks: `%PDF-` header and an `%%EOF` marker near the end (else: truncated)."""
    if b"%PDF-" not in data[:1024]:
        raise InputFileError(f"{name}: not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise InputFileError(f"{name}: PDF is truncated or damaged (no %%EOF end marker) — download it again")


def _read_pages(path: Path) -> list[list[_Block]]:
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise InputFileError("reading PDF needs pdfplumber: pip install pdfplumber") from exc
    try:
        with pdfplumber.open(path) as pdf:
            return [_page_blocks(page) for page in pdf.pages]
    except InputFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types for bad files
        kind = type(exc).__name__
        if "Password" in kind or "Encrypt" in kind:
            raise InputFileError(f"{path.name}: PDF is encrypted — save an unprotected copy first") from None
        raise InputFileError(f"{path.name}: PDF is damaged and cannot be read ({kind}: {exc})") from None


def _page_blocks(page: Any) -> list[_Block]:
    """Tables (rows of cleaned cells) and the text lines outside them, top to bottom; page height in `.size`."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and t <= cy <= b for x0, t, x1, b in boxes)

    h = float(page.height)
    blocks = [_Block(top=t.bbox[1], bottom=t.bbox[3], x0=t.bbox[0], x1=t.bbox[2], page_h=h,
                     rows=[[_join_lines(c.split("\n")) for c in row if c is not None] for row in t.extract()])
              for t in tables]
    for line in page.filter(outside).extract_text_lines(return_chars=True):
        text = line["text"].strip()
        if text:
            sizes = [c.get("size", 10.0) for c in line["chars"]]
            blocks.append(_Block(top=line["top"], bottom=line["bottom"], x0=line["x0"], x1=line["x1"], text=text,
                                 page_h=h,
                                 size=sorted(sizes)[len(sizes) // 2] if sizes else 10.0))
    blocks = [b for b in blocks if not b.is_table or any(any(c for c in r) for r in b.rows)]
    blocks.sort(key=lambda b: (round(b.top), b.x0))
    return blocks


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running_marks(pages: list[list[_Block]]) -> list[list[_Block]]:
    """Remove page numbers and running headers/footers (repeated in the margin bands of most pages)."""
    def in_band(b: _Block) -> bool:
        return not b.is_table and (b.top < MARGIN_BAND * b.page_h or b.bottom > (1 - MARGIN_BAND) * b.page_h)

    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_norm(b.text) for b in page if in_band(b)})
    repeated = {k for k, n in seen.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    return [[b for b in page if not (in_band(b) and (_PAGE_NUMBER.match(b.text) or _norm(b.text) in repeated))]
            for page in pages]


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def _join(prev: str, nxt: str) -> str:
    """Join two wrapped pieces of one paragraph: a space only between two words of Latin-script text."""
    if not prev or not nxt:
        return prev + nxt
    if prev[-1].isascii() and prev[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum():
        tail = prev[-24:] + nxt[:24]
        cjk = sum(1 for ch in tail if "\u3400" <= ch <= "\u9fff")
        if " " in tail and cjk * 3 < len(tail):
            return f"{prev} {nxt}"
    return prev + nxt


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        out = _join(out, line.strip())
    return out


def _to_text(pages: list[list[_Block]]) -> str:
    """Blocks → paragraphs (blank-line separated) and tab-separated rows; joins across page breaks."""
    lines = [b for page in pages for b in page if not b.is_table]
    left = Counter(round(b.x0) for b in lines).most_common(1)[0][0] if lines else 0.0
    long_ends = sorted(b.x1 for b in lines if len(b.text) >= 12)
    right = long_ends[int(len(long_ends) * 0.95)] if long_ends else 0.0
    pitches = Counter(round(b.top - a.top) for page in pages for a, b in zip(page, page[1:])
                      if not a.is_table and not b.is_table and b.top > a.top)
    pitch = float(pitches.most_common(1)[0][0]) if pitches else 0.0
    out: list[list[str] | str] = []   # str = paragraph, list = table row
    prev: _Block | None = None        # the last text line of the current paragraph
    last_row_page_end = False         # the previous page ended inside a table
    for page_no, page in enumerate(pages):
        for i, b in enumerate(page):
            if b.is_table:
                rows = b.rows
                if i == 0 and last_row_page_end and out and isinstance(out[-1], list):
                    rows = _merge_split_row(out, rows)
                out.extend(rows)
                prev = None
                continue
            new_page = i == 0 and page_no > 0
            if prev is not None and isinstance(out[-1], str) and _continues(prev, b, left, right, pitch, new_page):
                out[-1] = _join(out[-1], b.text)
            else:
                out.append(b.text)
            prev = b
        last_row_page_end = bool(page) and page[-1].is_table
        if page and page[-1].is_table:
            prev = None
    return "\n\n".join("\t".join(item) if isinstance(item, list) else item for item in out) + "\n"


def _continues(prev: _Block, cur: _Block, left: float, right: float, pitch: float, new_page: bool) -> bool:
    """Does text line `cur` continue the paragraph whose last line is `prev`?"""
    em = max(prev.size, cur.size, 1.0)
    if prev.x1 < right - 1.5 * em:               # previous line stopped short: paragraph ended
        return False
    if cur.x0 > left + 0.8 * em:                 # first-line indent or centred line: a new paragraph
        return False
    if new_page:
        return not _ends_sentence(prev.text)
    step = cur.top - prev.top
    return 0 < step <= (pitch + 0.25 * em if pitch else 1.8 * em)    # a wider step is a paragraph gap


def _merge_split_row(out: list[list[str] | str], rows: list[list[str]]) -> list[list[str]]:
    """Join the first row of a page's first table to the previous page's last row when it continues it."""
    last, first = out[-1], rows[0]
    assert isinstance(last, list)
    if len(first) != len(last) or not (not first[0] or first[0] == last[0]):
        return rows
    if first[0] == last[0] and first[0] and all(a == b for a, b in zip(first, last)):
        return rows[1:]
    out[-1] = [a if (b == a or not b) else (b if not a else _join(a, b)) for a, b in zip(last, first)]
    return rows[1:]
