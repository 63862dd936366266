"""The one record type that flows through every stage: parse → index → retrieve → answer.

A `Clause` is the smallest citable unit of a gazette document. Its `id` is derived from the document
key and the label path, so it is stable across rebuilds and across unrelated edits of the source file.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

#: Clause kinds, in the order a reader meets them.
KINDS = (
    "notice",      # the 印发…的通知 text that issues the document
    "preamble",    # 根据…制定本方案 / text before the first numbered heading
    "lead_in",     # a heading's own paragraph before its numbered children
    "clause",      # an outline item: 一、 / （一） / 1. / （1）
    "article",     # 第N条 of a regulation
    "box_item",    # a numbered project/platform inside a 专栏 box
    "annex_task",  # a row of an annex task table
    "text",        # unnumbered text that fits nowhere else (never dropped)
)


@dataclass
class Fact:
    """A figure found in a clause, with the exact source text it came from."""

    kind: str                      # amount | percent | date | deadline
    text: str                      # verbatim source span, e.g. "最高50万元"
    value: float | None = None     # normalised: CNY for amounts, percent points, None for dates
    low: float | None = None       # range bounds (amount/percent); equal to value when not a range
    high: float | None = None
    qualifier: str | None = None   # "up_to" | "at_least" | "about" | None
    date: str | None = None        # ISO-like "2024-12" / "2024-02-26" / "2027" for dates and deadlines
    role: str | None = None        # the Chinese phrase the figure belongs to, e.g. "单个产品年保费补贴不超过500万元"
    role_parts: dict[str, str] | None = None  # what / for / to / per / of / cond: Chinese parts of `role`

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        return cls(**data)


@dataclass
class Clause:
    """One citable unit: text verbatim from the source, plus where it sits and what it says."""

    id: str
    doc_key: str                    # document number, or the title for documents without one
    doc_number: str | None          # 文号, e.g. 渝府办发〔2024〕22号; None for e.g. a regulation
    doc_title: str
    kind: str
    label: str                      # 三、（六） / 第十二条 / 专栏5 重大项目 3 / 附件 第149项
    label_en: str                   # Part III (6) / Article 12 / Box 5, major projects, no. 3
    path: list[str]                 # heading path, outermost first (Chinese headings, verbatim)
    text: str                       # verbatim clause text (after extraction repairs only)
    doc_title_en: str | None = None
    number: int | None = None       # annex task number
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline: str | None = None     # "2024-12"
    facts: list[Fact] = field(default_factory=list)
    source: str | None = None       # source file name
    flags: list[str] = field(default_factory=list)  # e.g. "no_doc_number"
    # document metadata, repeated on each clause so a citation can show it (index.doc_meta)
    doc_type: str | None = None     # gazette_notice | local_regulation | other
    doc_issuer: str | None = None   # 重庆市人民政府办公厅 / 重庆市人民代表大会常务委员会
    doc_date: str | None = None     # date of the text in force: last amendment, else adoption/issue
    doc_adopted: str | None = None  # adoption date of a regulation
    doc_amended: list[str] = field(default_factory=list)
    #: 款/项 spans of an article's text with their citation labels (index.paragraphs), empty for one paragraph
    paragraphs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def citation(self) -> str:
        """Chinese citation: `渝府办发〔2024〕22号 三、（六）` or `《条例》第十三条`."""
        if self.doc_number:
            return f"{self.doc_number} {self.label}"
        return f"《{self.doc_title}》{self.label}"

    def citation_en(self, doc_number_en: str | None = None) -> str:
        """English citation; `doc_number_en` is the romanised number when known."""
        if self.doc_number:
            return f"{doc_number_en or self.doc_number}, {self.label_en}"
        return f"{self.doc_title_en or self.doc_title}, {self.label_en}"

    @property
    def short_title(self) -> str:
        """The issued document's own name (《…》 inside 关于印发《…》的通知), else the title."""
        m = re.search(r"印发《(.+)》的?通知", self.doc_title)
        return m.group(1) if m else self.doc_title

    def context_header(self) -> str:
        """Short context embedded with the text: document name and heading path."""
        return " / ".join([self.short_title, *self.path])

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["facts"] = [f.to_dict() for f in self.facts]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Clause:
        names = cls.__dataclass_fields__
        data = {k: v for k, v in data.items() if k in names}
        data["facts"] = [Fact.from_dict(f) for f in data.get("facts", [])]
        return cls(**data)


@dataclass
class Document:
    """One document of an issue: the notice plus what it issues, under one document number."""

    key: str
    title: str
    doc_number: str | None = None
    title_en: str | None = None
    issuer: str | None = None
    date: str | None = None         # ISO date of issue (a regulation: of adoption)
    source: str | None = None
    flags: list[str] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    doc_type: str | None = None     # gazette_notice | local_regulation | other (index.doc_meta.DOC_TYPES)
    adopted: str | None = None      # a regulation's adoption date (题注)
    amended: list[str] = field(default_factory=list)   # its amendment dates, oldest first

    @property
    def version_date(self) -> str | None:
        """Date of the text in force: the last amendment, else the adoption or issue date."""
        dates = [d for d in (*self.amended, self.adopted, self.date) if d]
        return max(dates) if dates else None

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("clauses")
        data["clause_count"] = len(self.clauses)
        data["version_date"] = self.version_date
        return data


@dataclass
class GazetteIssue:
    """A parsed gazette issue (or a single document file, with empty issue metadata)."""

    name: str | None = None
    name_en: str | None = None
    year: int | None = None
    issue_no: int | None = None
    cumulative_no: int | None = None
    date: str | None = None
    publisher_en: str | None = None
    source: str | None = None
    documents: list[Document] = field(default_factory=list)

    @property
    def clauses(self) -> list[Clause]:
        return [c for d in self.documents for c in d.clauses]

    def metadata(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("documents")
        return data


def clause_id(doc_key: str, label_path: str) -> str:
    """Stable id from document key and label path (never from position or randomness)."""
    digest = hashlib.sha1(f"{doc_key}\x1f{label_path}".encode()).hexdigest()[:12]
    return f"c-{digest}"
