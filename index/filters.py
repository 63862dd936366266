"""Metadata filters — document number, clause kind, lead unit, deadline range — as one type, `ClauseFilter`.

`ClauseFilter.parse(dict)` validates the user's filter dict (`QueryError` for an unknown field or a malformed
value) and returns None when nothing filters. The same object is a clause predicate (`f(clause)`), a row mask
(`f.mask(clauses)`) and what a dense index translates into its own filter language (Milvus: `filter_expr`).
A lead unit typed in English is resolved to Chinese names by the caller (`resolve_unit`, the glossary lives in
`retriever/`), so this module needs nothing above `index/`.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.clause import KINDS, Clause
from index.errors import QueryError

#: The filter fields, in the order they are documented (API, CLI, UI and the Milvus translation use this list).
FILTER_FIELDS = ("doc", "kind", "lead_unit", "deadline_from", "deadline_to")
_MONTH = re.compile(r"^\d{4}(-\d{2})?$")

#: A lead unit as typed → the Chinese unit names it stands for.
UnitResolver = Callable[[str], Iterable[str]]


def check_filters(filters: Mapping[str, Any] | None) -> dict[str, str]:
    """Validated filters without empty values; `QueryError` for an unknown field or a malformed value."""
    clean = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    unknown = sorted(set(clean) - set(FILTER_FIELDS))
    if unknown:
        raise QueryError(f"unknown filter field(s): {', '.join(unknown)}; known: {', '.join(FILTER_FIELDS)}")
    if "kind" in clean and clean["kind"] not in KINDS:
        raise QueryError(f"unknown clause kind {clean['kind']!r}; known: {', '.join(KINDS)}")
    for key in ("deadline_from", "deadline_to"):
        if key in clean and not _MONTH.match(str(clean[key])):
            raise QueryError(f"{key} must look like 2024-06 or 2024, not {clean[key]!r}")
    return {k: str(v) for k, v in clean.items()}


@dataclass(frozen=True)
class ClauseFilter:
    """Validated metadata filters; call it on a clause, or `mask` a clause list."""

    doc: str | None = None
    kind: str | None = None
    lead_unit: str | None = None             # as typed
    deadline_from: str | None = None
    deadline_to: str | None = None
    units: frozenset[str] | None = None      # the Chinese unit names `lead_unit` stands for

    @classmethod
    def parse(cls, filters: Mapping[str, Any] | None, resolve_unit: UnitResolver | None = None
              ) -> ClauseFilter | None:
        """A filter from a user dict (validated), or None when nothing filters."""
        clean = check_filters(filters)
        if not clean:
            return None
        units = None
        if "lead_unit" in clean:
            typed = clean["lead_unit"].strip()
            units = frozenset(n for n in {typed, *(resolve_unit(typed) if resolve_unit else ())} if n)
        return cls(**clean, units=units)

    def to_dict(self) -> dict[str, str]:
        """The validated fields that are set (what `parse` was given, cleaned)."""
        return {k: v for k in FILTER_FIELDS if (v := getattr(self, k))}

    def __call__(self, c: Clause) -> bool:
        if self.doc and self.doc not in (c.doc_number, c.doc_key):
            return False
        if self.kind and c.kind != self.kind:
            return False
        if self.units is not None and not self.matching_units(c.lead_units):
            return False
        lo, hi = self.deadline_from, self.deadline_to
        if lo or hi:
            if not c.deadline:
                return False
            if lo and c.deadline[: len(lo)] < lo:
                return False
            if hi and c.deadline[: len(hi)] > hi:
                return False
        return True

    def matching_units(self, leads: Iterable[str]) -> list[str]:
        """The lead units among `leads` this filter's unit matches (substring either way)."""
        units = self.units or frozenset()
        return [lead for lead in leads if any(u in lead or lead in u for u in units)]

    def mask(self, clauses: Sequence[Clause]) -> np.ndarray:
        """Boolean row mask of the clauses this filter keeps."""
        return np.fromiter((self(c) for c in clauses), dtype=bool, count=len(clauses))
