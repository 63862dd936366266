"""Uploads wait for an admin: staged beside the index, published (added) or discarded by an admin.

An upload (`stage_upload`) is checked at once — size, type, parse, impossible metadata — and kept in
`.NAME.pending/<id>/` (beside the index folder, so it survives the index swap) with a `meta.json`: who uploaded it,
when, its documents and any instruction-like flags. Nothing reaches the served index until `publish_pending`
(which refuses flagged uploads unless `force`); `discard_pending` deletes it.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from index.errors import InputFileError
from index.ingest import MAX_UPLOAD_BYTES, AddReport, DocumentNotFound, UploadTooLarge, add_files, check_new_documents
from index.lock import IndexReadOnly, is_read_only_error
from index.parser import parse_file
from index.provenance import now_iso
from index.settings import Settings
from index.sources import sniff_kind

MAX_NAME_CHARS = 200
_ID = re.compile(r"^[0-9a-f]{32}$")


def pending_dir(index_dir: str | Path) -> Path:
    d = Path(index_dir).absolute()
    return d.parent / f".{d.name}.pending"


def safe_upload_name(filename: str | None) -> str:
    """The base name of an uploaded file, or `InputFileError` for names that cannot be a file name."""
    raw = filename or ""
    if "\x00" in raw:
        raise InputFileError("upload file name contains a NUL character")
    name = Path(raw.replace("\\", "/")).name.strip()
    if name in ("", ".", ".."):
        raise InputFileError(f"upload file name {raw[:60]!r} is not a file name")
    if len(name) > MAX_NAME_CHARS or len(name.encode("utf-8")) > 240:
        raise InputFileError(f"upload file name is {len(name)} characters long; the limit is {MAX_NAME_CHARS}")
    if any(ord(ch) < 32 for ch in name):
        raise InputFileError("upload file name contains control characters")
    return name


def stage_upload(index_dir: str | Path, filename: str | None, data: bytes, uploaded_by: str,
                 replace: bool = False) -> dict[str, Any]:
    """Check an upload and keep it pending; returns its meta (id, documents, flags, status 'pending')."""
    name = safe_upload_name(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge(f"{name}: {len(data)} bytes is over the {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB limit")
    if not data.strip():
        raise InputFileError(f"{name}: file is empty")
    if sniff_kind(data, name) == "pdf" and not name.lower().endswith(".pdf"):
        name += ".pdf"
    upload_id = uuid.uuid4().hex
    folder = pending_dir(index_dir) / upload_id
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        if is_read_only_error(exc):
            raise IndexReadOnly.from_os_error(index_dir, exc) from None
        raise
    try:
        path = folder / name
        path.write_bytes(data)
        issue = parse_file(path)
        flags = check_new_documents(path, issue, name)
        meta = {"id": upload_id, "status": "pending", "filename": name,
                "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "uploaded_by": uploaded_by,
                "uploaded_at": now_iso(), "replace": bool(replace),
                "documents": [{"doc_key": d.key, "doc_number": d.doc_number, "title": d.title, "date": d.date,
                               "clauses": len(d.clauses), "flags": flags.get(d.key, [])} for d in issue.documents],
                "flags": [f for fl in flags.values() for f in fl]}
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return meta


def list_pending(index_dir: str | Path) -> list[dict[str, Any]]:
    """Pending uploads, oldest first."""
    root = pending_dir(index_dir)
    out = []
    for meta in root.glob("*/meta.json") if root.is_dir() else []:
        try:
            out.append(json.loads(meta.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(out, key=lambda m: m.get("uploaded_at", ""))


def _folder(index_dir: str | Path, upload_id: str) -> tuple[Path, dict[str, Any]]:
    if not _ID.match(upload_id or ""):
        raise DocumentNotFound(f"no pending upload {upload_id[:40]!r}")
    folder = pending_dir(index_dir) / upload_id
    try:
        return folder, json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DocumentNotFound(f"no pending upload {upload_id}") from None


def publish_pending(index_dir: str | Path, upload_id: str, published_by: str, force: bool = False,
                    embedder: Any = None, settings: Settings | None = None) -> AddReport:
    """Add a pending upload to the index (flagged ones only with `force`), then forget it."""
    folder, meta = _folder(index_dir, upload_id)
    if meta.get("flags") and not force:
        raise InputFileError(f"upload {upload_id} ({meta['filename']}) is flagged for review "
                             f"({meta['flags'][0]}); publish with force=true once it has been checked")
    path = folder / meta["filename"]
    added_by = f"{meta['uploaded_by']} (published by {published_by})"
    report = add_files(index_dir, [path], replace=bool(meta.get("replace")), embedder=embedder, added_by=added_by,
                       settings=settings)
    shutil.rmtree(folder, ignore_errors=True)
    return report


def discard_pending(index_dir: str | Path, upload_id: str) -> dict[str, Any]:
    folder, meta = _folder(index_dir, upload_id)
    shutil.rmtree(folder, ignore_errors=True)
    return {**meta, "status": "discarded"}


__all__ = ["discard_pending", "list_pending", "pending_dir", "publish_pending", "safe_upload_name", "stage_upload"]
