"""The parser on 1,006 real local regulations: every article, paragraphs/items, 题注 metadata (parse only)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.doc_meta import parse_enactment
from index.paragraphs import article_parts, cn_number, locate
from index.parser import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "corpus" / "chongqing-regulations"
SHARED = ROOT.parent / "shared" / "corpus"
#: `第十五 条…`: an article whose number the source splits with a space; expected.jsonl's count (lines that
#: begin with 第X条) misses it, the parser must not.
_SPLIT_ARTICLE = re.compile(r"^第[零〇一二两三四五六七八九十百千]+[ \u3000]+条")


def _folders() -> list[Path]:
    folders = [BUNDLED]
    other = SHARED / "regulations-other"
    if (other / "expected.jsonl").is_file():
        folders.append(other)
    return folders


@pytest.mark.unit
@pytest.mark.slow
def test_every_article_of_every_regulation_file():
    """All files of the bundled Chongqing set (and the 906 others when ../shared is there): one document each,
    its title, and exactly the articles that `expected.jsonl` counts (plus space-split article numbers)."""
    problems, files, articles, expected = [], 0, 0, 0
    for folder in _folders():
        for row in map(json.loads, (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines()):
            path = folder / row["file"]
            issue = parse_file(path)
            split = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if _SPLIT_ARTICLE.match(line))
            labels = [c.label for c in issue.clauses if c.kind == "article"]
            files, articles = files + 1, articles + len(set(labels))
            expected += row["articles"] + split
            if len(issue.documents) != 1:
                problems.append(f"{row['file']}: {len(issue.documents)} documents")
            elif len(set(labels)) != row["articles"] + split or len(labels) != len(set(labels)):
                problems.append(f"{row['file']}: {len(labels)} articles, expected {row['articles']} + {split}")
    assert not problems, "\n".join(problems[:20])
    assert files in (100, 1006)
    # expected.jsonl counts 4,630 (Chongqing) / 44,042 (all); the space-split 第十五 条 adds 1 / 2 more
    assert expected == (4630 + 1 if files == 100 else 44042 + 2)
    assert articles == expected


@pytest.fixture(scope="module")
def business():
    (doc,) = parse_file(BUNDLED / "重庆市优化营商环境条例(2021-03-31).txt").documents
    return doc


@pytest.mark.unit
def test_regulation_metadata_and_paragraph_citation(business):
    assert (business.doc_type, business.issuer) == ("local_regulation", "重庆市人民代表大会常务委员会")
    assert business.adopted == business.date == business.version_date == "2021-03-31"
    art = next(c for c in business.clauses if c.label == "第三十二条")
    assert (art.doc_type, art.doc_date, art.doc_issuer) == ("local_regulation", "2021-03-31", business.issuer)
    assert [p["label"] for p in art.paragraphs] == ["第三十二条第一款", "第三十二条第二款", "第三十二条第三款"]
    part = locate(art.paragraphs, art.text, "市场主体申请接入低压供电的，供电企业接电时间不得超过八个工作日。")
    assert part is not None and (part["label"], part["label_en"]) == ("第三十二条第三款", "Article 32(3)")
    assert art.text[part["start"]:part["end"]].endswith("不得超过八个工作日。")


@pytest.mark.unit
def test_amended_regulation_dates():
    (doc,) = parse_file(BUNDLED / "重庆市失业保险条例(2011-11-29).txt").documents
    assert doc.adopted == "2003-09-26" and doc.amended == ["2010-07-23", "2011-11-25"]
    assert doc.version_date == "2011-11-25" and doc.clauses[0].doc_amended == doc.amended


@pytest.mark.unit
def test_autonomous_county_regulation_issuer_and_approval():
    note = ("2015年7月7日 彭水苗族土家族自治县第十六届人民代表大会第七次会议通过\n2015年7月30日 重庆市第四届人民代表大会"
            "常务委员会第十九次会议批准；2019年2月23日彭水苗族土家族自治县第十七届人民代表大会第四次会议修改，"
            "2019年3月28日重庆市第五届人民代表大会常务委员会第九次会议批准）")
    e = parse_enactment(note)
    assert e.issuer == "彭水苗族土家族自治县人民代表大会" and e.adopted == "2015-07-07"
    assert e.approved == ["2015-07-30", "2019-03-28"] and e.amended == ["2019-02-23"]
    assert e.version_date == "2019-02-23"


@pytest.mark.unit
def test_items_belong_to_their_paragraph():
    text = "第五条 下列事项：\n（一）甲；\n（二）乙。\n前款规定以外的事项，另行规定。"
    parts = article_parts(text)
    assert [(p["kind"], p["paragraph"], p["item"]) for p in parts] == [
        ("paragraph", 1, None), ("item", 1, 1), ("item", 1, 2), ("paragraph", 2, None)]
    issue = parse_text("某某条例\n2020年1月1日 某某市人民代表大会常务委员会第一次会议通过\n" + text)
    art = next(c for c in issue.clauses if c.kind == "article")
    assert art.paragraphs[2]["label"] == "第五条第一款第（二）项"
    assert art.paragraphs[2]["label_en"] == "Article 5(1), item (2)"
    assert cn_number(32) == "三十二" and cn_number(10) == "十"


@pytest.mark.unit
def test_repeated_and_split_title_stays_one_document():
    text = ("北京市实施《中华人民共和国反恐怖主义法》办法\n\n2023年7月28日 北京市第十六届人民代表大会常务委员会第四次会议通过\n\n"
            "北京市实施《中华人民共和国\n\n反恐怖主义法》办法\n\n第一条 为了防范恐怖活动，制定本办法。\n\n"
            "第二条 本办法自2023年10月1日起施行。\n")
    issue = parse_text(text)
    (doc,) = issue.documents
    assert [c.kind for c in doc.clauses] == ["preamble", "article", "article"]
    assert "反恐怖主义法》办法" not in doc.clauses[0].text


@pytest.mark.unit
def test_article_number_followed_by_xiang_word():
    """`第三十条 项目联合建设…` is an article; `第三条款` (no space) is not."""
    issue = parse_text("某某条例\n2020年1月1日 某某市人民代表大会常务委员会第一次会议通过\n"
                       "第一条 总则。\n第二条 项目联合建设，应当符合下列条件：\n（一）甲。\n")
    assert [c.label for c in issue.clauses if c.kind == "article"] == ["第一条", "第二条"]
