"""Render a gazette text file to a realistic PDF, and make a "scanned" (image-only) PDF, for the PDF tests.

The PDF is laid out like a printed gazette: A4, a CJK TrueType font, paragraphs wrapped with a first-line indent,
tab-separated lines drawn as ruled tables (cells wrapped, `<p>` parts as separate paragraphs in a cell, rows split
across pages), a running header on every page and a page number in the footer. Extraction damage is therefore real.

    python tests/make_sample_pdf.py data/corpus/chongqing-gazette-2024-06.txt /tmp/sample.pdf [--install-font]

Needs reportlab (test extra) and a CJK TrueType font (`fonts-wqy-microhei`; reportlab cannot embed CFF-based
.otf fonts such as Noto CJK).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

FONT_PACKAGE = "fonts-wqy-microhei"
HEADER = "重庆市人民政府公报"
_TAG = re.compile(r"</?p>", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s\-—–_=|\t]+$")


def find_cjk_font() -> Path | None:
    """A TrueType (.ttf/.ttc) font covering Chinese, via `fc-list :lang=zh`, else well-known paths."""
    candidates: list[Path] = []
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
        candidates += [Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()]
    candidates += [Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
                   Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")]
    usable = [p for p in candidates if p.suffix.lower() in (".ttf", ".ttc") and p.is_file()]
    usable.sort(key=lambda p: ("microhei" not in p.name, p.name))
    return usable[0] if usable else None


def install_cjk_font() -> bool:
    """`apt-get install fonts-wqy-microhei` when running as root with apt; True when a font is then found."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-qq", FONT_PACKAGE]
    if subprocess.run(cmd, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
        subprocess.run(cmd, env=env, capture_output=True, check=False)
    return find_cjk_font() is not None


def sample_pdf(source: Path, out: Path) -> Path:
    """Render `source` to `out` for a test; `RuntimeError` with the reason when reportlab or a CJK font is missing
    (the font is installed with apt-get when possible)."""
    try:
        import reportlab  # noqa: F401
    except ImportError:
        raise RuntimeError("reportlab is not installed (pip install 'gazette-chat[test]')") from None
    font = find_cjk_font() or (install_cjk_font() and find_cjk_font())
    if not font:
        raise RuntimeError(f"no CJK TrueType font (fc-list :lang=zh is empty) and apt-get install {FONT_PACKAGE} "
                           "was not possible")
    return render_text_pdf(source.read_text(encoding="utf-8"), out, font)


def _blocks(text: str) -> list[tuple[str, object]]:
    """("para", str) for text lines, ("table", rows) for runs of tab-separated lines (blank lines end a table)."""
    blocks: list[tuple[str, object]] = []
    rows: list[list[str]] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if "\t" in raw and not _SEPARATOR.match(raw):
            rows.append(raw.split("\t"))
            continue
        if _SEPARATOR.match(raw) and "-" in raw:
            continue                                   # markdown-style separator rows: not printed
        if rows:
            blocks.append(("table", rows))
            rows = []
        line = _TAG.sub("", raw).strip()
        if line:
            blocks.append(("para", line))
    if rows:
        blocks.append(("table", rows))
    return blocks


def _col_widths(rows: list[list[str]], total: float) -> list[float]:
    ncols = max(len(r) for r in rows)
    weight = [2.0 + min(max((len(_TAG.sub("", r[i])) if i < len(r) else 0) for r in rows), 36) for i in range(ncols)]
    return [total * w / sum(weight) for w in weight]


def render_text_pdf(text: str, out: Path, font_path: Path, header: str = HEADER) -> Path:
    """Lay out gazette `text` as a PDF at `out`."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = "GazetteCJK"
    kwargs = {"subfontIndex": 0} if font_path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(font, str(font_path), **kwargs))
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, firstLineIndent=21, spaceAfter=5,
                          alignment=TA_JUSTIFY, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=13, spaceAfter=2, wordWrap="CJK")

    def page_marks(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 1.3 * cm, header)
        canvas.line(2.2 * cm, A4[1] - 1.5 * cm, A4[0] - 2.2 * cm, A4[1] - 1.5 * cm)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"— {doc.page} —")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm,
                            topMargin=2.4 * cm, bottomMargin=2.2 * cm, title=header)
    story = []
    for kind, payload in _blocks(text):
        if kind == "para":
            story.append(Paragraph(escape(str(payload)), body))
            continue
        rows = cast(list[list[str]], payload)
        ncols = max(len(r) for r in rows)
        data = []
        for r in rows:
            cells = []
            for i in range(ncols):
                raw = r[i] if i < len(r) else ""
                parts = [p.strip() for p in _TAG.split(raw) if p.strip()]
                cells.append([Paragraph(escape(p), cell) for p in parts] or "")
            data.append(cells)
        table = Table(data, colWidths=_col_widths(rows, doc.width), repeatRows=0)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("FONTNAME", (0, 0), (-1, -1), font)]))
        story.append(table)
    doc.build(story, onFirstPage=page_marks, onLaterPages=page_marks)
    return out


def render_image_pdf(out: Path) -> Path:
    """A one-page PDF holding only a picture of text-like strokes: what a scanner produces (no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for y in range(60, 740, 28):
        draw.rectangle((50, y, 50 + (y * 37) % 480, y + 14), fill=0)
    c = canvas.Canvas(str(out), pagesize=A4)
    c.drawImage(ImageReader(img), 40, 40, width=A4[0] - 80, height=A4[1] - 80)
    c.showPage()
    c.save()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--install-font", action="store_true", help=f"apt-get install {FONT_PACKAGE} if missing")
    args = ap.parse_args(argv)
    font = find_cjk_font() or (args.install_font and install_cjk_font() and find_cjk_font())
    if not font:
        print(f"no CJK TrueType font (fc-list :lang=zh); apt-get install {FONT_PACKAGE}", file=sys.stderr)
        return 1
    render_text_pdf(args.source.read_text(encoding="utf-8"), args.out, font)
    print(f"{args.out} ({args.out.stat().st_size} bytes, font {font})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
