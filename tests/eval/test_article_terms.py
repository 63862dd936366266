"""eval/article_terms.py: an article's candidate words and their glossary coverage (no model)."""
from __future__ import annotations

import pytest

from eval.article_terms import content_words, coverage, main, regulation_files
from retriever.glossary import Glossary

pytestmark = pytest.mark.unit


def test_coverage_marks_exact_inner_and_missing_terms():
    gloss = Glossary.load()
    assert coverage("工资总额", gloss) == "+"          # a row
    assert coverage("工会经费收缴", gloss) == "~"      # a row's term inside a longer word
    assert coverage("脑力劳动者", gloss) == "-"


def test_content_words_keep_nouns_and_drop_boilerplate():
    words = content_words("建立工会的单位，按每月单位全部职工工资总额的百分之二拨缴工会经费。")
    assert "工会" in words and "单位" not in words
    assert all(len(w) >= 2 for w in words)


def test_regulation_files_by_line_span():
    files = regulation_files("52-53")
    assert [f.name[:7] for f in files] == ["重庆市工会条例", "重庆市市容环境"]
    with pytest.raises(ValueError):
        regulation_files("53-52")


def test_cli_rejects_missing_input(capsys):
    assert main([]) == 2
    assert main(["--regs", "x"]) == 2
    assert main(["no/such/file.txt"]) == 2
    assert "error:" in capsys.readouterr().err
