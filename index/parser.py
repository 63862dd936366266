"""Text of one gazette issue (or of a single document) → `GazetteIssue` with documents and clauses.

Documents are found by their document number (文号) with the title lines above it, or — for documents that have
none, such as a regulation adopted by a people's congress — by a title followed by an adoption line or 第一章/第一条.
"""
from __future__ import annotations

import re
from pathlib import Path

from index.clause import Document, GazetteIssue
from index.errors import InputFileError
from index.labels import match_marker
from index.lines import DOC_NUMBER, FOOTER, Line, read_lines
from index.masthead import english_title, parse_masthead
from index.outline import BodyBuilder, build_body
from index.sources import read_gazette_text

_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ADOPTION = re.compile(r"^[（(]?\s*(\d{4})年(\d{1,2})月(\d{1,2})日.{0,80}(通过|公布|发布|施行|修订|修正)\s*[）)]?$")
_DOC_TYPE_END = re.compile(
    r"(条例|办法|规定|细则|规则|决定|意见|通知|方案|计划|公告|通告|批复|纲要|章程|准则|函)(\s*[（(][^）)]{1,20}[）)])?$"
)
_TITLE_MAX = 90
_ISSUER_MAX = 30


def _title_like(line: Line) -> bool:
    text = line.text
    return (not line.is_row and len(text) <= _TITLE_MAX and "。" not in text and "；" not in text
            and match_marker(text) is None and bool(re.search(r"[\u4e00-\u9fff]", text))
            and not text.endswith(("：", ":")) and not _DATE_LINE.match(text) and not DOC_NUMBER.match(text))


def _iso(m: re.Match[str]) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _document_starts(lines: list[Line]) -> list[tuple[int, int | None]]:
    """(first title line, document-number line or None) for each document, in order."""
    starts: list[tuple[int, int | None]] = []
    claimed = -1
    for i, line in enumerate(lines):
        if line.is_row or i <= claimed:
            continue
        if DOC_NUMBER.match(line.text):
            j = i
            while j - 1 > claimed and i - (j - 1) <= 4 and _title_like(lines[j - 1]):
                j -= 1
            starts.append((j, i))
            claimed = i
            continue
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if (_title_like(line) and _DOC_TYPE_END.search(line.text)
                and (_ADOPTION.match(nxt) or re.match(r"^第[一1]\s*[章条]", nxt))):
            if starts and starts[-1][1] is not None:
                notice = "".join(x.text for x in lines[starts[-1][0]:i])
                if f"《{line.text}》" in notice or f"印发{line.text}" in notice:
                    continue                  # the document a notice issues stays under the notice's number
            starts.append((i, None))
            claimed = i
    return starts


def _split_notice(body: list[Line]) -> tuple[list[Line], list[Line], str | None, str | None]:
    """Split the issuing notice (addressee … issuer, date) from the document it issues."""
    for k, line in enumerate(body[:14]):
        if m := _DATE_LINE.match(line.text):
            end = k + 1
            if end < len(body) and re.match(r"^[（(].{1,12}[）)]$", body[end].text):
                end += 1                      # （此件公开发布）
            issuer = body[k - 1].text if k >= 1 and len(body[k - 1].text) <= _ISSUER_MAX else None
            return body[:end], body[end:], issuer, _iso(m)
    return [], body, None, None


def _build_document(lines: list[Line], title_end: int, number_idx: int | None, source: str | None,
                    zh_entries: list[str], en_entries: list[str]) -> Document:
    title = "".join(line.text for line in lines[:title_end])
    doc_number = re.sub(r"\s+", "", lines[number_idx].text) if number_idx is not None else None
    body = lines[(number_idx if number_idx is not None else title_end - 1) + 1:]
    key = doc_number or title
    doc = Document(key=key, title=title, doc_number=doc_number, source=source,
                   title_en=english_title(title, zh_entries, en_entries))
    if doc_number is None:
        doc.flags.append("no_doc_number")
    builder = BodyBuilder(doc_key=key, doc_number=doc_number, doc_title=title, source=source)
    notice, rest, doc.issuer, doc.date = _split_notice(body) if doc_number else ([], body, None, None)
    if notice:
        builder._emit("notice", "通知", "Notice", [], "\n".join(line.text for line in notice))
        if rest and _title_like(rest[0]) and not rest[0].text.startswith("附件"):
            rest = rest[1:]                   # the issued document's own title: already in the notice title
    if rest and (m := _ADOPTION.match(rest[0].text)):
        doc.date = doc.date or _iso(m)
    build_body(builder, rest)
    doc.clauses = builder.finish()
    for clause in doc.clauses:
        clause.doc_title_en = doc.title_en
        clause.flags = list(doc.flags)
    return doc


def parse_text(text: str, source: str | None = None) -> GazetteIssue:
    """Parse gazette text; raises `InputFileError` when no document can be recognised."""
    name = source or "<text>"
    lines = read_lines(text)
    issue = GazetteIssue(source=source)
    starts = _document_starts(lines)
    if not starts:
        if not any(match_marker(line.text) for line in lines if not line.is_row):
            raise InputFileError(f"{name}: no gazette document recognised "
                                 "(no document number, title or numbered clauses)")
        first = 1 if lines and _title_like(lines[0]) else 0
        starts = [(0, None)] if first else []
        if not starts:
            lines = [Line(Path(name).stem), *lines]
            starts = [(0, None)]
    footer = next((i for i, line in enumerate(lines) if i > starts[-1][0] and FOOTER.match(line.text)), len(lines))
    lines = lines[:footer]
    zh_entries, en_entries = parse_masthead(lines[: starts[0][0]], issue)
    bounds = [s for s, _ in starts] + [len(lines)]
    for (start, number_idx), end in zip(starts, bounds[1:]):
        chunk = lines[start:end]
        if number_idx is not None:
            doc = _build_document(chunk, number_idx - start, number_idx - start, source, zh_entries, en_entries)
        else:
            doc = _build_document(chunk, 1, None, source, zh_entries, en_entries)
        if doc.clauses:
            issue.documents.append(doc)
    if not issue.documents:
        raise InputFileError(f"{name}: no gazette document recognised (documents found, but no clauses in them)")
    return issue


def parse_file(path: str | Path) -> GazetteIssue:
    """Parse one gazette file: UTF-8 text, or PDF (its text layer); other file types are refused."""
    p = Path(path)
    return parse_text(read_gazette_text(p), source=p.name)
