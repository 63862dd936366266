"""The corpus manifest: sources, per-document metadata, duplicates kept once, clear errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.corpus import DEFAULT_MANIFEST, load_corpus, read_manifest
from index.doc_notes import age_note, citation_extras, date_line
from index.errors import InputFileError

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(DEFAULT_MANIFEST)


def test_default_corpus(corpus):
    assert len(corpus.files) == 103
    assert len(corpus.documents) == 103                      # the sample's 2 + 100 regulations + guofa
    assert any("重庆市公共场所控制吸烟条例" in s for s in corpus.skipped)   # also in more/: kept once
    types = {d.doc_type for d in corpus.documents}
    assert types == {"gazette_notice", "local_regulation"}
    keys = [c.id for c in corpus.clauses]
    assert len(keys) == len(set(keys))
    sample = [d for d in corpus.documents if d.doc_number and d.doc_number.startswith("渝府办发")]
    assert [d.issuer for d in sample] == ["重庆市人民政府办公厅"] * 2


def test_manifest_entries_override_the_parse(tmp_path):
    src = ROOT / "data" / "corpus" / "chongqing-regulations" / "重庆市失业保险条例(2011-11-29).txt"
    (tmp_path / "a.txt").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "m.json").write_text(json.dumps({"sources": [{"path": "*.txt", "type": "other"}], "documents": {
        "重庆市失业保险条例": {"issuer": "某机关", "title_en": "Unemployment Insurance Regulations"}}},
        ensure_ascii=False), encoding="utf-8")
    (doc,) = load_corpus(tmp_path / "m.json").documents
    assert (doc.doc_type, doc.issuer, doc.title_en) == ("other", "某机关", "Unemployment Insurance Regulations")
    assert doc.clauses[3].doc_issuer == "某机关" and doc.clauses[3].doc_title_en == doc.title_en


@pytest.mark.parametrize("content, message", [
    ("{", "not a readable JSON"),
    ('{"sources": []}', "non-empty 'sources'"),
    ('{"sources": [{"path": "nothing-*.txt"}]}', "matches no file"),
    ('{"sources": [{"path": "a.txt", "type": "law"}]}', "has type 'law'"),
    ('{"sources": ["a.txt"], "documents": {"x": {"colour": 1}}}', "unknown field"),
])
def test_bad_manifests(tmp_path, content, message):
    (tmp_path / "m.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match=message):
        load_corpus(tmp_path / "m.json")
    with pytest.raises(InputFileError, match="no corpus manifest"):
        read_manifest(tmp_path / "none.json")


def test_citation_notes(corpus):
    import datetime as dt

    doc = next(d for d in corpus.documents if d.title == "重庆市失业保险条例")
    art = next(c for c in doc.clauses if c.label == "第九条")
    assert date_line(art, "zh") == "2003年9月26日通过，2010年7月23日、2011年11月25日修正"
    assert date_line(art, "en") == "adopted 26 September 2003, amended 23 July 2010 and 25 November 2011"
    note = age_note(art, "zh", dt.date(2026, 11, 30))
    assert note is not None and "2011年11月25日" in note
    assert age_note(art, "en", dt.date(2020, 1, 1)) is None
    quote = "有雇工的城镇个体工商户及其雇工按照上年度当地职工月平均工资的百分之三缴纳失业保险费，其中雇主缴费比例为百分之二，雇工缴费比例为百分之一。"
    extras = citation_extras(art, [quote], "en", art.citation, f"{doc.title_en}, {art.label_en}")
    assert extras["citation_zh"] == "《重庆市失业保险条例》第九条第三款"
    assert extras["citation"] == "Regulations of Chongqing Municipality on Unemployment Insurance, Article 9(3)"
    assert extras["paragraph"]["paragraph"] == 3


def test_quote_over_two_paragraphs_names_both(corpus):
    doc = next(d for d in corpus.documents if d.title == "重庆市优化营商环境条例")
    art = next(c for c in doc.clauses if c.label == "第三十二条")
    quote = ["电力企业、供电企业应当依法保障电力设施正常、稳定运行，保证供电可靠性，保证供电质量符合国家规定。",
             "市场主体申请接入低压供电的，供电企业接电时间不得超过八个工作日。"]
    extras = citation_extras(art, quote, "zh", art.citation, f"{doc.title_en}, {art.label_en}")
    assert extras["citation_zh"] == "《重庆市优化营商环境条例》第三十二条第一款、第三款"
    assert extras["citation_en"].endswith("Article 32(1), (3)")
    assert [p["paragraph"] for p in extras["paragraphs_quoted"]] == [1, 3]


def test_quote_of_a_list_item_names_the_item_once(corpus):
    """A quote of the lead-in and one item: `Article 48, item (1)`, not `Article 48, , item (1)`."""
    doc = next(d for d in corpus.documents if d.title == "重庆市动物防疫条例")
    art = next(c for c in doc.clauses if c.label == "第四十八条")
    lead, item = art.paragraphs[0], art.paragraphs[1]
    assert item["item"] == 1
    quote = [art.text[lead["start"]:lead["end"]].strip(), art.text[item["start"]:item["end"]].strip()]
    extras = citation_extras(art, quote, "en", art.citation, f"{doc.title_en}, {art.label_en}")
    assert extras["citation_en"].endswith("Article 48, item (1)"), extras["citation_en"]
    assert ", ," not in extras["citation_en"]
    assert extras["citation_zh"].endswith("第四十八条、第（一）项")
