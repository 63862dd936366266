"""Evidence added for the full-corpus decision: English words checked through CC-CEDICT, who a figure is paid
to, concepts jieba glued to function characters, follow-ups that ask for a deadline, the LLM judge's arithmetic
and the judge model in `decide`."""
from __future__ import annotations

import ctypes

import numpy as np
import pytest

from index.errors import GazetteError
from index.settings import Settings
from retriever.decision import (
    ANSWER_FEATURES,
    JUDGE_FEATURES,
    Logistic,
    answer_features,
    candidate_features,
    decide,
)
from retriever.evidence import (
    CorpusStats,
    asked_kinds,
    english_renderings,
    pays_other,
    read_question,
    states,
    zh_concepts,
)
from retriever.glossary import Glossary
from retriever.llm_judge import LocalJudge, _p_yes, judge_for
from tests.retriever.test_decision import STORE, TASK, _model, clause, hits

pytestmark = pytest.mark.unit

BANKS = clause("b1", "对发放普惠小微企业贷款较好的地方法人金融机构，按普惠小微贷款余额增量的1%提供激励资金。",
               doc="渝府办发〔2024〕27号", label="附件 第175项", kind="annex_task", doc_number="渝府办发〔2024〕27号",
               lead_units=["人行重庆市分行"], deadline="2024-12")
MEASURE = clause("m1", "提升跨境电商通关便利化水平，实行7×24小时预约通关。", doc="渝府办发〔2024〕27号",
                 label="二、（一）6.", kind="item", doc_number="渝府办发〔2024〕27号")
CUSTOMS = clause("t37", "完善跨境电商出口货物拼箱作业模式，提升跨境电商通关便利化。", doc="渝府办发〔2024〕27号",
                 label="附件 第37项", kind="annex_task", doc_number="渝府办发〔2024〕27号", lead_units=["重庆海关"],
                 deadline="2024-12")


@pytest.mark.parametrize("question, kinds", [
    ("How many working days does the department have to decide?", ["date"]),
    ("Within how many days must the government deal with it?", ["date"]),
    ("How far in advance must the operator report that it will stop operating?", ["date"]),
    ("有管辖权的部门要在多少个工作日内作出处理决定？", ["date"]),
    ("价格鉴证机构接受委托后几天内要作出鉴证结论？", ["date"]),
    ("How many odd-job markets will open?", ["count"]),           # things are counted
    ("How many items, and within how many days?", ["date", "count"]),
])
def test_a_number_of_days_asks_for_a_time_limit_not_a_count(question, kinds):
    assert asked_kinds(question) == kinds


def test_english_words_get_their_chinese_renderings():
    assert "签证" in english_renderings("visa")
    assert "农田" in english_renderings("farmland")
    assert set(english_renderings("wage")) & set(english_renderings("wages"))   # plural folded in
    assert english_renderings("zzzqx") == ()


def test_an_english_concept_absent_from_the_corpus_is_evidence_against_answering():
    asks = read_question("Can a foreign company buy a yacht in Chongqing?", "en", Glossary.load())
    assert any(w == "yacht" for w, _ in asks.en_words)          # no glossary row: CC-CEDICT gives 游艇
    stats = CorpusStats(STORE.clauses)
    rows = candidate_features(asks, hits(*STORE.clauses), stats, "en")
    row = answer_features(asks, hits(*STORE.clauses)[0], rows[0], 0.5, hits(*STORE.clauses), stats, "en")
    assert row["en_absent"] > 0 and rows[0]["en_cov"] < 1.0
    zh = read_question("Can a foreign company buy a yacht in Chongqing?", "zh")
    assert zh.en_words == []


def test_money_paid_to_banks_is_not_money_for_the_asker():
    assert pays_other(BANKS, read_question("小微企业贷款有什么贴息政策", "zh"))
    assert not pays_other(BANKS, read_question("银行发放小微企业贷款有什么激励", "zh"))
    assert not pays_other(TASK, read_question("小微企业贷款有什么贴息政策", "zh"))
    assert "amount" in read_question("小微企业贷款有什么贴息政策", "zh").kinds


def test_banks_incentive_gives_a_partial_answer_that_says_so():
    model = _model(-3.0)
    d = decide("小微企业贷款有什么贴息政策", "zh", hits(BANKS), _Store([BANKS, TASK]), model=model)
    assert d.verdict == "partial" and d.cited[0].clause.id == "b1"
    assert any("banks or financial institutions" in r for r in d.reasons)


def test_function_characters_are_not_part_of_a_concept():
    assert zh_concepts("企业上市过程中政府最多奖多少") == ["企业", "上市", "过程", "政府"]
    assert "小微" in zh_concepts("对小微企业贷款放得好的银行有什么激励")


