"""Building an index folder and writing it atomically (used by `index.store`, which re-exports the API).

Write protocol: build everything into `.NAME.tmp-<pid>` beside the target, fsync, then swap
(`NAME` → `.NAME.old-<pid>`, tmp → `NAME`, delete old). Stale tmp/old folders of dead processes are cleaned
by the next write (an old folder is restored if a crash fell exactly between the two renames).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from index.ann import ann_params, choose_ann
from index.clause import Clause, Document
from index.dense import DEFAULT_EF_SEARCH, FLAT_MAX_VECTORS, make_faiss_index
from index.embed_cache import with_cache
from index.embedders import Embedder, passage_text
from index.errors import GazetteError, IndexError_, InputFileError
from index.provenance import new_provenance
from index.recovery import pid_alive
from index.sources import sha256_file
from index.tokenize import tokenize_zh
from index.version import package_version

FORMAT_VERSION = 1
#: The embedding step of a build: passages → (n, dim) float32 rows (local embedder, or Ray actors).
EmbedFn = Callable[[list[str], bool], np.ndarray]
FILES = ("clauses.jsonl", "dense.faiss", "vectors.npy", "bm25", "manifest.json")


@dataclass
class Manifest:
    """manifest.json: what was indexed, with what, and when."""

    format_version: int
    package_version: str
    embedder: dict[str, Any]
    counts: dict[str, Any]           # clauses, documents, by_kind
    sources: list[dict[str, Any]]    # name, sha256, size
    documents: list[dict[str, Any]]  # doc_key, doc_number, title, title_en, date, clause_count
    ann: dict[str, Any]              # type, requested (+ M, ef_construction, ef_search for hnsw)
    bm25: dict[str, Any]
    build_seconds: float
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Manifest:
        """Parse manifest.json's object; `ValueError` naming the first field of the wrong type."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, got {type(data).__name__}")
        names = {f.name for f in fields(cls)}
        missing = sorted(names - set(data))
        if missing:
            raise ValueError(f"missing field(s) {', '.join(missing)}")
        for name, kinds in _MANIFEST_TYPES.items():
            value = data[name]
            if not isinstance(value, kinds) or isinstance(value, bool):
                raise ValueError(f"field {name!r} should be {_KIND_NAMES[kinds]}, not {json.dumps(value)[:40]}")
        if not isinstance(data["counts"].get("clauses"), int):
            raise ValueError("field 'counts' has no integer 'clauses'")
        for key in ("sources", "documents"):
            if not all(isinstance(x, dict) for x in data[key]):
                raise ValueError(f"field {key!r} should be a list of objects")
        if not all(isinstance(d.get("doc_key"), str) for d in data["documents"]):
            raise ValueError("every entry of 'documents' needs a string 'doc_key'")
        return cls(**{k: v for k, v in data.items() if k in names})


_MANIFEST_TYPES: dict[str, Any] = {
    "format_version": int, "package_version": str, "embedder": dict, "counts": dict, "sources": list,
    "documents": list, "ann": dict, "bm25": dict, "build_seconds": (int, float), "created_at": str,
}
_KIND_NAMES: dict[Any, str] = {int: "an integer", str: "a string", dict: "an object", list: "a list",
                               (int, float): "a number"}


def bm25_text(clause: Clause) -> str:
    """What BM25 indexes: heading path, label and text (not the doc title, shared by all its clauses)."""
    return " ".join([*clause.path, clause.label, clause.text])


def build_index(clauses: Sequence[Clause], embedder: Embedder, out_dir: Path | str, sources: Sequence[Path],
                progress: bool = True, ann: str = "auto", *, documents: Sequence[Document] | None = None,
                ef_search: int = DEFAULT_EF_SEARCH, embed: EmbedFn | None = None,
                added_by: str | None = None) -> Manifest:
    """Embed and index `clauses` into `out_dir`, replacing any previous index atomically.

    `documents` (optional) supplies per-document metadata clauses lack (issue date); `embed` replaces the local
    embedding step (`index.ray_build.ray_embedding`) — the vectors must be those `embedder` would give.
    Takes no lock: `index.build.build_files` (CLI, serve, eval) holds the writer lock around it."""
    started = time.perf_counter()
    clauses = list(clauses)
    if not clauses:
        raise GazetteError("nothing to index: no clauses were parsed from the sources")
    _check_unique(clauses)
    _choose_ann(ann, len(clauses))
    srcs = [_source_entry(Path(p)) for p in sources]
    texts = [passage_text(c) for c in clauses]
    vectors = _check_vectors(embed(texts, progress), len(texts), embedder.dim) if embed else \
        _embed(embedder, texts, progress)
    docs = _documents_meta(clauses, documents, [], srcs, added_by)
    return _write_index(Path(out_dir), clauses, vectors, embedder.identity(), srcs, docs, ann, ef_search, started)


