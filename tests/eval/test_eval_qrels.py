"""The question sets: well-formed, big and balanced enough, and every gold label resolves to its stored id."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from eval.qrels import (
    CATEGORIES,
    DEFAULT_SET,
    HOLDOUT_SET,
    check_questions,
    label_index,
    load_questions,
    resolve_labels,
    sample_clauses,
)

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def labels():
    return label_index(sample_clauses())


@pytest.fixture(scope="module", params=[DEFAULT_SET, HOLDOUT_SET], ids=["main", "holdout"])
def qset(request):
    return load_questions(request.param)


def test_every_line_is_json_with_the_qrels_fields():
    for path in (DEFAULT_SET, HOLDOUT_SET):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert {"id", "lang", "query", "relevant", "relevant_labels", "answerable", "expected_facts",
                    "category"} <= set(row)


def test_sets_are_well_formed(qset):
    assert check_questions(qset) == []


def test_gold_labels_resolve_to_the_stored_ids(qset, labels):
    for q in qset:
        assert resolve_labels(q.relevant_labels, labels) == q.relevant, q.id


def test_main_set_size_language_balance_and_coverage():
    qs = load_questions(DEFAULT_SET)
    langs = Counter(q.lang for q in qs)
    assert len(qs) >= 80 and langs["zh"] >= 36 and langs["en"] >= 36
    ooc = [q for q in qs if not q.answerable]
    assert len(ooc) >= 10 and {q.lang for q in ooc} == {"zh", "en"}
    assert all(q.relevant == [] and q.category == "out_of_corpus" for q in ooc)
    cats = {(q.category, q.lang) for q in qs}
    for cat in ("amount", "eligibility", "agency", "deadline", "annex_task", "box_project", "paraphrase",
                "notice", "out_of_corpus"):
        assert (cat, "zh") in cats and (cat, "en") in cats, cat
    assert set(q.category for q in qs) <= set(CATEGORIES)


def test_holdout_is_separate_and_balanced():
    main, hold = load_questions(DEFAULT_SET), load_questions(HOLDOUT_SET)
    assert 15 <= len(hold) <= 30
    assert not {q.query for q in main} & {q.query for q in hold}
    assert not {q.id for q in main} & {q.id for q in hold}
    langs = Counter(q.lang for q in hold)
    assert langs["zh"] >= 8 and langs["en"] >= 8 and sum(not q.answerable for q in hold) >= 4


def test_expected_facts_occur_in_the_gold_clauses(qset):
    """Each answerable question's facts are findable in its gold clauses (text, units, deadline, number)."""
    from eval.metrics import fact_present

    by_id = {c.id: c for c in sample_clauses()}
    for q in qset:
        clauses = [by_id[i] for i in q.relevant]
        text = "\n".join(f"{c.citation} {c.text} {' '.join(c.lead_units)} {c.deadline or ''}" for c in clauses)
        missing = [f for f in q.expected_facts if not fact_present(f, text)]
        assert not missing, (q.id, missing)
