"""English words outside the glossary → Chinese BM25 keywords (`retriever.lexicon`, CC-CEDICT reverse senses)."""
from __future__ import annotations

import pytest

from index.tokenize import tokenize_zh
from retriever.dictionary import reverse_senses
from retriever.lexicon import Lexicon, context_words
from retriever.query import WEIGHTS, build_variants

pytestmark = pytest.mark.unit

CORPUS = ["轨道交通 票价 价格 主管部门 制定", "轨道交通 车站 票价 出入口", "出租 车费 计价", "出租 车费 营运", "车费 发票",
          "应当 车站", "应当 价格", "应当 出租", "应当 发票", "应当 营运"]
SENSES = {"fare": ["车费", "票价"], "ticket price": ["票价"], "station": ["车站"], "what": ["什么"],
          "shall": ["应当"], "invoice": ["发票"], "nonsense": ["不存在的词"]}


@pytest.fixture(autouse=True)
def _df_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retriever.lexicon.MAX_DF_SHARE", 0.4)      # ten clauses here: 应当 (6) is too common


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index(bm25s.tokenization.Tokenized(*_ids([d.split() for d in CORPUS])), show_progress=False)
    return Lexicon.from_bm25(bm25, SENSES)


def _ids(docs: list[list[str]]) -> tuple[list[list[int]], dict[str, int]]:
    vocab: dict[str, int] = {}
    return [[vocab.setdefault(t, len(vocab)) for t in d] for d in docs], vocab


def test_reverse_senses_split_at_semicolons_and_leave_verbs_out_on_request() -> None:
    senses = reverse_senses()
    assert "票价" in senses["fare"]                    # 票价 /ticket price; fare; admission fee/
    assert "票价" in senses["ticket price"]
    assert "领取" in senses["receive"]                  # "to receive" (a verb)
    assert "领取" not in reverse_senses(verbs=False).get("receive", ())
    assert "票价" in reverse_senses(verbs=False)["fare"]


def test_only_words_of_the_index_vocabulary_are_kept(lexicon: Lexicon) -> None:
    assert lexicon.senses[("fare",)] == ("车费", "票价")
    assert ("nonsense",) not in lexicon.senses and ("what",) not in lexicon.senses   # no token / a stop word
    assert lexicon.expand("What is the invoice?") == ["发票"]


def test_the_sense_sharing_clauses_with_the_question_wins(lexicon: Lexicon) -> None:
    assert lexicon.expand("What is the fare?") == ["车费"]                              # the frequent sense
    assert lexicon.expand("What is the fare?", context=["轨道交通"]) == ["票价"]        # the one beside 轨道交通
    assert lexicon.expand("the fare at the station") == ["票价", "车站"]               # the other word is context


def test_longest_phrase_first_and_glossary_positions_skipped(lexicon: Lexicon) -> None:
    assert lexicon.matches("ticket price and station") == [(0, 2, ("票价",)), (3, 1, ("车站",))]
    assert lexicon.expand("ticket price and station", skip={3}) == ["票价"]


def test_a_word_in_too_many_clauses_says_nothing(lexicon: Lexicon) -> None:
    assert lexicon.expand("What shall they do?") == []                  # 应当 is in half of the clauses


def test_context_words_are_chinese_tokens() -> None:
    assert context_words(["失业保险费", "5G"], tokenize_zh) == [t for t in tokenize_zh("失业保险费")]


def test_lexicon_variant_is_bm25_only_and_weighs_less_than_the_glossary() -> None:
    variants = build_variants("fare of the metro", "en", ["轨道交通"], None, "fare of the 轨道交通", ["票价"])
    assert [v.name for v in variants] == ["en", "glossary", "lexicon"]
    lex = variants[-1]
    assert lex.dense_text is None and lex.bm25_text == "票价" and lex.dense_weight == 0.0
    assert 0 < lex.bm25_weight < WEIGHTS["en_glossary"]["bm25"]
    assert [v.name for v in build_variants("票价", "zh", None, None, None, ["票价"])] == ["zh"]
