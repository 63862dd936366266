"""Metadata filters — document number, document type, clause kind, lead unit, deadline range — as one type,
`ClauseFilter`.

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
from index.doc_meta import DOC_TYPES
from index.errors import QueryError

#: The filter fields, in the order they are documented (API, CLI, UI and the Milvus translation use this list).
FILTER_FIELDS = ("doc", "kind", "lead_unit", "deadline_from", "deadline_to", "doc_type")
_MONTH = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?")
_BAD_CHARS = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FilterError(QueryError):
    """A malformed filter value (the API reports it under `filters`)."""


def is_clean_text(value: str) -> bool:
    """No lone UTF-16 surrogates (they cannot be encoded) and no control characters other than tab/newline."""
    return not _BAD_CHARS.search(value)

#: A lead unit as typed → the Chinese unit names it stands for.
UnitResolver = Callable[[str], Iterable[str]]


def check_filters(filters: Mapping[str, Any] | None) -> dict[str, str]:
    """Validated filters without empty values; `QueryError` for an unknown field or a malformed value."""
    clean = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    unknown = sorted(set(clean) - set(FILTER_FIELDS))
    if unknown:
        raise FilterError(f"unknown filter field(s): {', '.join(unknown)}; known: {', '.join(FILTER_FIELDS)}")
    for key, value in clean.items():
        if isinstance(value, str) and not is_clean_text(value):
            raise FilterError(f"{key} contains an invalid character (a lone surrogate or a control character)")
    if "kind" in clean and clean["kind"] not in KINDS:
        raise FilterError(f"unknown clause kind {clean['kind']!r}; known: {', '.join(KINDS)}")
    if "doc_type" in clean and clean["doc_type"] not in DOC_TYPES:
        raise FilterError(f"unknown document type {clean['doc_type']!r}; known: {', '.join(DOC_TYPES)}")
    for key in ("deadline_from", "deadline_to"):
        if key in clean and not _MONTH.fullmatch(str(clean[key])):
            raise FilterError(f"{key} must be a month YYYY-MM (01–12) or a year YYYY, not {clean[key]!r}")
    return {k: str(v) for k, v in clean.items()}


@dataclass(frozen=True)
class ClauseFilter:
    """Validated metadata filters; call it on a clause, or `mask` a clause list."""

    doc: str | None = None
    kind: str | None = None
    lead_unit: str | None = None             # as typed
    deadline_from: str | None = None
    deadline_to: str | None = None
    doc_type: str | None = None              # gazette_notice | local_regulation | other
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
        if self.doc_type and c.doc_type != self.doc_type:
            return False
        if self.units is not None and not self.matching_units(c.lead_units):
            return False
        return self.keeps_deadline(c.deadline)

    def matching_units(self, leads: Iterable[str]) -> list[str]:
        """The lead units among `leads` this filter's unit matches (substring either way)."""
        units = self.units or frozenset()
        return [lead for lead in leads if any(u in lead or lead in u for u in units)]

    def keeps_deadline(self, deadline: str | None) -> bool:
        """Whether a clause with this deadline passes the deadline range (True when no range is set)."""
        lo, hi = self.deadline_from, self.deadline_to
        if not (lo or hi):
            return True
        if not deadline:
            return False
        return not ((lo and deadline[: len(lo)] < lo) or (hi and deadline[: len(hi)] > hi))

    def mask(self, clauses: Sequence[Clause]) -> np.ndarray:
        """Boolean row mask of the clauses this filter keeps: each test runs once per distinct value of its field
        (`FilterColumns`, built once per clause list), so a 1M-clause index filters in milliseconds."""
        cols = columns_of(clauses)
        keep = np.ones(len(clauses), dtype=bool)
        if self.doc:
            keep &= cols.doc_number.equals(self.doc) | cols.doc_key.equals(self.doc)
        if self.kind:
            keep &= cols.kind.equals(self.kind)
        if self.doc_type:
            keep &= cols.doc_type.equals(self.doc_type)
        if self.units is not None:
            keep &= cols.lead_units.matches(lambda v: bool(self.matching_units([v])))
        if self.deadline_from or self.deadline_to:
            keep &= cols.deadline.matches(self.keeps_deadline)
        return keep


@dataclass(frozen=True)
class Column:
    """One field of every clause as codes into its distinct values."""

    code_of: dict[Any, int]          # distinct value → its code, in code order
    codes: np.ndarray

    @classmethod
    def of(cls, items: Iterable[Any]) -> Column:
        index: dict[Any, int] = {}
        codes = [index.setdefault(v, len(index)) for v in items]
        return cls(index, np.asarray(codes, dtype=np.int32))

    def equals(self, value: Any) -> np.ndarray:
        """Row mask of the rows whose value is `value`."""
        code = self.code_of.get(value)
        return self.codes == code if code is not None else np.zeros(len(self.codes), dtype=bool)

    def matches(self, test: Callable[[Any], bool]) -> np.ndarray:
        """Row mask of the rows whose value passes `test` (run once per distinct value)."""
        passed = np.fromiter((bool(test(v)) for v in self.code_of), dtype=bool, count=len(self.code_of))
        return passed[self.codes] if len(self.codes) else np.zeros(0, dtype=bool)


@dataclass(frozen=True)
class MultiColumn:
    """A list field (lead units) as distinct values and, per value, the rows that hold it."""

    values: list[str]
    rows: list[np.ndarray]
    n: int

    @classmethod
    def of(cls, lists: Sequence[Iterable[str]]) -> MultiColumn:
        index: dict[str, list[int]] = {}
        for row, items in enumerate(lists):
            for v in items:
                index.setdefault(v, []).append(row)
        return cls(list(index), [np.asarray(r, dtype=np.int64) for r in index.values()], len(lists))

    def matches(self, test: Callable[[str], bool]) -> np.ndarray:
        """Row mask of the rows holding at least one value that passes `test`."""
        keep = np.zeros(self.n, dtype=bool)
        for value, rows in zip(self.values, self.rows):
            if test(value):
                keep[rows] = True
        return keep


@dataclass(frozen=True)
class FilterColumns:
    """The filterable fields of a clause list, column-wise."""

    doc_number: Column
    doc_key: Column
    kind: Column
    doc_type: Column
    deadline: Column
    lead_units: MultiColumn

    @classmethod
    def of(cls, clauses: Sequence[Clause]) -> FilterColumns:
        return cls(Column.of(c.doc_number for c in clauses), Column.of(c.doc_key for c in clauses),
                   Column.of(c.kind for c in clauses), Column.of(c.doc_type for c in clauses),
                   Column.of(c.deadline for c in clauses), MultiColumn.of([c.lead_units for c in clauses]))


#: Columns of the clause lists filtered lately, by list identity (the list is held so its id stays its own).
_COLUMNS: dict[int, tuple[Sequence[Clause], int, FilterColumns]] = {}
_COLUMNS_KEPT = 4


def columns_of(clauses: Sequence[Clause]) -> FilterColumns:
    """`FilterColumns` of a clause list, built on first use and kept for the few lists in use (an index's clauses
    are not changed in place: a new index version is a new list)."""
    hit = _COLUMNS.get(id(clauses))
    if hit is not None and hit[0] is clauses and hit[1] == len(clauses):
        return hit[2]
    cols = FilterColumns.of(clauses)
    if len(_COLUMNS) >= _COLUMNS_KEPT:
        _COLUMNS.pop(next(iter(_COLUMNS)))
    _COLUMNS[id(clauses)] = (clauses, len(clauses), cols)
    return cols
