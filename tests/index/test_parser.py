"""Parser tests with exact expectations on the sample issue and on texts of other structures."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.errors import InputFileError
from index.parser import parse_file, parse_text

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "corpus" / "chongqing-gazette-2024-06.txt"
MORE = ROOT / "data" / "corpus" / "more"


@pytest.fixture(scope="module")
def issue():
    return parse_file(SAMPLE)


def _doc(issue, number):
    return next(d for d in issue.documents if d.doc_number == number)


def test_issue_metadata(issue):
    assert issue.name == "重庆市人民政府公报"
    assert (issue.year, issue.issue_no, issue.cumulative_no) == (2024, 6, 955)
    assert issue.date == "2024-03-31"
    assert issue.name_en == "Gazette of Chongqing Municipal People's Government"


def test_two_documents_with_dates_and_english_titles(issue):
    assert [d.doc_number for d in issue.documents] == ["渝府办发〔2024〕22号", "渝府办发〔2024〕27号"]
    d22, d27 = issue.documents
    assert d22.date == "2024-02-26" and d27.date == "2024-03-22"
    assert d22.issuer == "重庆市人民政府办公厅"
    assert d22.title == "重庆市人民政府办公厅关于印发《重庆市以卫星互联网为引领的空天信息产业高质量发展行动计划》的通知"
    assert "Led by Satellite Internet" in d22.title_en
    assert "Optimizing the Business Environment (2024-2027)" in d27.title_en
    assert d22.clauses[0].kind == "notice" and "请认真贯彻执行" in d22.clauses[0].text


def test_annex_has_208_rows_with_lead_unit_and_deadline(issue):
    rows = [c for c in _doc(issue, "渝府办发〔2024〕27号").clauses if c.kind == "annex_task"]
    assert [c.number for c in rows] == list(range(1, 209))
    assert all(c.lead_units and c.deadline for c in rows)
    row149 = rows[148]
    assert (row149.label, row149.label_en) == ("附件 第149项", "Annex, task 149")
    assert row149.text == "举办全球卓越工程师大赛，引育卓越工程师10000人。"
    assert row149.lead_units == ["市人力社保局"] and row149.deadline == "2024-12"
    assert row149.path[-2:] == ["五、提升创新环境专项行动", "（四）健全高素质人才梯次引育体系"]
    assert rows[23].lead_units == ["市人社局", "市高法院"] and rows[23].deadline == "2024-04"
    assert not any(c.text.startswith("序号") or "工作任务" == c.text for c in rows)


def test_27_plan_tasks_1_to_41(issue):
    tasks = [c for c in _doc(issue, "渝府办发〔2024〕27号").clauses if c.kind == "clause" and c.label.startswith("二、")]
    numbers = [int(m.group(1)) for c in tasks if (m := re.search(r"(\d+)\.$", c.label))]
    assert len(numbers) == len(tasks)
    assert numbers == list(range(1, 42))
    first = tasks[0]
    assert (first.label, first.label_en) == ("二、（一）1.", "Part II (1), item 1")
    assert "规范不含行政区划企业名称登记管理" in first.text   # word broken across lines joined
    assert first.lead_units == ["市市场监管局"]


def test_22_policy_measures_and_actions(issue):
    d22 = _doc(issue, "渝府办发〔2024〕22号")
    measures = [c for c in d22.clauses if c.label.startswith("三、")]
    assert [c.label for c in measures] == [f"三、（{n}）" for n in "一二三四五六七八九十"]
    talent = measures[5]
    assert talent.label_en == "Part III (6)" and talent.path == ["三、政策措施"]
    assert talent.lead_units == ["市教委", "市人力社保局"] and talent.co_units == ["市科技局"]
    assert [f.value for f in talent.facts if f.kind == "amount"] == [500000, 50000, 160000]
    actions = [c for c in d22.clauses if c.kind == "lead_in" and re.fullmatch(r"二、（.+）", c.label)]
    assert len(actions) == 10
    assert "对科技型企业和优秀人才团队主导" in measures[2].text   # "and" restored to 和


def test_boxes(issue):
    boxes = [c for c in _doc(issue, "渝府办发〔2024〕22号").clauses if c.kind == "box_item"]
    assert len(boxes) == 37
    b53 = next(c for c in boxes if c.label == "专栏5 重大项目 3")
    assert b53.label_en == "Box 5, major projects, no. 3"
    assert b53.text.startswith("3. 天地融合通信芯片研制项目。")
    assert b53.path == ["二、主要任务", "（五）空天信息核心制造业强链补链行动", "专栏5 空天信息核心制造业强链补链行动重点建设任务", "重大项目"]


def test_no_markup_separators_or_headers(issue):
    for c in issue.clauses:
        assert "<p>" not in c.text and "----" not in c.text and "序号\t" not in c.text
        assert "主管单位" not in c.text


def test_ids_unique_and_stable(issue):
    ids = [c.id for c in issue.clauses]
    assert len(ids) == len(set(ids))
    assert ids == [c.id for c in parse_file(SAMPLE).clauses]


def test_ids_survive_unrelated_edit():
    text = SAMPLE.read_text(encoding="utf-8")
    edited = text.replace("立足我市卫星互联网先发优势", "立足本市卫星互联网先发优势")
    before = {c.label: c.id for c in parse_text(text, "a.txt").clauses}
    after = {c.label: c.id for c in parse_text(edited, "b.txt").clauses}
    assert before == after


REGULATION = """重庆市河长制条例

