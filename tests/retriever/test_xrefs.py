"""Cross-references between a regulation's articles (`retriever.xrefs`) and what the decision does with them: the
penalty article brought into the candidates and cited first with its duty article. Unit tests on hand-made
regulation text; the real regulation is in test_xrefs_regulation.py."""
from __future__ import annotations

import numpy as np
import pytest

from index.clause import Clause
from index.facts import extract_facts
from index.labels import cn_to_int
from index.paragraphs import paragraph_list
from retriever.decision import (
    CANDIDATE_FEATURES,
    CANDIDATE_MODEL_FEATURES,
    DecisionModel,
    Logistic,
    candidate_features,
    concept_cover,
    decide,
    gather,
)
from retriever.evidence import Asks, CorpusStats, read_question
from retriever.search import Hit
from retriever.xrefs import (
    TOP,
    XREF_FEATURES,
    Ref,
    XrefIndex,
    asks_penalty,
    enforces,
    penalty_candidates,
    penalty_first,
    references,
    xrefs_of,
)

pytestmark = pytest.mark.unit
DOC = "《重庆市专利促进与保护条例》"


def article(label: str, text: str, doc: str = DOC) -> Clause:
    n = cn_to_int(label[1:-1])
    full = f"{label} {text}"
    return Clause(id=f"{doc}-{n}", doc_key=doc, doc_number=None, doc_title=doc.strip("《》"), kind="article",
                  label=label, label_en=f"Article {n}", path=[], text=full, facts=extract_facts(text),
                  paragraphs=paragraph_list(label, f"Article {n}", full))


def cover(text: str) -> float:
    """A stand-in for the question's concept coverage: the share of 场地, 广告, 强制 the text holds."""
    return sum(w in text for w in ("场地", "广告", "强制")) / 3


DUTY = article("第十六条", "任何单位和个人不得侵犯他人专利权、假冒专利。\n任何单位和个人不得明知有前款所列情形，为其提供生产、"
               "销售场地以及仓储、运输、广告等便利条件。")
PENALTY = article("第二十八条", "违反本条例第十六条第二款规定的，由市专利管理部门责令改正，没收违法所得，可以并处违法所得三倍以下的"
                  "罚款，没有违法所得的，可并处二千元以上二万元以下罚款。")
LAW = article("第二十九条", "假冒专利的，依照《中华人民共和国专利法》第十六条规定处罚。")
AGENCY = article("第五条", "市专利管理部门负责本市专利促进与保护工作。")
OTHER_DUTY = article("第十六条", "禁止在城市道路上运输易撒漏物质。", doc="《重庆市市容环境卫生管理条例》")
STORE_CLAUSES = [DUTY, PENALTY, LAW, AGENCY, OTHER_DUTY]


class Store:
    def __init__(self, clauses: list[Clause]) -> None:
        self.clauses = clauses


STORE = Store(STORE_CLAUSES)


def hits(*clauses: Clause) -> list[Hit]:
    return [Hit(c, 1.0 - 0.1 * i, 0.8 - 0.05 * i, 5.0 - i, rank=i) for i, c in enumerate(clauses)]


@pytest.mark.parametrize("text, refs", [
    ("违反本条例第十六条第二款规定的，责令改正", [Ref(16, 2)]),
    ("违反本办法第三条至第五条规定的", [Ref(3), Ref(4), Ref(5)]),
    ("违反本规定第十条、第十一条规定的", [Ref(10), Ref(11)]),
    ("违反本细则第二十条第一款第二项的", [Ref(20, 1, 2)]),
    ("违反第六十条第二款、第三款规定的", [Ref(60, 2), Ref(60, 3)]),
    ("有本条例第十八条所列行为之一的，责令限期改正", [Ref(18)]),
    ("违反本条列第四十九条第三项规定", [Ref(49, None, 3)]),      # a misprint of 本条例 in the source
    ("依照《中华人民共和国专利法》第六十三条规定处罚", []),            # another document's article
    ("按照招标投标法实施条例第五十五条的规定", []),
    ("第二十八条 违反本条例第十六条规定的", [Ref(16)]),               # its own label is not a reference
])
def test_reference_forms(text, refs):
    assert references(text) == refs


