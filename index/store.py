"""The index folder: clauses.jsonl, dense.faiss, vectors.npy, bm25/, manifest.json — written atomically.

Every write (build, add, remove) builds a complete new folder `.NAME.tmp-<pid>` next to the target, fsyncs it,
then swaps it in (`NAME` → `.NAME.old-<pid>`, tmp → `NAME`, old deleted). A failed write removes its tmp folder
and leaves the previous index untouched; a killed one leaves a tmp folder that the next write cleans up.
Row i of vectors.npy / dense.faiss / bm25 is line i of clauses.jsonl; search results are these row ids.
Building and the atomic write live in `index.store_build` (re-exported here); this module loads and searches.
Dense search goes through `IndexStore.dense` (a `DenseIndex`: FAISS from the folder by default; `open_store` in
`index.vector_store` swaps in Milvus); BM25 always runs on the folder.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.clause import Clause, Document
from index.dense import DEFAULT_EF_SEARCH, DenseIndex, FaissDenseIndex, Hits, empty_hits, top_k
from index.embedders import Embedder, describe_identity, identity_mismatch, passage_text
from index.errors import GazetteError, IndexError_
from index.filters import ClauseFilter
from index.store_build import (  # noqa: F401  (re-exported: the public API lives here)
    ANN_CHOICES,
    FILES,
    FLAT_MAX_VECTORS,
    FORMAT_VERSION,
    Manifest,
    _check_unique,
    _documents_meta,
    _embed,
    _source_entry,
    _write_index,
    bm25_text,
    build_index,
)


def add_clauses(index_dir: Path | str, new_clauses: Sequence[Clause], embedder: Embedder,
                sources: Sequence[Path], progress: bool = False, *,
                documents: Sequence[Document] | None = None) -> Manifest:
    """Add documents: every doc_key in `new_clauses` replaces that document's old clauses.

    Vectors are reused for clauses whose id and passage text are unchanged; only the rest are embedded."""
    started = time.perf_counter()
    store = IndexStore.load(index_dir, embedder)
    new_clauses = list(new_clauses)
    _check_unique(new_clauses)
    replaced = {c.doc_key for c in new_clauses}
    keep = [i for i, c in enumerate(store.clauses) if c.doc_key not in replaced]
    cache = {(c.id, passage_text(c)): i for i, c in enumerate(store.clauses) if c.doc_key in replaced}
    texts = [passage_text(c) for c in new_clauses]
    rows = [cache.get((c.id, t)) for c, t in zip(new_clauses, texts)]
    missing = [j for j, r in enumerate(rows) if r is None]
    fresh = _embed(embedder, [texts[j] for j in missing], progress) if missing else None
    new_vecs = np.empty((len(new_clauses), store.dim), dtype=np.float32)
    for j, r in enumerate(rows):
        if r is not None:
            new_vecs[j] = store.vectors[r]
    if fresh is not None:
        new_vecs[missing] = fresh
    clauses = [store.clauses[i] for i in keep] + new_clauses
    vectors = np.concatenate([np.asarray(store.vectors[keep], dtype=np.float32), new_vecs])
    new_srcs = [_source_entry(Path(p)) for p in sources]
    names = {s["name"] for s in new_srcs}
    srcs = [s for s in store.manifest.sources if s["name"] not in names] + new_srcs
    used = {c.source for c in clauses}  # a replaced document's old file is dropped once nothing refers to it
    srcs = [s for s in srcs if s["name"] in used or used == {None}]
    docs = _documents_meta(clauses, documents, store.manifest.documents)
    m = store.manifest
    return _write_index(store.index_dir, clauses, vectors, m.embedder, srcs, docs,
                        m.ann.get("requested", "auto"), m.ann.get("ef_search", DEFAULT_EF_SEARCH), started)


def remove_documents(index_dir: Path | str, doc_keys: Iterable[str]) -> Manifest:
    """Remove whole documents by doc_key; sources no clause refers to any more are dropped too."""
    started = time.perf_counter()
    store = IndexStore.load(index_dir)
    keys = set(doc_keys)
    unknown = sorted(keys - {c.doc_key for c in store.clauses})
    if unknown:
        raise IndexError_(f"no document {', '.join(unknown)} in the index at {store.index_dir}")
    keep = [i for i, c in enumerate(store.clauses) if c.doc_key not in keys]
    if not keep:
        raise IndexError_("removing these documents would leave the index empty; delete the folder instead")
    clauses = [store.clauses[i] for i in keep]
    used = {c.source for c in clauses}
    srcs = [s for s in store.manifest.sources if s["name"] in used or used == {None}]
    m = store.manifest
    return _write_index(store.index_dir, clauses, np.asarray(store.vectors[keep], dtype=np.float32), m.embedder,
                        srcs, _documents_meta(clauses, None, m.documents), m.ann.get("requested", "auto"),
                        m.ann.get("ef_search", DEFAULT_EF_SEARCH), started)


class IndexStore:
    """A loaded index folder: clauses, manifest, BM25, the raw vectors and the dense index searching them."""

    def __init__(self, index_dir: Path, clauses: list[Clause], manifest: Manifest, dense: DenseIndex,
                 bm25: Any, vectors: np.ndarray) -> None:
        self.index_dir = index_dir
        self.clauses = clauses
        self.by_id = {c.id: c for c in clauses}
        self.row_of = {c.id: i for i, c in enumerate(clauses)}
        self.manifest = manifest
        self.dense = dense
        self.bm25 = bm25
        self.vectors = vectors
        self.dim = int(vectors.shape[1])

    def __len__(self) -> int:
        return len(self.clauses)

    @classmethod
    def load(cls, index_dir: Path | str, embedder: Embedder | None = None) -> IndexStore:
        """Load and check an index folder; with `embedder`, also check it is the one the index was built with."""
        index_dir = Path(index_dir)
        manifest = read_manifest(index_dir)
        if embedder is not None:
            given = embedder.identity()
            if identity_mismatch(manifest.embedder, given):
                raise IndexError_(f"index at {index_dir} was built with {describe_identity(manifest.embedder)}, "
                                  f"not {describe_identity(given)} — rebuild it or use the same embedder")
        missing = [f for f in FILES if not (index_dir / f).exists()]
        if missing:
            raise IndexError_(f"index at {index_dir} is incomplete (missing {', '.join(missing)}) — "
                              "rebuild it with `gazette index build`")
        try:
            import bm25s
            import faiss
        except ImportError as exc:
            raise GazetteError(f"{exc.name} is required to load the index: pip install faiss-cpu bm25s") from exc
        try:
            with open(index_dir / "clauses.jsonl", encoding="utf-8") as fh:
                clauses = [Clause.from_dict(json.loads(line)) for line in fh if line.strip()]
            vectors = np.load(index_dir / "vectors.npy", mmap_mode="r")
            faiss_index = faiss.read_index(str(index_dir / "dense.faiss"))
            bm25 = bm25s.BM25.load(str(index_dir / "bm25"), show_progress=False)
        except Exception as exc:  # noqa: BLE001 - any read failure means a damaged folder
            raise IndexError_(f"index at {index_dir} is damaged ({type(exc).__name__}: {exc}) — rebuild it") from exc
        n, dim = manifest.counts.get("clauses"), manifest.embedder.get("dim")
        sizes = {"clauses.jsonl": len(clauses), "vectors.npy": vectors.shape[0], "dense.faiss": faiss_index.ntotal,
                 "bm25": int(bm25.scores.get("num_docs", -1))}
        bad = [f"{k} has {v}" for k, v in sizes.items() if v != n]
        if vectors.ndim != 2 or vectors.shape[1] != dim or faiss_index.d != dim:
            bad.append(f"vectors are {vectors.shape}, faiss d={faiss_index.d}, manifest dim={dim}")
        if bad:
            raise IndexError_(f"index at {index_dir} is inconsistent (manifest says {n} clauses; "
                              f"{'; '.join(bad)}) — rebuild it")
        dense = FaissDenseIndex(faiss_index, vectors, clauses)
        if manifest.ann.get("type") == "hnsw":
            dense.set_ef_search(int(manifest.ann.get("ef_search", DEFAULT_EF_SEARCH)))
        return cls(index_dir, clauses, manifest, dense, bm25, vectors)

    def mask(self, predicate: Callable[[Clause], bool]) -> np.ndarray:
        """Boolean row mask of the clauses satisfying `predicate` (e.g. a `ClauseFilter`)."""
        return np.fromiter((bool(predicate(c)) for c in self.clauses), dtype=bool, count=len(self.clauses))

    def dense_search(self, qvec: np.ndarray, k: int, filters: ClauseFilter | None = None,
                     rows: np.ndarray | None = None) -> Hits:
        """Top-k rows by inner product for one query vector (`self.dense.search` for one query)."""
        return self.dense.search(np.asarray(qvec, dtype=np.float32).reshape(1, -1), k, filters, rows)[0]

    def bm25_search(self, tokens: Sequence[str], k: int, allowed: np.ndarray | None = None) -> Hits:
        """Top-k rows by BM25 score over `tokenize_zh` tokens; rows scoring 0 are never returned.

        `allowed` is a boolean row mask (e.g. `ClauseFilter.mask(store.clauses)`)."""
        vocab = self.bm25.vocab_dict
        tokens = [t for t in tokens if t in vocab]
        if not tokens or k <= 0:
            return empty_hits()
        scores = np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=bool)
            if allowed.shape != (len(self),):
                raise ValueError(f"allowed mask has shape {allowed.shape}, index has {len(self)} rows")
            scores = np.where(allowed, scores, 0.0).astype(np.float32)
        rows = np.flatnonzero(scores > 0)
        return top_k(rows, scores[rows], int(k)) if rows.size else empty_hits()


def read_manifest(index_dir: Path | str) -> Manifest:
    """Read manifest.json, raising `IndexError_` with a next step when the folder is missing or partial."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        raise IndexError_(f"no index at {index_dir} — run `gazette index build`")
    path = index_dir / "manifest.json"
    if not path.is_file():
        raise IndexError_(f"index at {index_dir} is incomplete (no manifest.json) — run `gazette index build`")
    try:
        manifest = Manifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise IndexError_(f"index at {index_dir} has an unreadable manifest.json ({exc}) — rebuild it") from exc
    if manifest.format_version > FORMAT_VERSION:
        raise IndexError_(f"index at {index_dir} has format v{manifest.format_version}; this gazette-chat "
                          f"reads up to v{FORMAT_VERSION} — upgrade or rebuild")
    return manifest
