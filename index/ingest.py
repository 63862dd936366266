"""Keep an index current: add gazette files (text or PDF), replace corrected re-publications, remove documents.

Every change is one atomic write by `index.store` (new folder, then swap): a failed or killed change leaves the
previous index serving. A lock file beside the index (`.NAME.lock`, `flock`, released by the OS even on SIGKILL)
keeps two writers apart. All files are parsed before the index is touched: one bad file means nothing is added.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.clause import Clause, Document
from index.embedders import Embedder, Progress, embedder_from_identity
from index.errors import IndexError_, InputFileError
from index.lock import IndexBusy, index_lock
from index.parser import parse_file
from index.settings import Settings
from index.sources import UnsupportedMediaType, sha256_file, sniff_kind
from index.store import add_clauses, read_manifest, remove_documents
from index.vector_store import push_index

#: Largest upload `ingest_upload` accepts (a gazette issue PDF is a few MB).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadTooLarge(InputFileError):
    """The upload exceeds `MAX_UPLOAD_BYTES` (HTTP 413)."""


class DocumentNotFound(IndexError_):
    """No such document in the index (HTTP 404)."""


@dataclass
class DocumentOutcome:
    """What happened to one document of an added file."""

    doc_key: str
    doc_number: str | None
    title: str
    source: str
    action: str          # added | replaced | skipped
    clauses: int
    reason: str = ""

    def message(self) -> str:
        name = self.doc_number or f"《{self.title}》"
        if self.action == "skipped":
            return f"skipped {name} from {self.source}: {self.reason}"
        return f"{self.action} {name} ({self.clauses} clauses) from {self.source}"


@dataclass
class AddReport:
    """Result of `add_files` / `ingest_upload`."""

    index_dir: str
    documents: list[DocumentOutcome] = field(default_factory=list)
    changed: bool = False             # a new index version was written
    clauses_total: int = 0            # clauses in the index afterwards
    documents_total: int = 0
    clauses_embedded: int = 0         # passages actually embedded (unchanged clauses reuse their vectors)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def _keys(self, action: str) -> list[str]:
        return [d.doc_key for d in self.documents if d.action == action]

    @property
    def added(self) -> list[str]:
        return self._keys("added")

    @property
    def replaced(self) -> list[str]:
        return self._keys("replaced")

    @property
    def skipped(self) -> list[str]:
        return self._keys("skipped")

    def messages(self) -> list[str]:
        return [d.message() for d in self.documents] + [f"warning: {w}" for w in self.warnings]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(added=self.added, replaced=self.replaced, skipped=self.skipped, messages=self.messages())
        return data


@dataclass
class RemoveReport:
    """Result of `remove_document`."""

    index_dir: str
    doc_key: str
    doc_number: str | None
    title: str
    clauses_removed: int
    clauses_total: int
    documents_total: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- embedding wrapper ---------------------------------------------------------------------------------

class _CountingEmbedder:
    """Delegates to an embedder, counting embedded passages; sleeps `sleep` s first (test hook)."""

    def __init__(self, inner: Embedder, sleep: float = 0.0) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.count = 0
        self.sleep = sleep

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if self.sleep > 0:
            print(f"test hook: sleeping {self.sleep:g} s before embedding {len(texts)} passages", file=sys.stderr,
                  flush=True)
            time.sleep(self.sleep)
        self.count += len(texts)
        return self.inner.embed_documents(texts, progress=progress)

    def identity(self) -> dict[str, Any]:
        return self.inner.identity()


# -- add / remove --------------------------------------------------------------------------------------

def add_files(index_dir: str | Path, paths: Sequence[str | Path], replace: bool = False,
              embedder: Embedder | None = None, progress: bool = False, settings: Settings | None = None
              ) -> AddReport:
    """Add gazette files (text or PDF) to an existing index; only new or changed clauses are embedded.

    A document already indexed is skipped when its source has the same sha256; with a different sha256 it is
    replaced when `replace`, else skipped with a hint. Nothing is written when nothing is new."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    index_dir = Path(index_dir)
    files = [Path(p) for p in paths]
    if not files:
        raise InputFileError("no files to add")
    read_manifest(index_dir)                                   # fail early, before parsing, on a missing index
    issues = [parse_file(p) for p in files]
    parsed = [(p, sha256_file(p), issue) for p, issue in zip(files, issues)]
    with index_lock(index_dir):
        manifest = read_manifest(index_dir)
        indexed = _indexed_sources(index_dir)
        sha_of = {s["name"]: s["sha256"] for s in manifest.sources}
        report = AddReport(index_dir=str(index_dir))
        clauses: list[Clause] = []
        documents: list[Document] = []
        used: list[Path] = []
        for path, sha, issue in parsed:
            for doc in issue.documents:
                outcome = _decide(doc, path.name, sha, indexed, sha_of, replace, report.documents)
                report.documents.append(outcome)
                if outcome.action != "skipped":
                    clauses.extend(doc.clauses)
                    documents.append(doc)
                    if path not in used:
                        used.append(path)
        if clauses:
            counting = _CountingEmbedder(embedder or embedder_from_identity(manifest.embedder),
                                         settings.test_embed_sleep)
            manifest = add_clauses(index_dir, clauses, counting, used, progress, documents=documents)
            report.changed, report.clauses_embedded = True, counting.count
            report.warnings += _push_vector_store(index_dir, settings)
        report.clauses_total = int(manifest.counts["clauses"])
        report.documents_total = int(manifest.counts["documents"])
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _decide(doc: Document, source: str, sha: str, indexed: dict[str, set[str]], sha_of: dict[str, str],
            replace: bool, earlier: list[DocumentOutcome]) -> DocumentOutcome:
    out = DocumentOutcome(doc.key, doc.doc_number, doc.title, source, "added", len(doc.clauses))
    if any(o.doc_key == doc.key and o.action != "skipped" for o in earlier):
        out.action, out.reason = "skipped", "the same document is in an earlier file of this batch"
    elif doc.key in indexed:
        old = sorted(indexed[doc.key])
        if sha in {sha_of.get(name) for name in old}:
            out.action, out.reason = "skipped", f"already indexed from {', '.join(old)} (same sha256)"
        elif replace:
            out.action = "replaced"
        else:
            out.action = "skipped"
            out.reason = (f"already indexed from {', '.join(old)} with different content (sha256 differs); "
                          "use --replace to replace it with this version")
    return out