def _check_unique(clauses: Sequence[Clause]) -> None:
    seen: set[str] = set()
    for c in clauses:
        if c.id in seen:
            raise GazetteError(f"duplicate clause id {c.id} ({c.citation}); clause ids must be unique")
        seen.add(c.id)


def _choose_ann(ann: str, n: int) -> str:
    """The dense index kind for `n` clauses (`index.ann.choose_ann`: `auto` = flat up to 50k, then IVF-fp16)."""
    return choose_ann(ann, n)


def _source_entry(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputFileError(f"source file not found: {path}")
    return {"name": path.name, "sha256": sha256_file(path), "size": path.stat().st_size}


def _documents_meta(clauses: Sequence[Clause], documents: Sequence[Document] | None,
                    previous: Sequence[dict[str, Any]], sources: Sequence[dict[str, Any]] = (),
                    added_by: str | None = None, flags: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """One entry per doc_key, in clause order; dates from `documents`, else from the previous manifest.

    Each entry has a `provenance` (who added it, when, from which file): kept from the previous manifest for
    documents not in `documents`, new (by `added_by`) for the ones being added or replaced."""
    dates = {d["doc_key"]: d.get("date") for d in previous}
    dates.update({d.key: d.date for d in documents or []})
    kept = {d["doc_key"]: d["provenance"] for d in previous if d.get("provenance")}
    fresh = {d.key for d in documents or []}
    sha_of = {s["name"]: s.get("sha256") for s in sources}
    issuers = {d["doc_key"]: d.get("issuer") for d in previous}
    issuers.update({d.key: d.issuer for d in documents or []})
    counts = Counter(c.doc_key for c in clauses)
    out: dict[str, dict[str, Any]] = {}
    for c in clauses:
        if c.doc_key not in out:
            prov = kept.get(c.doc_key) if c.doc_key not in fresh else None
            out[c.doc_key] = {"doc_key": c.doc_key, "doc_number": c.doc_number, "title": c.doc_title,
                              "title_en": c.doc_title_en, "date": dates.get(c.doc_key),
                              "clause_count": counts[c.doc_key],
                              "provenance": prov or new_provenance(c.source, sha_of.get(c.source or ""), added_by,
                                                                   (flags or {}).get(c.doc_key)),
                              # type, issuer, adoption/amendment (index.doc_meta, index.corpus)
                              "type": c.doc_type, "issuer": issuers.get(c.doc_key) or c.doc_issuer,
                              "adopted": c.doc_adopted, "amended": list(c.doc_amended),
                              "version_date": c.doc_date}
    return list(out.values())


def _embed(embedder: Embedder, texts: list[str], progress: bool) -> np.ndarray:
    """Embed passages (tqdm bar on stderr when `progress`) and check the result's shape; passages seen before
    come from the embedding cache (`index.embed_cache`, `$GAZETTE_EMBED_CACHE`)."""
    embedder = with_cache(embedder)
    if progress:
        from tqdm import tqdm

        with tqdm(total=len(texts), desc="embedding", unit="passage", file=sys.stderr) as bar:
            vecs = embedder.embed_documents(texts, progress=lambda done, _total: bar.update(done - bar.n))
    else:
        vecs = embedder.embed_documents(texts)
    return _check_vectors(vecs, len(texts), embedder.dim)


def _check_vectors(vecs: np.ndarray, n: int, dim: int) -> np.ndarray:
    vecs = np.ascontiguousarray(vecs, dtype=np.float32)
    if vecs.shape != (n, dim) or not np.isfinite(vecs).all():
        raise GazetteError(f"embedder returned {vecs.shape} (expected {(n, dim)}) or non-finite")
    return vecs


def _write_index(out_dir: Path, clauses: list[Clause], vectors: np.ndarray, identity: dict[str, Any],
                 sources: list[dict[str, Any]], documents: list[dict[str, Any]], ann: str, ef_search: int,
                 started: float) -> Manifest:
    """Write a complete index folder for (clauses, vectors) atomically; returns its manifest."""
    ann_type = _choose_ann(ann, len(clauses))
    ann_meta: dict[str, Any] = {"requested": ann, "flat_max_vectors": FLAT_MAX_VECTORS,
                                **ann_params(ann_type, len(clauses),
                                             **({"ef_search": int(ef_search)} if ann_type == "hnsw" else {}))}
    counts = {"clauses": len(clauses), "documents": len(documents),
              "by_kind": dict(sorted(Counter(c.kind for c in clauses).items()))}
    manifest = Manifest(FORMAT_VERSION, package_version(), dict(identity), counts, sources, documents, ann_meta,
                        {"library": "bm25s", "method": "lucene", "k1": 1.5, "b": 0.75,
                         "tokenizer": "index.tokenize.tokenize_zh", "text": "path + label + text"},
                        0.0, _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))

    def write(tmp: Path) -> None:
        _write_clauses(tmp, clauses)
        np.save(tmp / "vectors.npy", vectors)
        _write_dense(tmp, vectors, ann_meta)
        _write_bm25(tmp, clauses)
        manifest.build_seconds = round(time.perf_counter() - started, 3)
        text = json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2)
        (tmp / "manifest.json").write_text(text + "\n", encoding="utf-8")

    _atomic_write(out_dir, write)
    return manifest


