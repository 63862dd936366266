"""English questions refused although the documents answer them (issue 11, fr8): a place named only inside a
project's name is no scope, and "how soon / how fast / how much longer" ask for a time limit."""
from __future__ import annotations

from pathlib import Path

import pytest

from retriever.decision import answer_features, candidate_features
from retriever.evidence import CorpusStats, asked_kinds, holds, in_named_concept, read_question, states_span
from retriever.glossary import COLUMNS, Glossary
from tests.retriever.test_decision import clause, hits

pytestmark = pytest.mark.unit

ROWS = [
    ("疆电入渝", "Xinjiang-to-Chongqing power transmission project", "term",
     "Xinjiang electricity|Xinjiang power", ""),
    ("川渝特高压交流工程", "Sichuan-Chongqing UHV AC project", "term", "Sichuan-Chongqing UHV", ""),
    ("新疆", "Xinjiang", "term", "", ""),
    ("补贴", "subsidy", "term", "subsidies", ""),
    ("工程", "project", "term", "", ""),
]
ENERGY = clause("e1", "推动“疆电入渝”工程建设，力争川渝特高压交流工程建成投用。", doc="渝府办发〔2024〕27号",
                label="附件 第154项", kind="annex_task", doc_number="渝府办发〔2024〕27号", deadline="2024-12")


@pytest.fixture()
def glossary(tmp_path: Path) -> Glossary:
    path = tmp_path / "glossary.tsv"
    path.write_text("\n".join(["\t".join(COLUMNS), *("\t".join(r) for r in ROWS)]) + "\n", encoding="utf-8")
    return Glossary.from_tsv(path)


@pytest.mark.parametrize("question, place, inside", [
    ("When is the project bringing Xinjiang electricity to Chongqing expected to be finished?", "xinjiang", True),
    ("When will the Sichuan-Chongqing UHV line and the Xinjiang-to-Chongqing power transmission project be done?",
     "sichuan", True),
    ("Does Xinjiang give subsidies to postdocs?", "xinjiang", False),           # the place alone: a scope
    ("Is Xinjiang electricity cheaper than Xinjiang gas?", "xinjiang", False),  # once outside the name: a scope
])
def test_a_place_inside_a_glossary_name_is_part_of_that_name(glossary, question, place, inside):
    assert in_named_concept(question, place, glossary) is inside


def test_a_place_only_inside_a_project_name_is_no_other_region(glossary):
    q = "When is the project bringing Xinjiang electricity to Chongqing expected to be finished and running?"
    asks = read_question(q, "en", glossary)
    assert asks.places == []
    assert ("疆电入渝",) in asks.concepts
    stats = CorpusStats([ENERGY])
    row = candidate_features(asks, hits(ENERGY), stats, "en")[0]
    features = answer_features(asks, hits(ENERGY)[0], row, 0.5, hits(ENERGY), stats, "en")
    assert features["place_mismatch"] == 0.0 and features["out_of_scope"] == 0.0
    other = read_question("Does Xinjiang give subsidies to postdocs?", "en", glossary)
    assert other.places == ["新疆"]
    features = answer_features(other, hits(ENERGY)[0], row, 0.5, hits(ENERGY), stats, "en")
    assert features["place_mismatch"] == 1.0 and features["out_of_scope"] == 1.0


@pytest.mark.parametrize("question, kinds", [
    ("We just installed a boiler at our plant. How soon do we have to register it for use?", ["date"]),
    ("Once we pay the bills, how fast must the water company turn it back on?", ["date"]),
    ("How long does the institute have to finish it, and how much longer can it take for complex cases?",
     ["date"]),
    ("How much is the subsidy and how soon is it paid?", ["amount", "date"]),    # money asked as well
    ("How much does the permit cost?", ["amount"]),
])
def test_how_soon_how_fast_and_how_much_longer_ask_for_a_time_limit(question, kinds):
    assert asked_kinds(question) == kinds


SHELTER = clause("s20", "人民防空主管部门在收齐建设单位报送的有关资料后，在五个法定工作日内提出建设项目防空地下室设置意见；",
                 doc="重庆市人民防空条例", label="第二十条")


def test_a_number_of_statutory_working_days_is_a_time_limit():
    assert holds(SHELTER, "date") and states_span(SHELTER.text)
    assert not states_span("人民防空主管部门提出建设项目防空地下室设置意见。")


def test_a_fee_the_glossary_reads_as_a_rate_asks_for_a_share(tmp_path):
    path = tmp_path / "glossary.tsv"
    rows = [("担保费率", "guarantee fee rate", "term", "loan guarantee fee|guarantee fee", ""),
            ("登记", "registration", "term", "", "")]
    path.write_text("\n".join(["\t".join(COLUMNS), *("\t".join(r) for r in rows)]) + "\n", encoding="utf-8")
    glossary = Glossary.from_tsv(path)
    assert read_question("How low can our loan guarantee fee go?", "en", glossary).kinds == ["percent"]
    assert read_question("What is the registration fee?", "en", glossary).kinds == ["amount"]
    assert read_question("How much subsidy for the guarantee fee?", "en", glossary).kinds == ["amount"]
