"""Everyday English words the glossary and the lexicon must not read as one narrow concept (issue 11, alias8).

A one-word alias such as "factory" → 工业项目 or "shop" → 销售者 adds a wrong Chinese term to BM25, to the code-mixed
dense query and to the decision's concepts whenever an investor uses the everyday word. The audited words expand to
nothing or to the corpus's general term; the narrow rows keep their specific phrasings. The lexicon (CC-CEDICT
senses of the words outside the glossary) gives no sense for units and measures."""
from __future__ import annotations

import pytest

from retriever.dictionary import reverse_senses
from retriever.glossary import Glossary
from retriever.lexicon import STOPWORDS, Lexicon

pytestmark = pytest.mark.unit


# Generic words that used to stand for one narrow row (the row in the comment) and now map to nothing.
TO_NOTHING = [
    "build", "building", "buildings",              # 建筑物 (build a platform, a factory …)
    "factory", "factories",                        # 工业项目
    "shop", "shops",                               # 销售者 (the tobacco regulation's sellers)
    "senior", "seniors",                           # 老年人 (senior engineers)
    "customer", "customers",                       # 消费者
    "unpaid bills",                                # 拖欠中小企业账款 (water and power bills too)
    "certificate",                                 # 证照
    "guarantee",                                   # 融资担保
    "limit", "limits",                             # 限额 (time limit, speed limit)
    "relocate", "relocating",                      # 落户
    "campaign",                                    # 专项行动
    "bar", "bars",                                 # 餐饮服务场所
    "population",                                  # 户籍人口
    "distribution",                                # 物流配送
    "carrier",                                     # 基础电信企业
    "cheating", "minerals", "verification",        # 考试, 大宗货物, 测试
]

# Generic words moved from a narrow row to the corpus's general term.
TO_GENERAL = [
    ("permit", ["许可证"]), ("licence", ["许可证"]), ("licenses", ["许可证"]),   # not 证照 (高频证照 …)
    ("unemployment", ["失业保险"]),                                             # not 登记失业人员
    ("elderly", ["老年人"]),                                                    # not 赡养老人 (a tax deduction)
    ("lift", ["电梯"]), ("elevators", ["电梯"]),                                # not 公用电梯
    ("mortgage", ["抵押"]),                                                     # not 住房贷款利息
]

# The narrow rows keep their own phrasings.
SPECIFIC = [
    ("senior citizens", "老年人"), ("buildings and structures", "建筑物"), ("late payment", "拖欠中小企业账款"),
    ("housing rent deduction", "住房租金"), ("mortgage interest", "住房贷款利息"), ("loan guarantee", "融资担保"),
    ("special campaign", "专项行动"), ("public elevators", "公用电梯"), ("business licence", "证照"),
    ("manufacturing project", "工业项目"), ("registered unemployed", "登记失业人员"), ("elderly support", "赡养老人"),
    ("convenience store", "销售者"), ("quota", "限额"),
]


@pytest.mark.parametrize("word", TO_NOTHING)
def test_generic_word_expands_to_nothing(gloss: Glossary, word: str) -> None:
    assert gloss.expand_english(word) == []


@pytest.mark.parametrize("word, expected", TO_GENERAL)
def test_generic_word_expands_to_the_general_term(gloss: Glossary, word: str, expected: list[str]) -> None:
    assert gloss.expand_english(word) == expected


@pytest.mark.parametrize("phrase, zh", SPECIFIC)
def test_the_narrow_row_keeps_its_specific_phrasing(gloss: Glossary, phrase: str, zh: str) -> None:
    assert zh in gloss.expand_english(phrase)


@pytest.mark.parametrize(
    "query, wrong",
    [
        ("Can I build a factory on rural land?", {"建筑物", "工业项目"}),
        ("We're opening a shop in Chongqing. How long does the power hook-up take?", {"销售者"}),
        ("We'd like to bring over senior engineers from abroad.", {"老年人"}),
        ("Our customers work in mountain areas with weak mobile signal.", {"消费者"}),
        ("Who pays the unpaid bills for water and power?", {"拖欠中小企业账款"}),
        ("What big rocket platform is Chongqing planning to build?", {"建筑物"}),
        ("How long is a small food workshop permit good for?", {"证照"}),
    ],
)
def test_questions_do_not_take_the_narrow_reading(gloss: Glossary, query: str, wrong: set[str]) -> None:
    assert not wrong & set(gloss.expand_english(query))


def test_the_en_name_is_no_generic_word(gloss: Glossary) -> None:
    # the row's English name is matched like an alias: 建筑物 and 限额 are named so that "build" and "limit" miss them
    assert gloss.term_en("建筑物") == "building structures" and gloss.term_en("限额") == "quota"


# ---------------------------------------------------------------- lexicon: units and measures
UNITS = ["500 meters", "5 metres", "2 kilometres", "3 km", "10 percent", "2 million", "3 billion yuan", "100 RMB",
         "30 minutes", "20 kg", "10 tons", "3 floors"]
# CC-CEDICT senses (each a BM25 token of the toy index below) that the units and generic words would otherwise give
CORPUS = ["仪表 计量", "百分 比例", "百万 资金", "十亿 资金", "详细 说明", "地面 建设", "以内 期限", "办事处 设立",
          "发票 开具", "平方米 面积", "公顷 土地", "计量 标准"]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    import bm25s

    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in doc.split()] for doc in CORPUS]
    bm25 = bm25s.BM25()
    bm25.index(bm25s.tokenization.Tokenized(ids, vocab), show_progress=False)
    return Lexicon.from_bm25(bm25, reverse_senses())


@pytest.fixture(autouse=True)
def _df_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retriever.lexicon.MAX_DF_SHARE", 0.5)     # twelve clauses here


@pytest.mark.parametrize("text", UNITS)
def test_units_and_measures_yield_no_sense(lexicon: Lexicon, text: str) -> None:
    assert lexicon.expand(text) == []


@pytest.mark.parametrize("text", ["within 30 days", "our office", "the ground floor"])
def test_generic_words_yield_no_sense(lexicon: Lexicon, text: str) -> None:
    assert lexicon.expand(text) == []


def test_the_units_would_have_a_sense_without_the_stop_list() -> None:
    senses = reverse_senses()
    assert "仪表" in senses["meter"] and "百万" in senses["million"]     # why the stop list is needed
    assert {"meter", "meters", "percent", "yuan", "kilometres", "within", "office"} <= STOPWORDS


def test_content_words_and_area_units_still_yield_their_sense(lexicon: Lexicon) -> None:
    assert lexicon.expand("an invoice") == ["发票"]                   # the lexicon still works
    assert lexicon.expand("50 square meters") == ["平方米"]           # a phrase that is a measure the clauses use
    assert lexicon.expand("5 hectares") == ["公顷"]