def test_a_clause_states_a_deadline_only_with_one():
    assert states(CUSTOMS, "date") and not states(MEASURE, "date")      # "7×24小时" is no deadline
    assert states(CUSTOMS, "agency") and not states(MEASURE, "agency")


def test_a_deadline_follow_up_cites_the_topic_clause_that_has_one():
    store = _Store([MEASURE, CUSTOMS, TASK])
    d = decide("跨境电商通关便利化由哪个部门牵头 那截止时间呢", "zh", hits(MEASURE, CUSTOMS), store,
               model=_model(2.0, threshold=0.1), follow_up="那截止时间呢")
    assert d.verdict == "answer" and d.cited[0].clause.id == "t37" and d.asks == ["date"]
    none = decide("跨境电商通关便利化由哪个部门牵头 那截止时间呢", "zh", hits(MEASURE), store,
                  model=_model(2.0, threshold=0.1), follow_up="那截止时间呢")
    assert none.verdict == "partial" and any("states a date" in r for r in none.reasons)


WORDS = {w: 60000 + i for i, w in enumerate(("yes", "是", "Yes", "YES", "是的", "no", "否", "No", "NO", "不"))}


class FakeLlama:
    """Prompt tokens are characters, answer words have their own ids; the logits favour one answer word."""

    def __init__(self, favour: str) -> None:
        self.favour, self.input_ids, self.n_tokens, self.evaluated = favour, np.zeros(4096, int), 0, 0
        self._ctx = self
        self._logits = np.zeros(70000, dtype=np.float32)
        self._logits[WORDS[favour]] = 4.0

    def tokenize(self, text: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        s = text.decode("utf-8")
        return [WORDS[s]] if s in WORDS else [ord(ch) for ch in s]

    def eval(self, tokens: list[int]) -> None:
        self.input_ids[self.n_tokens:self.n_tokens + len(tokens)] = tokens
        self.n_tokens += len(tokens)
        self.evaluated += len(tokens)

    def n_vocab(self) -> int:
        return len(self._logits)

    def get_logits(self) -> object:
        return self._logits.ctypes.data_as(ctypes.POINTER(ctypes.c_float))


def test_p_yes_reads_the_answer_token_and_reuses_the_prompt_prefix():
    yes = FakeLlama("yes")
    assert _p_yes(yes, "question A clause 1") > 0.9
    assert _p_yes(FakeLlama("no"), "question A clause 1") < 0.1
    before = yes.evaluated
    _p_yes(yes, "question A clause 2")           # only the differing tail is evaluated again
    assert yes.evaluated - before == 1


def test_judge_is_off_unless_local_and_enabled(tmp_path):
    assert judge_for("local") is None and judge_for("none") is None          # off by default
    assert judge_for("none", enabled=True) is None
    assert judge_for("local", tmp_path / "missing.gguf", enabled=True) is None
    assert not LocalJudge.available(tmp_path / "missing.gguf")


def test_judge_settings_are_read_once_from_the_environment():
    on = Settings.from_env({"GAZETTE_JUDGE": "1", "GAZETTE_JUDGE_BUDGET": "0.5"})
    assert on.judge and on.judge_budget == 0.5
    assert not Settings.from_env({}).judge and Settings.from_env({}).judge_budget == 1.5
    with pytest.raises(GazetteError, match="GAZETTE_JUDGE_BUDGET"):
        Settings.from_env({"GAZETTE_JUDGE_BUDGET": "soon"})


class StubJudge:
    """Scores given per clause id (a stand-in for the local model in a unit test of the decision's use of it)."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def judge(self, question: str, clauses: list) -> dict[str, float]:
        return {c.id: self.scores[c.id] for c in clauses[:3] if c.id in self.scores}


def test_decide_uses_the_judge_model_only_when_the_judge_ran():
    model = _model(0.0, threshold=0.5)
    feats = ANSWER_FEATURES + JUDGE_FEATURES
    model.answer_judge = Logistic(feats, np.array([8.0 if f == "judge_best" else 0.0 for f in feats]), -4.0,
                                  np.zeros(len(feats)), np.ones(len(feats)))
    model.threshold_judge = 0.5
    store = _Store([MEASURE, CUSTOMS, TASK])
    q = "跨境电商通关便利化"
    plain = decide(q, "zh", hits(CUSTOMS, MEASURE), store, model=model)
    low = decide(q, "zh", hits(CUSTOMS, MEASURE), store, model=model, judge=StubJudge({"t37": 0.05}))
    high = decide(q, "zh", hits(CUSTOMS, MEASURE), store, model=model, judge=StubJudge({"t37": 0.95}))
    late = decide(q, "zh", hits(CUSTOMS, MEASURE), store, model=model, judge=StubJudge({}))
    assert low.verdict != "answer" and high.verdict == "answer"
    assert low.confidence < 0.1 < 0.9 < high.confidence and late.confidence == plain.confidence


class _Store:
    def __init__(self, clauses: list) -> None:
        self.clauses = clauses


def test_a_place_or_year_no_candidate_document_mentions_is_refused_however_confident():
    store = _Store([MEASURE, CUSTOMS, TASK])
    confident = _model(9.0, threshold=0.1)
    assert decide("跨境电商通关便利化措施", "zh", hits(CUSTOMS, MEASURE), store, model=confident).verdict == "answer"
    for q in ("成都跨境电商通关便利化措施", "2021年跨境电商通关便利化措施"):
        d = decide(q, "zh", hits(CUSTOMS, MEASURE), store, model=confident)
        assert d.verdict == "refuse" and d.cited == [], q
    chuanyu = clause("cy", "推动川渝跨境电商通关便利化协同。", doc="渝府办发〔2024〕27号", label="二、（一）7.",
                     kind="item", doc_number="渝府办发〔2024〕27号")
    d = decide("四川跨境电商通关便利化协同", "zh", hits(chuanyu), _Store([chuanyu]), model=confident)
    assert d.verdict == "answer"


def test_everyday_words_the_documents_never_use_are_not_missing_concepts():
    from retriever.decision import absent_concepts

    stats = CorpusStats(STORE.clauses)
    asks = read_question("他们打算什么时候核查评标专家的案底和公积金", "zh")
    absent = absent_concepts(asks, stats)
    assert "案底" in absent and "公积金" in absent
    assert "他们" not in absent and "打算" not in absent


def test_a_topic_free_follow_up_on_an_answered_topic_is_answered_with_the_clause_that_states_it():
    store = _Store([MEASURE, CUSTOMS, TASK])
    q, unsure = "跨境电商通关便利化由哪个部门牵头 那截止时间呢", _model(-9.0, threshold=0.5)
    kept = decide(q, "zh", hits(MEASURE, CUSTOMS), store, model=unsure, follow_up="那截止时间呢",
                  previous_cited=["m1"])
    assert kept.verdict == "answer" and kept.cited[0].clause.id == "t37" and kept.confidence >= 0.5
    fresh = decide(q, "zh", hits(MEASURE, CUSTOMS), store, model=unsure, follow_up="那截止时间呢")
    other_topic = decide(q, "zh", hits(MEASURE, CUSTOMS), store, model=unsure, follow_up="那截止时间呢",
                         previous_cited=["c1"])
    own_topic = decide(q, "zh", hits(MEASURE, CUSTOMS), store, model=unsure, follow_up="那吸烟罚款的截止时间呢",
                       previous_cited=["m1"])
    assert fresh.verdict != "answer" and other_topic.verdict != "answer" and own_topic.verdict != "answer"


def test_corpus_occurrence_with_the_pair_filter_is_plain_substring_search():
    stats = CorpusStats(STORE.clauses)
    text = stats.all_text
    terms = ["吸烟", "立法调研", "地理标志条例", "知识产权局", "不存在的词", "调研吸", "烟", "。", "",
             text[5:17], text[-6:], "标志条例完成"]
    assert [stats._in_text(t) for t in terms] == [t in text for t in terms]
    assert [stats.occurs(t) for t in terms] == [t in text for t in terms]
    assert stats.df("立法调研") == 1 and stats.df("不存在的词") == 0


def test_a_documents_coverage_is_read_once_per_question(monkeypatch):
    """Candidates of one document share its coverage (`cov_doc`): computed once per document and question, equal
    to the coverage of the document's text; a clause of a document the statistics do not hold uses its own text."""
    import retriever.decision as decision

    asks = read_question("跨境电商通关便利化由哪个部门牵头", "zh")
    stats = CorpusStats([BANKS, MEASURE, CUSTOMS])
    stray = clause("x1", "跨境电商通关便利化。", doc="另一文件", label="一、", kind="item", doc_number="另一文件")
    texts: list[str] = []
    real = decision._coverage

    def counted(a, hay, s):
        texts.append(hay)
        return real(a, hay, s)

    monkeypatch.setattr(decision, "_coverage", counted)
    rows = candidate_features(asks, hits(BANKS, MEASURE, CUSTOMS, stray), stats, "zh")
    doc = stats.doc_text["渝府办发〔2024〕27号"]
    assert texts.count(doc) == 1
    assert [r["cov_doc"] for r in rows[:3]] == [real(asks, doc, stats)[0]] * 3
    assert rows[3]["cov_doc"] == rows[3]["cov"] > 0