def _write_clauses(tmp: Path, clauses: list[Clause]) -> None:
    with open(tmp / "clauses.jsonl", "w", encoding="utf-8") as fh:
        for c in clauses:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")


def _write_dense(tmp: Path, vectors: np.ndarray, ann: dict[str, Any]) -> None:
    import faiss  # make_faiss_index has checked it is installed

    params = {k: v for k, v in ann.items() if k not in ("requested", "flat_max_vectors")}
    index = make_faiss_index(vectors, ann["type"], ann.get("ef_search", DEFAULT_EF_SEARCH), params=params)
    faiss.write_index(index, str(tmp / "dense.faiss"))


def _write_bm25(tmp: Path, clauses: list[Clause]) -> None:
    try:
        import bm25s
    except ImportError as exc:
        raise GazetteError("bm25s is required to build the index: pip install bm25s") from exc
    retriever = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    retriever.index([tokenize_zh(bm25_text(c)) for c in clauses], show_progress=False)
    retriever.save(str(tmp / "bm25"), show_progress=False)


def _atomic_write(out_dir: Path, write: Callable[[Path], None]) -> None:
    """Run `write(tmp)` on a fresh tmp folder, fsync it, and swap it in for `out_dir`."""
    out_dir = out_dir.absolute()
    if out_dir.exists() and not (out_dir / "manifest.json").is_file() and any(out_dir.iterdir()):
        raise IndexError_(f"{out_dir} exists and is not a gazette index; choose another --out or remove it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(out_dir)
    pid = os.getpid()
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{pid}"
    old = out_dir.parent / f".{out_dir.name}.old-{pid}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        write(tmp)
        _fsync_tree(tmp)
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
        try:
            os.replace(tmp, out_dir)
        except BaseException:
            if old.exists() and not out_dir.exists():
                os.replace(old, out_dir)
            raise
        _fsync_dir(out_dir.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _clean_stale(out_dir: Path) -> None:
    """Remove tmp/old folders left by dead processes; restore an old one if the index itself is gone."""
    for prefix in ("old", "tmp"):  # restore first, then clean
        for path in out_dir.parent.glob(f".{out_dir.name}.{prefix}-*"):
            pid = path.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or int(pid) == os.getpid() or pid_alive(int(pid)):
                continue
            if prefix == "old" and not out_dir.exists():
                os.replace(path, out_dir)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))
