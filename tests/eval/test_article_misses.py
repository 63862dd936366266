"""Same-document misses of English questions and their kinds (`eval.article_misses`): unit tests on hand-made
clauses; the glossary is the shipped one (read, not searched)."""
from __future__ import annotations

from collections import Counter

import pytest

from eval.article_misses import ArticleMiss, Word, _mark, counts, miss_kinds, table, word_forms
from retriever.evidence import Asks
from retriever.glossary import Glossary
from tests.retriever.test_decision import clause

pytestmark = pytest.mark.unit

DOC = "《重庆市水资源管理条例》"
GOLD = clause("gold", "第四十条 取水单位和个人有下列行为之一，处五千元以上二万元以下罚款：（一）取水口未设置醒目标志的；",
              doc=DOC, label="第四十条")
WIN = clause("win", "第四十二条 取水许可证持有人未按照规定安装取水计量设施的，责令限期改正。", doc=DOC, label="第四十二条")


def test_marks_say_where_a_form_occurs():
    assert [_mark(t, "甲乙", "乙丙") for t in ("甲", "乙", "丙", "丁")] == ["+", "=", "-", "0"]


def test_word_forms_give_each_content_word_the_glossary_terms_covering_it():
    forms = word_forms("How much is the fine for smoking in a public place?", Glossary.load())
    assert "much" not in forms and "the" not in forms               # stop words are no content words
    assert "罚款" in forms["fine"] and forms["public"] == forms["place"] and forms["public"]


def test_kinds_of_a_miss():
    gold_word = [Word("sign", [], [("标志", "+")], True)]
    assert miss_kinds(gold_word, Asks(kinds=[], concepts=[]), GOLD, WIN) == ["gold-word", "list-item"]
    other_sense = [Word("register", [("登记", "0")], [("注册", "+")], True)]
    assert "other-sense" in miss_kinds(other_sense, Asks(kinds=[], concepts=[]), WIN, GOLD)
    unmapped = [Word("intake", [], [], False)]
    assert miss_kinds(unmapped, Asks(kinds=["amount"], concepts=[]), GOLD, WIN) == ["unmapped", "role", "list-item"]
    assert miss_kinds([Word("water", [("水资源", "=")], [], True)], Asks(kinds=[], concepts=[]), WIN, GOLD) == ["none"]


def test_table_and_counts():
    m = ArticleMiss("questions_x", "x-en01", "q", GOLD.citation, WIN.citation,
                    [Word("sign", [], [("标志", "+")], True), Word("intake", [], [], False)],
                    [("score_rel", 1.5)], ["gold-word", "unmapped"])
    text = table([m])
    assert "x-en01" in text and "sign[c:标志+]" in text and "intake[∅!]" in text and "score_rel +1.50" in text
    c = counts([m], Counter({"answerable": 3, "right": 1, "same-doc": 1, "other-doc": 1}))
    assert "same-document misses 1" in c and "| gold-word | 1 | 0 |" in c and "| unmapped | 1 | 0 |" in c