def test_reverse_map_links_within_the_document_only():
    xi = XrefIndex.build(STORE_CLAUSES)
    assert xi.enforced_by == {DUTY.id: [PENALTY.id]}      # 第二十九条 cites the national law's 第十六条: no link
    assert xi.enforces(PENALTY, DUTY) and not xi.enforces(PENALTY, OTHER_DUTY) and not xi.enforces(LAW, DUTY)
    assert xi.refers[PENALTY.id] == [(DUTY.id, Ref(16, 2))]
    assert xrefs_of(STORE) is xrefs_of(STORE)              # built once per loaded index


@pytest.mark.parametrize("question, kinds, asks", [
    ("明知别人卖假冒专利产品还给他提供场地，罚多少？", ["amount"], True),
    ("What fine could I face for renting booth space to a patent infringer?", ["amount"], True),
    ("What happens if we don't register?", [], True),
    ("违反规定提供场地要交多少钱", ["amount"], True),
    ("专利管理部门是哪个单位", ["agency"], False),
    ("Is it fine to rent booth space?", [], False),
    ("Who handles patent protection?", ["agency"], False),
])
def test_asks_penalty(question, kinds, asks):
    assert asks_penalty(question, kinds) is asks


def test_penalty_article_is_brought_into_the_candidates_with_its_duty_signals():
    found = hits(DUTY, AGENCY, OTHER_DUTY)
    out, xi = penalty_candidates("提供场地罚多少？", Asks(["amount"], []), found, STORE, cover)
    assert xi is not None and [h.clause.id for h in out] == [DUTY.id, AGENCY.id, OTHER_DUTY.id, PENALTY.id]
    assert (out[-1].dense, out[-1].bm25, out[-1].score) == (found[0].dense, found[0].bm25, found[0].score)
    # a duty below the top candidates brings nothing
    deep = hits(*([AGENCY] * TOP), DUTY)
    assert penalty_candidates("提供场地罚多少？", Asks(["amount"], []), deep, STORE, cover)[0] == deep


def test_a_question_not_asking_a_penalty_changes_nothing():
    found = hits(DUTY, AGENCY)
    asks = read_question("哪些行为不得为假冒专利提供便利？", "zh")
    out, xi = penalty_candidates("哪些行为不得为假冒专利提供便利？", asks, found, STORE, cover)
    assert out is found and xi is None and not asks.penalty
    stats = CorpusStats(STORE_CLAUSES)
    rows = candidate_features(read_question("哪些行为不得为假冒专利提供便利？", "zh"), found, stats, "zh", xi)
    assert all(r[f] == 0.0 for r in rows for f in XREF_FEATURES)


def test_xref_features_name_the_pair():
    q = "明知别人卖假冒专利产品还给他提供场地、广告便利，罚多少？"
    found, xi = penalty_candidates(q, Asks(["amount"], []), hits(DUTY, AGENCY), STORE, cover)
    stats = CorpusStats(STORE_CLAUSES)
    asks = read_question(q, "zh")
    rows = candidate_features(asks, found, stats, "zh", xi)
    by_id = {h.clause.id: r for h, r in zip(found, rows)}
    assert set(XREF_FEATURES) <= set(CANDIDATE_FEATURES) and set(CANDIDATE_MODEL_FEATURES) <= set(rows[0])
    # duty_cov is the coverage of the paragraph 第二十八条 names (第十六条第二款), not of the whole article
    assert by_id[PENALTY.id]["enforces_top"] == 1.0 and by_id[PENALTY.id]["duty_cov"] == concept_cover(asks, stats)(
        DUTY.text.split("\n")[1]) > 0
    assert by_id[DUTY.id]["enforced"] == 1.0 and by_id[DUTY.id]["enforces_top"] == 0.0
    assert by_id[AGENCY.id]["enforced"] == by_id[AGENCY.id]["sanctions"] == 0.0
    assert by_id[PENALTY.id]["sanctions"] == 1.0 and by_id[DUTY.id]["sanctions"] == 0.0


def model(weights: dict[str, float]) -> DecisionModel:
    """A decision model whose candidate score is a weighted sum of the given features and that always answers."""
    feats = CANDIDATE_FEATURES
    cand = Logistic(feats, np.array([weights.get(f, 0.0) for f in feats]), 0.0, np.zeros(len(feats)),
                    np.ones(len(feats)))
    ans = Logistic(("cov",), np.array([0.0]), 5.0, np.zeros(1), np.ones(1))
    return DecisionModel(cand, ans, threshold=0.5, partial_cov=0.9, cite_ratio=0.5, cite_min=0.05)