（2020年7月30日重庆市第五届人民代表大会常务委员会第二十次会议通过）

第一章　总　　则

第一条　为了全面推行河长制，制定本条例。

第二条　本条例适用于本市行政区域内河长制的实施。

第二章　河长职责

第十三条　市级河长履行下列职责：
（一）组织领导河流的管理保护工作；
（二）协调解决重大问题。
对违反规定的，处五千元以上五万元以下罚款。
"""


def test_regulation_without_doc_number_is_cited_by_title():
    issue = parse_text(REGULATION, "reg.txt")
    (doc,) = issue.documents
    assert doc.doc_number is None and doc.flags == ["no_doc_number"] and doc.date == "2020-07-30"
    articles = [c for c in doc.clauses if c.kind == "article"]
    assert [c.label for c in articles] == ["第一条", "第二条", "第十三条"]
    art13 = articles[-1]
    assert art13.citation == "《重庆市河长制条例》第十三条" and art13.label_en == "Article 13"
    assert art13.path == ["第二章　河长职责"]
    assert "（二）协调解决重大问题。" in art13.text and "处五千元以上五万元以下罚款" in art13.text


def test_notice_with_measures_in_chapters_stays_one_document():
    issue = parse_file(MORE / "guofa-2018-41-iit-special-deductions.txt")
    (doc,) = issue.documents
    assert doc.doc_number == "国发〔2018〕41号" and doc.date == "2018-12-13" and doc.issuer == "国务院"
    arts = [c for c in doc.clauses if c.kind == "article"]
    assert len(arts) == 32 and arts[4].label == "第五条"
    assert [f.value for f in arts[4].facts if f.kind == "amount"] == [1000]


def test_smoking_regulation():
    issue = parse_file(MORE / "chongqing-public-smoking-control-regulation-2020.txt")
    (doc,) = issue.documents
    assert doc.title == "重庆市公共场所控制吸烟条例" and doc.date == "2020-09-29"
    assert len([c for c in doc.clauses if c.kind == "article"]) == 25


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
    ("随便写的一句话".encode(), "no gazette document recognised"),
])
def test_bad_input(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        parse_file(f)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        parse_file(tmp_path / "nope.txt")


def test_cli_parse_json(tmp_path):
    from click.testing import CliRunner

    from chat.cli import cli
    result = CliRunner().invoke(cli, ["parse", str(SAMPLE), "--json"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 345
    assert {"id", "doc_number", "kind", "label", "label_en", "path", "text", "facts", "lead_units", "deadline"} <= rows[0].keys()
    assert "渝府办发" in result.output  # not \\u-escaped


def test_cli_bad_file_exit_code(tmp_path):
    import subprocess
    import sys
    f = tmp_path / "empty.txt"
    f.write_text("")
    proc = subprocess.run([sys.executable, "-m", "chat.cli", "parse", str(f)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {f}: file is empty"
    assert "Traceback" not in proc.stderr
