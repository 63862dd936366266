"""`CorpusStats.df`: counted through the character-pair postings, equal to a scan of every clause."""
from __future__ import annotations

import pytest

from index.clause import Clause
from retriever.evidence import CorpusStats

pytestmark = pytest.mark.unit

TEXTS = ["第十九条 在禁止吸烟公共场所吸烟的，由相关监督管理部门责令改正，可以处五十元罚款。",
         "第五条 市民政部门负责全市最低生活保障的综合管理。",
         "第二十八条 违反本条例第十六条第二款规定的，由市专利管理部门责令改正，可并处二千元以上二万元以下罚款。",
         "第三条 吸烟吸烟吸烟，管理部门。"]


def _stats() -> CorpusStats:
    clauses = [Clause(id=f"c{i}", doc_key=f"《条例{i}》", doc_number=None, doc_title=f"条例{i}", kind="article",
                      label=t.split(" ")[0], label_en="", path=[], text=t) for i, t in enumerate(TEXTS)]
    return CorpusStats(clauses)


@pytest.mark.parametrize("term", ["罚款", "吸烟", "管理部门", "部门", "违反本条例第", "元", "第", "责令改正，",
                                  "不存在", "烟吸", "条例", "五十元罚款", "Z", "罚款。\n第"])
def test_df_counts_the_clauses_a_scan_counts(term: str) -> None:
    stats = _stats()
    assert stats.df(term) == sum(1 for h in stats.haystacks if term in h)


def test_df_of_a_term_in_one_clause_only() -> None:
    stats = _stats()
    assert stats.df("专利管理部门") == 1
    assert stats.df("管理部门") == 3          # a pair shared by three clauses, counted once per clause
    assert stats.df("吸烟吸烟") == 1          # a pair repeated inside one clause counts that clause once
    assert stats.df("卫星互联网") == 0