def _indexed_sources(index_dir: Path) -> dict[str, set[str]]:
    """doc_key → names of the source files its clauses came from (read from clauses.jsonl, no models)."""
    out: dict[str, set[str]] = {}
    try:
        with open(index_dir / "clauses.jsonl", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    c = json.loads(line)
                    out.setdefault(c["doc_key"], set()).add(c.get("source") or "?")
    except (OSError, ValueError, KeyError) as exc:
        raise IndexError_(f"index at {index_dir} is damaged ({type(exc).__name__}: {exc}) — rebuild it") from exc
    return out


def remove_document(index_dir: str | Path, doc_number: str, settings: Settings | None = None) -> RemoveReport:
    """Remove one document, by document number (or, for documents without one, by title / doc_key)."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    index_dir = Path(index_dir)
    wanted = re.sub(r"\s+", "", doc_number or "")
    if not wanted:
        raise InputFileError("no document number given")
    with index_lock(index_dir):
        manifest = read_manifest(index_dir)
        doc = next((d for d in manifest.documents if wanted in (d.get("doc_number"), d["doc_key"])), None)
        if doc is None:
            known = ", ".join(d.get("doc_number") or d["doc_key"] for d in manifest.documents)
            raise DocumentNotFound(f"no document {doc_number} in the index at {index_dir} (it has: {known})")
        after = remove_documents(index_dir, [doc["doc_key"]])
        warnings = _push_vector_store(index_dir, settings)
    return RemoveReport(str(index_dir), doc["doc_key"], doc.get("doc_number"), doc["title"],
                        int(doc.get("clause_count", 0)), int(after.counts["clauses"]),
                        int(after.counts["documents"]), round(time.perf_counter() - started, 3), warnings)


def _push_vector_store(index_dir: Path, settings: Settings) -> list[str]:
    """Refill an external vector store ($GAZETTE_VECTOR_STORE=milvus…) from the new folder, as `index build` does.

    The folder is already switched: a failure here is a warning (re-run `gazette index build` to resync)."""
    try:
        push_index(index_dir, settings=settings)
    except Exception as exc:  # noqa: BLE001 - the FAISS index is current; only the mirror lags
        return [f"index updated, but the external vector store was not refilled ({type(exc).__name__}: {exc})"]
    return []


def ingest_upload(index_dir: str | Path, filename: str, data: bytes, replace: bool = False,
                  embedder: Embedder | None = None, settings: Settings | None = None) -> AddReport:
    """Add an uploaded file (API): size limit, content sniffing (text/PDF only), then `add_files`."""
    name = Path((filename or "").replace("\\", "/")).name.strip() or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge(f"{name}: {len(data)} bytes is over the {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB limit")
    if not data.strip():
        raise InputFileError(f"{name}: file is empty")
    kind = sniff_kind(data, name)
    if kind == "pdf" and not name.lower().endswith(".pdf"):
        name += ".pdf"
    with tempfile.TemporaryDirectory(prefix="gazette-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return add_files(index_dir, [path], replace=replace, embedder=embedder, settings=settings)


__all__ = ["AddReport", "DocumentNotFound", "DocumentOutcome", "IndexBusy", "MAX_UPLOAD_BYTES", "RemoveReport",
           "UnsupportedMediaType", "UploadTooLarge", "add_files", "index_lock", "ingest_upload",
           "remove_document"]
