"""PDF input: the sample issue rendered to a real PDF parses to the same clauses as its text; bad PDFs fail clearly."""
from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from index.errors import InputFileError
from index.parser import parse_file
from index.parser import parse_file as parse_gazette_file
from index.pdf import _Block, _drop_running_marks, _join, pdf_to_text
from index.sources import read_gazette_text

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "corpus" / "chongqing-gazette-2024-06.txt"
#: Share of clauses whose text must come out of the PDF exactly as out of the text file (measured: 345/345).
MIN_EXACT_SHARE = 0.95


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import make_sample_pdf

    try:
        return make_sample_pdf.sample_pdf(SAMPLE, tmp_path_factory.mktemp("pdf") / "chongqing-gazette-2024-06.pdf")
    except RuntimeError as exc:
        pytest.skip(f"cannot render the sample PDF: {exc}")


@pytest.fixture(scope="module")
def pdf_text(sample_pdf: Path) -> str:
    return pdf_to_text(sample_pdf)


@pytest.mark.slow
def test_pdf_clauses_match_text(sample_pdf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from_text = parse_file(SAMPLE)
    from_pdf = parse_gazette_file(sample_pdf)
    assert [d.doc_number for d in from_pdf.documents] == [d.doc_number for d in from_text.documents]
    assert [d.date for d in from_pdf.documents] == [d.date for d in from_text.documents]
    a, b = from_text.clauses, from_pdf.clauses
    assert [c.id for c in b] == [c.id for c in a]
    assert [c.citation for c in b] == [c.citation for c in a]
    assert [(c.kind, c.label_en, c.path) for c in b] == [(c.kind, c.label_en, c.path) for c in a]
    diffs = [(x, y) for x, y in zip(a, b) if x.text != y.text]
    share = 1 - len(diffs) / len(a)
    with capsys.disabled():
        print(f"\nPDF vs text: {len(a) - len(diffs)}/{len(a)} clause texts identical ({share:.1%})")
        for x, y in diffs[:20]:
            ops = difflib.SequenceMatcher(None, x.text, y.text).get_opcodes()
            print(f"  {x.citation}: " + "; ".join(f"{op} {x.text[i1:i2]!r}→{y.text[j1:j2]!r}"
                                                  for op, i1, i2, j1, j2 in ops if op != "equal")[:300])
    assert share >= MIN_EXACT_SHARE
    assert [c.deadline for c in b] == [c.deadline for c in a]


def test_tables_come_out_as_tab_rows(pdf_text: str) -> None:
    lines = pdf_text.splitlines()
    assert "序号\t工作任务\t牵头单位\t完成时间" in lines
    assert any(line.startswith("1\t推行企业名称申报承诺制") and line.endswith("\t市市场监管局\t2024年12月")
               for line in lines)
    box_rows = [line for line in lines if line.startswith("重大项目\t1. 卫星互联网运营服务平台项目")]
    assert len(box_rows) == 1 and "2. 卫星互联网应用标准构建项目" in box_rows[0]


def test_headers_and_page_numbers_dropped(pdf_text: str) -> None:
    source = SAMPLE.read_text(encoding="utf-8")
    assert pdf_text.count("重庆市人民政府公报") == source.count("重庆市人民政府公报")  # masthead kept, header gone
    assert "— 3 —" not in pdf_text and "— 12 —" not in pdf_text


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    pytest.importorskip("reportlab", reason="reportlab (test extra) renders the image-only PDF")
    import make_sample_pdf

    scanned = make_sample_pdf.render_image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputFileError, match=r"no text layer \(scanned\?\) — OCR is needed"):
        read_gazette_text(scanned)


def test_truncated_pdf_is_a_clear_error(sample_pdf: Path, tmp_path: Path) -> None:
    data = sample_pdf.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="truncated or damaged"):
        pdf_to_text(cut)
    mangled = tmp_path / "mangled.pdf"
    mangled.write_bytes(data[:200] + b"\x00garbage" * 64 + b"\n%%EOF\n")
    with pytest.raises(InputFileError, match="mangled.pdf: PDF is damaged and cannot be read"):
        pdf_to_text(mangled)


def test_not_a_pdf_and_empty_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("just text, no document", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a PDF"):
        read_gazette_text(fake)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        pdf_to_text(empty)


def test_pdf_without_a_document(tmp_path: Path) -> None:
    pytest.importorskip("reportlab", reason="reportlab (test extra) renders the PDF")
    import make_sample_pdf

    font = make_sample_pdf.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font")
    text = "今天天气很好，我们去公园散步。\n\n晚上回家吃饭。\n"
    pdf = make_sample_pdf.render_text_pdf(text, tmp_path / "x.pdf", font)
    with pytest.raises(InputFileError, match="no gazette document recognised"):
        parse_gazette_file(pdf)


def test_join_spaces_only_between_latin_words() -> None:
    assert _join("关于印发《重庆市", "行动计划》") == "关于印发《重庆市行动计划》"
    assert _join("the Development of", "Aerospace") == "the Development of Aerospace"
    assert _join("到20", "27年") == "到2027年"              # a CJK line wrapped inside a number


def test_running_marks_need_repetition() -> None:
    def page(*texts: tuple[str, float]) -> list[_Block]:
        return [_Block(top=t, bottom=t + 10, text=x) for x, t in texts]

    pages = [page(("公报 2024年第6期", 20), ("正文第一段。", 100), ("— 1 —", 820)),
             page(("公报 2024年第6期", 20), ("正文第二段。", 100), ("第 2 页", 820))]
    kept = [[b.text for b in p] for p in _drop_running_marks(pages)]
    assert kept == [["正文第一段。"], ["正文第二段。"]]
    single = [page(("只出现一次的标题", 20), ("正文。", 100))]
    assert [b.text for b in _drop_running_marks(single)[0]] == ["只出现一次的标题", "正文。"]
