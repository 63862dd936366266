"""ClauseFilter.mask (column-wise, once per distinct value) keeps exactly the clauses the predicate keeps."""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from index.filters import ClauseFilter, columns_of


def _filters(clauses):
    docs = sorted({c.doc_number for c in clauses if c.doc_number})[:3] + sorted({c.doc_key for c in clauses})[:2]
    units = sorted({u for c in clauses for u in c.lead_units})
    raw = [{"doc": d} for d in docs] + [{"kind": k} for k in sorted({c.kind for c in clauses})]
    raw += [{"lead_unit": u[:3]} for u in units[:4]] + [{"lead_unit": u} for u in units[-3:]]
    raw += [{"deadline_from": "2024-09"}, {"deadline_to": "2024"}, {"deadline_from": "2025", "deadline_to": "2026-06"},
            {"deadline_from": "2024-12", "deadline_to": "2024-12"}, {"doc_type": "gazette_notice"}]
    raw += [dict(a, **b) for a, b in itertools.product(raw[:3], raw[-5:-1])]
    raw += [{"lead_unit": units[0], "deadline_from": "2024-06"}, {"doc": "no such document"}]
    return [ClauseFilter.parse(r) for r in raw]


@pytest.mark.unit
def test_the_mask_equals_the_predicate_on_every_filter(sample_clauses):
    clauses = list(sample_clauses)
    assert any(c.lead_units for c in clauses) and any(c.deadline for c in clauses)
    kept = []
    for f in _filters(clauses):
        expected = np.array([f(c) for c in clauses])
        got = f.mask(clauses)
        assert got.dtype == bool and np.array_equal(got, expected), f.to_dict()
        kept.append(int(expected.sum()))
    assert min(kept) == 0 and max(kept) > 0 and len(set(kept)) > 5       # the filters really differ


@pytest.mark.unit
def test_columns_are_built_once_per_list_and_rebuilt_for_a_new_one(sample_clauses):
    clauses = list(sample_clauses)
    assert columns_of(clauses) is columns_of(clauses)
    changed = [replace(c, kind="notice") for c in clauses]
    f = ClauseFilter.parse({"kind": "notice"})
    assert f is not None
    assert f.mask(changed).all() and not f.mask(clauses).all()
    assert f.mask([]).shape == (0,)
