"""The body of one document → clauses: outline items, articles, lead-ins, boxed tables and annex task tables."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.clause import Clause, Fact, clause_id
from index.facts import extract_facts, extract_units, parse_cn_date, split_units
from index.labels import Marker, cn_to_int, label_en, match_marker
from index.lines import ANNEX_REFERENCE, ANNEX_START, BOX_START, Line
from index.paragraphs import paragraph_list
from index.repair import clean_cell, clean_line

_HEADING_MAX = 40
_BOX_CATEGORIES = {"重大项目": "major projects", "重大平台": "major platforms", "重点项目": "key projects",
                   "重点平台": "key platforms", "重大工程": "major works", "重点工程": "key works"}
_BOX_ITEM = re.compile(r"^(\d{1,3})[.．]\s*(.*)$", re.S)
_ANNEX_HEADER = ("序号", "工作任务")


def _is_heading(marker: Marker) -> bool:
    """A numbered line that only names a part (its text lies below it) rather than saying something."""
    if marker.style in ("chapter", "section"):
        return True
    if marker.style == "article":
        return False
    rest = marker.rest
    return bool(rest) and len(rest) <= _HEADING_MAX and not re.search(r"[。；！？]", rest)


@dataclass
class _Frame:
    marker: Marker
    heading: str          # the full heading line, e.g. "三、政策措施"
    has_lead_in: bool = False
    is_heading: bool = True


@dataclass
class BodyBuilder:
    """Walks the lines of one document body and emits clauses in reading order."""

    doc_key: str
    doc_number: str | None
    doc_title: str
    source: str | None
    clauses: list[Clause] = field(default_factory=list)
    annex_refs: list[str] = field(default_factory=list)
    _stack: list[_Frame] = field(default_factory=list)
    _current: Clause | None = None
    _seen_ids: set[str] = field(default_factory=set)

    # -- emitting -------------------------------------------------------------------------------
    def _emit(self, kind: str, label: str, label_en_: str, path: list[str], text: str, **extra) -> Clause:
        cid = clause_id(self.doc_key, f"{kind}|{label}")
        n = 2
        while cid in self._seen_ids:
            cid = clause_id(self.doc_key, f"{kind}|{label}|{n}")
            n += 1
        self._seen_ids.add(cid)
        clause = Clause(id=cid, doc_key=self.doc_key, doc_number=self.doc_number, doc_title=self.doc_title,
                        kind=kind, label=label, label_en=label_en_, path=list(path), text=text,
                        source=self.source, **extra)
        self.clauses.append(clause)
        return clause

    def _path(self) -> list[str]:
        return [f.heading for f in self._stack if f.is_heading]

    def _markers(self) -> list[Marker]:
        return [f.marker for f in self._stack]

    def _in_article(self) -> bool:
        return self._current is not None and self._current.kind == "article"

    # -- outline and articles -------------------------------------------------------------------
    def add_marker(self, marker: Marker, line: str) -> None:
        if self._in_article() and marker.style in ("l2", "l3", "l4"):
            self.add_paragraph(line)       # （一）items stay inside their article
            return
        while self._stack and self._stack[-1].marker.level >= marker.level:
            self._stack.pop()
        if marker.style == "article":
            while self._stack and self._stack[-1].marker.style not in ("chapter", "section"):
                self._stack.pop()
        if _is_heading(marker):
            self._stack.append(_Frame(marker, line))
            self._current = None
            return
        path = self._path()
        markers = self._markers()
        if marker.style == "article":
            label, label_en_ = marker.label, label_en([marker])
        else:
            label = "".join(m.label for m in markers if m.style.startswith("l")) + marker.label
            label_en_ = label_en([m for m in markers if m.style.startswith("l")] + [marker])
        kind = "article" if marker.style == "article" else "clause"
        self._current = self._emit(kind, label, label_en_, path, line)
        self._stack.append(_Frame(marker, line, has_lead_in=True, is_heading=False))

    def add_paragraph(self, text: str) -> None:
        if self._current is not None:
            self._current.text += "\n" + text
            return
        if self._stack and not self._stack[-1].has_lead_in:
            frame = self._stack[-1]
            frame.has_lead_in = True
            markers = [m for m in self._markers() if m.style.startswith("l") or m.style == "article"]
            if markers:
                label = "".join(m.label for m in markers)
                label_en_ = label_en(markers)
            else:
                label, label_en_ = frame.marker.label, label_en([frame.marker])
            self._current = self._emit("lead_in", label, label_en_, self._path(), text)
            return
        if not self.clauses or not self._stack:
            kind, label, label_en_ = "preamble", "前言", "Preamble"
        else:
            kind, label, label_en_ = "text", self.clauses[-1].label + " 附文", self.clauses[-1].label_en + ", text"
        self._current = self._emit(kind, label, label_en_, self._path(), text)

    # -- boxed tables ---------------------------------------------------------------------------
    def add_box(self, number: int, title: str, rows: list[Line]) -> None:
        box_head = f"专栏{number} {title}".strip()
        path = self._path() + [box_head]
        for row in rows:
            if len(row.cells) < 2:
                category, raw = "", row.raw_cells[0] if row.raw_cells else row.text
            else:
                category, raw = row.cells[0], "\t".join(row.raw_cells[1:])
            cat_en = _BOX_CATEGORIES.get(category, category or "items")
            items = _box_items(raw)
            for i, (num, text) in enumerate(items, start=1):
                num_label = f" {num}" if num is not None else (f" {i}" if len(items) > 1 else "")
                label = f"专栏{number} {category}{num_label}".rstrip()
                en = f"Box {number}, {cat_en}" + (f", no. {num if num is not None else i}" if num_label else "")
                self._emit("box_item", label, en, path + ([category] if category else []), text)
        self._current = None

    # -- annex task tables ----------------------------------------------------------------------
    def add_annex(self, annex_no: str, title: str, rows: list[Line]) -> None:
        head = f"附件{annex_no}" + (f" {title}" if title else "")
        prefix, prefix_en = f"附件{annex_no}", "Annex" + (f" {annex_no}" if annex_no else "")
        sections: list[str] = []
        columns: list[str] = []
        for row in rows:
            cells = row.cells
            if cells[0] == _ANNEX_HEADER[0] and len(cells) > 1:
                columns = cells                        # header row (and its page-break repeats)
                continue
            if not cells[0].isdigit():
                marker = match_marker(cells[0])
                level = marker.level if marker else len(sections) + 1
                sections = sections[: max(level - 1, 0)] + [cells[0]]
                continue
            number = int(cells[0])
            text = cells[1] if len(cells) > 1 else ""
            lead = split_units(cells[2]) if len(cells) > 2 else []
            deadline_text = cells[3] if len(cells) > 3 else ""
            deadline = parse_cn_date(deadline_text) if deadline_text else None
            facts = extract_facts(text)
            if deadline:
                facts.append(Fact(kind="deadline", text=deadline_text, date=deadline))
            extra_cols = {c: v for c, v in zip(columns[4:], cells[4:])} if columns else {}
            if extra_cols:
                text += "".join(f"\n{k}：{v}" for k, v in extra_cols.items() if v)
            self._emit("annex_task", f"{prefix} 第{number}项", f"{prefix_en}, task {number}",
                       [head, *sections], text, number=number, lead_units=lead, deadline=deadline, facts=facts)
        self._current = None

    # -- finish ---------------------------------------------------------------------------------
    def finish(self) -> list[Clause]:
        for clause in self.clauses:
            if clause.kind != "annex_task":
                clause.facts = extract_facts(clause.text)
                lead, co = extract_units(clause.text)
                clause.lead_units, clause.co_units = lead, co
            if clause.kind == "article":
                clause.paragraphs = paragraph_list(clause.label, clause.label_en, clause.text)
        return self.clauses


def _box_items(raw: str) -> list[tuple[int | None, str]]:
    """Split a box cell into its numbered items (`<p>1. …</p> <p>2. …</p>` or plain `1. … 2. …`)."""
    parts = [p for p in re.split(r"</?p>", raw, flags=re.I) if p.strip()] if "<p>" in raw.lower() else [raw]
    pieces: list[str] = []
    for part in parts:
        cleaned = clean_cell(part)
        split = re.split(r"(?<=[。；！？])\s*(?=\d{1,3}[.．]\s*\S)", cleaned)
        pieces.extend(s for s in split if s.strip())
    items: list[tuple[int | None, str]] = []
    for piece in pieces:
        m = _BOX_ITEM.match(piece)
        items.append((int(m.group(1)), piece) if m else (None, piece))
    return items


def build_body(builder: BodyBuilder, lines: list[Line]) -> None:
    """Feed the body lines of one document to `builder`."""
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if not line.is_row and (m := BOX_START.match(text)):
            j = i + 1
            while j < len(lines) and lines[j].is_row:
                j += 1
            builder.add_box(int(m.group(1)), m.group(2).strip(), lines[i + 1:j])
            i = j
            continue
        if not line.is_row and (m := ANNEX_START.match(text)):
            j = i + 1
            title = ""
            if j < len(lines) and not lines[j].is_row:
                title = lines[j].text
                j += 1
            k = j
            while k < len(lines) and lines[k].is_row:
                k += 1
            if k > j:
                builder.add_annex(m.group(1), title, lines[j:k])
                builder._stack.clear()
                i = k
                continue
        if not line.is_row and ANNEX_REFERENCE.match(text):
            builder.annex_refs.append(text)
            i += 1
            continue
        if line.is_row:
            builder.add_paragraph(" | ".join(c for c in line.cells if c))
            i += 1
            continue
        marker = match_marker(text)
        if marker:
            builder.add_marker(marker, text)
        else:
            builder.add_paragraph(clean_line(text))
        i += 1


__all__ = ["BodyBuilder", "build_body", "cn_to_int"]
