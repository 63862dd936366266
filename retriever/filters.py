"""Metadata filters: document number, document type, clause kind, lead unit, deadline range."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from index.clause import KINDS, Clause
from index.doc_meta import DOC_TYPES
from index.errors import QueryError

FILTER_FIELDS = ("doc", "kind", "lead_unit", "deadline_from", "deadline_to", "doc_type")
_MONTH = re.compile(r"^\d{4}(-\d{2})?$")


def check_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    """Validated filters without empty values; `QueryError` for an unknown field or a malformed value."""
    clean = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    unknown = sorted(set(clean) - set(FILTER_FIELDS))
    if unknown:
        raise QueryError(f"unknown filter field(s): {', '.join(unknown)}; known: {', '.join(FILTER_FIELDS)}")
    if "kind" in clean and clean["kind"] not in KINDS:
        raise QueryError(f"unknown clause kind {clean['kind']!r}; known: {', '.join(KINDS)}")
    if "doc_type" in clean and clean["doc_type"] not in DOC_TYPES:
        raise QueryError(f"unknown document type {clean['doc_type']!r}; known: {', '.join(DOC_TYPES)}")
    for key in ("deadline_from", "deadline_to"):
        if key in clean and not _MONTH.match(str(clean[key])):
            raise QueryError(f"{key} must look like 2024-06 or 2024, not {clean[key]!r}")
    return clean


def _resolve_unit(unit: str) -> set[str]:
    """A lead unit as typed (Chinese, an alias, or its English name) → the Chinese names it stands for."""
    names = {unit.strip()}
    if re.search(r"[A-Za-z]", unit):
        from retriever.glossary import Glossary
        glossary = Glossary.load()
        names |= {zh for zh in glossary.expand_english(unit) if glossary.agency_en(zh)}
    return {n for n in names if n}


@dataclass
class ClauseFilter:
    """A clause predicate built from validated filters; `filters` lets a vector back-end filter natively."""

    filters: dict[str, Any]
    units: set[str] | None = field(init=False)

    def __post_init__(self) -> None:
        self.units = _resolve_unit(self.filters["lead_unit"]) if "lead_unit" in self.filters else None

    def __call__(self, c: Clause) -> bool:
        f = self.filters
        doc, kind, lo, hi = f.get("doc"), f.get("kind"), f.get("deadline_from"), f.get("deadline_to")
        if doc and doc not in (c.doc_number, c.doc_key):
            return False
        if kind and c.kind != kind:
            return False
        if f.get("doc_type") and c.doc_type != f["doc_type"]:
            return False
        if self.units is not None and not any(u in lead or lead in u for u in self.units for lead in c.lead_units):
            return False
        if lo or hi:
            if not c.deadline:
                return False
            if lo and c.deadline[: len(lo)] < lo:
                return False
            if hi and c.deadline[: len(hi)] > hi:
                return False
        return True


def predicate(filters: dict[str, Any]) -> ClauseFilter | None:
    """A clause predicate for validated filters, or None when nothing filters."""
    return ClauseFilter(dict(filters)) if filters else None
