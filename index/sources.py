"""Reading gazette source files: UTF-8 text as is, PDF through `index.pdf`; anything else is refused by content.

One-line `InputFileError`s name the file and the problem (missing, empty, not UTF-8, an image, an archive…).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from index.errors import InputFileError
from index.pdf import pdf_to_text

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"PK\x03\x04", "a ZIP archive (e.g. .docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls)"), (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7z archive"),
    (b"<?xml", "an XML document"), (b"\x7fELF", "an executable"), (b"RIFF", "a RIFF (audio/video/WebP) file"),
)


class UnsupportedMediaType(InputFileError):
    """The file is neither UTF-8 text nor PDF (HTTP 415)."""



def check_file(path: str | Path) -> Path:
    """The path, or a one-line `InputFileError` when it is missing or a directory."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{p}: no such file")
    if p.is_dir():
        raise InputFileError(f"{p}: is a directory, not a gazette file")
    return p


def read_source(path: str | Path) -> str:
    """Read a UTF-8 text file, with one-line errors for missing, empty and non-UTF-8 files."""
    p = check_file(path)
    data = p.read_bytes()
    if not data.strip():
        raise InputFileError(f"{p}: file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{p}: not UTF-8 text "
                             f"(invalid byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def sniff_kind(data: bytes, name: str) -> str:
    """"pdf" or "text" by content (not by name); `UnsupportedMediaType` naming what else it is."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnsupportedMediaType(f"{name}: is {what}; only UTF-8 text and PDF gazettes can be indexed")
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise UnsupportedMediaType(f"{name}: is an HTML page; save it as text or PDF first")
    if b"\x00" in head:
        raise UnsupportedMediaType(f"{name}: is binary data (not UTF-8 text, not PDF); only text and PDF are supported")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and len(data) > 3:      # a multi-byte character cut at the end
            return "text"
        raise UnsupportedMediaType(f"{name}: is neither UTF-8 text nor PDF (invalid UTF-8 byte 0x{data[exc.start]:02x}"
                                   f" at offset {exc.start}; convert GBK/GB18030 text to UTF-8)") from None
    return "text"


def read_gazette_text(path: str | Path) -> str:
    """Text of a gazette file: UTF-8 text as is, PDF via `index.pdf.pdf_to_text`; other types are refused."""
    p = check_file(path)
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise InputFileError(f"{p}: file is empty")
    kind = sniff_kind(head if p.stat().st_size > len(head) else p.read_bytes(), str(p))
    if kind == "pdf":
        return pdf_to_text(p)
    if p.suffix.lower() == ".pdf":
        raise InputFileError(f"{p}: named .pdf but is not a PDF (no %PDF- header)")
    return read_source(p)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
