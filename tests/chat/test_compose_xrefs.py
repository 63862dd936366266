"""Answer cards for a penalty article cited with the duty it enforces: the penalty first with its amount, and a
line naming the duty as the rule it enforces (unit tests on hand-made regulation text)."""
from __future__ import annotations

import pytest

from chat.compose import compose_answer, duty_notes
from index.clause import Clause
from index.facts import extract_facts
from retriever.decision import Decision
from retriever.glossary import Glossary
from retriever.search import Hit

pytestmark = pytest.mark.unit
DOC = "《重庆市专利促进与保护条例》"


def article(n: int, label: str, text: str, doc: str = DOC) -> Clause:
    return Clause(id=f"{doc}{n}", doc_key=doc, doc_number=None, doc_title=doc.strip("《》"), kind="article",
                  label=label, label_en=f"Article {n}", path=[], text=f"{label} {text}", facts=extract_facts(text))


DUTY = article(16, "第十六条", "任何单位和个人不得明知他人假冒专利，为其提供生产、销售场地以及广告等便利条件。")
PENALTY = article(28, "第二十八条", "违反本条例第十六条规定的，由市专利管理部门责令改正，没有违法所得的，可并处二千元以上二万元以下罚款。")
ELSEWHERE = article(16, "第十六条", "禁止在城市道路上运输易撒漏物质。", doc="《重庆市市容环境卫生管理条例》")


def test_duty_note_names_the_pair_only():
    assert duty_notes([PENALTY, DUTY], "zh") == ["[2]是[1]所指的规定（同一文件第十六条）。"]
    assert duty_notes([PENALTY, DUTY], "en") == ["[2] is the rule that [1] enforces (Article 16 of the same document)."]
    assert duty_notes([DUTY, PENALTY], "zh") == ["[1]是[2]所指的规定（同一文件第十六条）。"]
    assert duty_notes([PENALTY, ELSEWHERE], "zh") == []          # another document's article 16
    assert duty_notes([DUTY], "zh") == []


@pytest.mark.parametrize("lang, question, amount", [
    ("zh", "明知别人假冒专利还给他提供场地，罚多少？", "二千元以上二万元以下"),
    ("en", "What fine for renting space to a patent counterfeiter?", "CNY 2,000–20,000"),
])
def test_penalty_first_states_the_amount_and_names_the_duty(lang, question, amount):
    hits = [Hit(DUTY, 1.0, 0.8, 5.0, 1), Hit(PENALTY, 0.9, 0.7, 4.0, 2)]
    d = Decision("answer", 0.9, cited=[hits[1], hits[0]], asks=["amount"])
    card = compose_answer(question, lang, hits, True, glossary=Glossary.load() if lang == "en" else None,
                          decision=d).to_dict()
    assert [c["id"] for c in card["citations"]] == [PENALTY.id, DUTY.id]
    answer = card["answer"]
    assert amount in answer and answer.index(amount) < answer.index("[2]")
    assert answer.splitlines()[-1] == duty_notes([PENALTY, DUTY], lang)[0]
