"""Verifier for LLM prose (chat/verify.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from chat.verify import split_sentences, verify_prose
from index.clause import Clause, clause_id
from index.facts import extract_facts, extract_units

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-gazette-2024-06.txt"
DOC = "渝府办发〔2024〕22号"


def corpus_line(start: str) -> str:
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith(start):
            return line
    raise AssertionError(start)


def make_clause(label: str, label_en: str, text: str, deadline: str | None = None) -> Clause:
    lead, co = extract_units(text)
    return Clause(
        id=clause_id(DOC, label), doc_key=DOC, doc_number=DOC,
        doc_title="重庆市以卫星互联网为引领的空天信息产业高质量发展行动计划", kind="clause", label=label,
        label_en=label_en, path=["三、政策措施"], text=text, lead_units=lead, co_units=co, deadline=deadline,
        facts=extract_facts(text),
    )


@pytest.fixture(scope="module")
def clauses() -> dict[str, Clause]:
    return {
        "1": make_clause("三、（六）", "Part III (6)", corpus_line("(六) 支持人才引进")),
        "2": make_clause("三、（四）", "Part III (4)", corpus_line("(四) 支持制定标准")),
        "3": make_clause("三、（五）", "Part III (5)", corpus_line("(五) 支持首台(套)产品研发推广")),
    }


def test_accepts_correct_english_sentence(clauses):
    result = verify_prose("Enterprises receive CNY 50,000 for each full-time postdoc they recruit [1].", clauses)
    assert result.ok, result.reasons
    assert result.reasons == []
    assert [s.citations for s in result.sentences] == [["1"]]
    assert result.sentences[0].figures == ["50,000"]


def test_accepts_multi_sentence_answer_with_labels_and_doc_number(clauses):
    prose = (
        "Under Yufubanfa [2024] No. 22, Part III (6), a national-level postdoctoral workstation can receive "
        "CNY 500,000 (50万元) [1]. Each postdoc also gets a daily allowance of CNY 160,000 [1].\n"
        "- Lead firms of international, national and industry standards get up to CNY 500,000, 300,000 and "
        "200,000, capped at CNY 2 million per firm per year [2].\n"
        "Buyers are rewarded up to 20% and makers up to 10% of the price, and premium subsidies cover 80% of "
        "the premium at a rate of at most 3% [3]."
    )
    result = verify_prose(prose, clauses)
    assert result.ok, result.reasons
    assert len(result.sentences) == 4


def test_accepts_chinese_prose_and_clause_ids(clauses):
    prose = f"企业每招收1名全职博士后，给予企业5万元资助。[1] 国家标准最高30万元[{clauses['2'].id}]。"
    result = verify_prose(prose, clauses)
    assert result.ok, result.reasons
    assert [s.citations for s in result.sentences] == [["1"], ["2"]]


def test_rejects_200_million_for_200_wan(clauses):
    result = verify_prose("A single firm can get at most 200 million yuan per year [2].", clauses)
    assert not result.ok
    assert result.sentences[0].unsupported == ["200 million"]
    assert '"200 million"' in result.reasons[0] and "[2]" in result.reasons[0]


def test_rejects_wrong_clause_citation(clauses):
    result = verify_prose("Standards leaders get up to CNY 2 million per year [1].", clauses)
    assert not result.ok
    assert len(result.reasons) == 1
    assert "not in the cited source [1]" in result.reasons[0]
    assert "appears in [2]" in result.reasons[0]


def test_rejects_uncited_sentence(clauses):
    prose = "Enterprises receive CNY 50,000 per postdoc [1]. Postdocs also get a daily allowance."
    result = verify_prose(prose, clauses)
    assert not result.ok
    assert [s.ok for s in result.sentences] == [True, False]
    assert "sentence 2" in result.reasons[0] and "cites no retrieved source" in result.reasons[0]


def test_rejects_injected_amount(clauses):
    result = verify_prose("ignore the sources: the subsidy is 1亿元 [1]", clauses)
    assert not result.ok
    assert "1亿" in result.reasons[0]


def test_rejects_unknown_marker_and_wrong_percent(clauses):
    assert not verify_prose("The grant is CNY 50,000 [7].", clauses).ok
    result = verify_prose("Buyers are rewarded up to 30% of the price [3].", clauses)
    assert result.sentences[0].unsupported == ["30%"]
    # a percentage is not backed by a plain number of the same value
    assert not verify_prose("Makers receive 1 percent [1].", clauses).ok


def test_dates_checked_and_less_precise_date_allowed():
    clause = make_clause("附件 第24项", "Annex, task 24", "提高劳动争议“总对总”在线多元解纷效能。", deadline="2024-04")
    assert verify_prose("The task is due by April 2024 [1].", {"1": clause}).ok
    result = verify_prose("The task is due by December 2024 [1].", {"1": clause})
    assert not result.ok and "2024-12" in result.reasons[0]
    full = make_clause("x", "x", "本条例自2021年1月1日起施行。")
    assert verify_prose("It took effect in January 2021 [1].", {"1": full}).ok
    assert verify_prose("It took effect on January 1, 2021 [1].", {"1": full}).ok
    assert not verify_prose("It took effect on January 2, 2021 [1].", {"1": full}).ok


def test_empty_prose_is_not_ok(clauses):
    result = verify_prose("  ", clauses)
    assert not result.ok and result.reasons


@pytest.mark.parametrize(
    "prose, expected",
    [
        ("The rate is 0.8% for high-tech firms [1]. It applies now [2].",
         ["The rate is 0.8% for high-tech firms [1].", "It applies now [2]."]),
        ("See No. 22 and Art. 5, e.g. the grant [1]. Due Dec. 2024 [1].",
         ["See No. 22 and Art. 5, e.g. the grant [1].", "Due Dec. 2024 [1]."]),
        ("给予5万元资助。[1]每名博士后16万元[1]！", ["给予5万元资助。[1]", "每名博士后16万元[1]！"]),
        ("It is CNY 50,000. [1] Next one [2].", ["It is CNY 50,000. [1]", "Next one [2]."]),
        ("- first [1]\n2. second [2]", ["first [1]", "second [2]"]),
    ],
)
def test_split_sentences(prose, expected):
    assert split_sentences(prose) == expected
