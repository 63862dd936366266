"""eval.article_terms: candidate glossary terms article by article (a tiny corpus and glossary, no model)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.article_terms import candidates, covered_mask, load_articles, main
from retriever.glossary import Glossary

pytestmark = pytest.mark.unit

HEADER = "zh\ten\tkind\taliases_en\taliases_zh\n"

REG_A = """重庆市示例安全条例
第一条 为了规范叉车作业，制定本条例。
第二条 使用单位应当对叉车司机进行岗前培训。
第三条 使用单位未进行岗前培训的，处一万元罚款。
"""
REG_B = """重庆市示例卫生条例
第一条 为了保障公共卫生，制定本条例。
第二条 经营者应当保持店堂整洁。
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(REG_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(REG_B, encoding="utf-8")
    rows = [{"file": "a.txt", "title": "重庆市示例安全条例", "articles": 3},
            {"file": "b.txt", "title": "重庆市示例卫生条例", "articles": 2}]
    (tmp_path / "expected.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                             encoding="utf-8")
    return tmp_path


@pytest.fixture()
def gloss(tmp_path: Path) -> Glossary:
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + "罚款\tfine\tterm\tfines\t\n使用单位\tuser unit\tterm\t\t\n", encoding="utf-8")
    return Glossary.load(path)


def test_covered_mask_marks_the_longest_glossary_terms(gloss):
    text = "使用单位未培训的处罚款"
    mask = covered_mask(text, gloss)
    assert [c for c, m in zip(text, mask) if m] == list("使用单位罚款")


def test_uncovered_words_are_listed_with_their_articles_and_fine_sentences_marked(corpus, gloss):
    articles = load_articles(corpus)
    assert [label for label, _ in articles["重庆市示例安全条例"]] == ["第一条", "第二条", "第三条"]
    found = candidates(articles, ["重庆市示例安全条例"], gloss, top=20)["重庆市示例安全条例"]
    words = {c.word: c for c in found}
    assert "叉车" in words and words["叉车"].articles == ["第一条", "第二条"]
    assert words["叉车"].count == 2 and words["叉车"].df == 2
    assert "使用单位" not in words and "罚款" not in words        # the glossary covers them
    assert "条例" not in words                                     # boilerplate
    assert words["培训"].articles == ["第二条", "第三条"] and words["培训"].hot   # in the fine sentence (第三条)
    assert not words["叉车"].hot


def test_main_prints_each_regulation_and_refuses_a_bad_range(corpus, capsys):
    assert main(["--corpus", str(corpus), "--first", "2", "--last", "2", "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "## 2 重庆市示例卫生条例" in out and "示例安全" not in out
    assert main(["--corpus", str(corpus), "--first", "3", "--last", "2"]) == 2
    assert main(["--corpus", str(corpus / "missing")]) == 2
    assert "error:" in capsys.readouterr().err