def test_the_penalty_is_cited_first_and_its_duty_with_it():
    q = "明知别人卖假冒专利产品还给他提供场地、广告便利，没有违法所得的话罚多少？"
    # a model that prefers the penalty article once it knows it enforces a top candidate
    d = decide(q, "zh", hits(DUTY, AGENCY), STORE, model=model({"enforces_top": 3.0, "cov": 1.0}))
    assert d.verdict == "answer"
    assert [h.clause.id for h in d.cited][:2] == [PENALTY.id, DUTY.id]


def test_a_duty_first_gives_way_to_its_cited_penalty():
    q = "明知别人卖假冒专利产品还给他提供场地、广告便利，罚多少？"
    # a model that scores on coverage only puts the duty first; the penalty, cited with it, goes first
    m = model({"cov": 1.0, "dense": 1.0})
    ev = gather(q, "zh", hits(DUTY, AGENCY), STORE, m)
    p = dict(zip([h.clause.id for h in ev.hits], ev.cand_p))
    assert p[DUTY.id] > p[PENALTY.id]
    assert [ev.hits[i].clause.id for i in ev.order][:2] == [PENALTY.id, DUTY.id]        # `penalty_first`
    d = decide(q, "zh", hits(DUTY, AGENCY), STORE, model=m)
    assert [h.clause.id for h in d.cited][:2] == [PENALTY.id, DUTY.id]


def test_a_question_about_the_duty_keeps_the_duty_first():
    q = "哪些单位和个人不得为假冒专利提供场地、广告便利？"
    m = model({"cov": 1.0, "dense": 1.0})
    d = decide(q, "zh", hits(DUTY, AGENCY), STORE, model=m)
    assert d.cited[0].clause.id == DUTY.id and PENALTY.id not in {h.clause.id for h in d.cited}


def test_penalty_first_needs_a_penalty_question_a_duty_first_and_a_reference():
    found = hits(DUTY, AGENCY, PENALTY, LAW)
    asks = Asks(["amount"], [], penalty=True)
    assert penalty_first([0, 1, 2, 3], found, asks) == [2, 0, 1, 3]
    assert penalty_first([0, 1, 2, 3], found, Asks(["amount"], [])) == [0, 1, 2, 3]     # not a penalty question
    assert penalty_first([2, 0, 1, 3], found, asks) == [2, 0, 1, 3]                     # the penalty is first
    assert penalty_first([1, 0, 2, 3], found, asks) == [1, 0, 2, 3]                     # 第五条 is not enforced
    other = hits(OTHER_DUTY, PENALTY)                                                   # another document's 第十六条
    assert penalty_first([0, 1], other, asks) == [0, 1]
    assert enforces(PENALTY, DUTY) and not enforces(LAW, DUTY) and not enforces(PENALTY, OTHER_DUTY)


TOUR = article("第二十条", "旅游经营者不得使用等级称谓和标识。\n旅游经营者不得擅自提高价格，禁止强制消费。", doc="《旅游条例》")
GRADE_FINE = article("第三十二条", "违反本条例第二十条第一款规定的，由旅游主管部门责令整改，并处五千元以上一万元以下罚款。",
                     doc="《旅游条例》")
SHOP_FINE = article("第三十三条", "违反本条例第二十条第二款规定，强制旅游者消费的，处一万元以上三万元以下罚款。", doc="《旅游条例》")


def test_the_penalty_of_the_paragraph_the_question_describes_is_brought_in():
    store = Store([TOUR, GRADE_FINE, SHOP_FINE])
    xi = XrefIndex.build(store.clauses)
    assert xi.enforced_by[TOUR.id] == [GRADE_FINE.id, SHOP_FINE.id]
    assert xi.enforced_text(SHOP_FINE.id, TOUR).endswith("禁止强制消费。") and "等级" not in xi.enforced_text(
        SHOP_FINE.id, TOUR)
    out, _ = penalty_candidates("导游强制游客购物罚多少", Asks(["amount"], []), hits(TOUR), store, cover)
    assert [h.clause.id for h in out] == [TOUR.id, SHOP_FINE.id]
    # a duty whose penalty retrieval found already brings no sibling penalty
    found = hits(TOUR, GRADE_FINE)
    assert penalty_candidates("导游强制游客购物罚多少", Asks(["amount"], []), found, store, cover)[0] == found
