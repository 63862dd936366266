"""The naive baseline: fixed 250-character chunks, plain dense + BM25, equal-weight RRF. Built in memory.

Each document's full text is its clauses' verbatim texts joined with newlines, in reading order (so every chunk
maps back exactly to the clause ids it overlaps, and recall uses the same gold ids). No context header, no
labels, no glossary, no translation: English questions are searched as they are.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from index.tokenize import tokenize_zh

CHUNK_CHARS = 250
RRF_K = 60
CANDIDATES = 50


@dataclass
class Chunk:
    """A fixed-size slice of one document's text and the clauses it overlaps."""

    doc_key: str
    start: int
    text: str
    clause_ids: list[str] = field(default_factory=list)


def chunk_documents(clauses: Sequence[Any], size: int = CHUNK_CHARS) -> list[Chunk]:
    """Cut each document (clauses grouped by doc_key, in order) into `size`-character chunks, no overlap."""
    docs: dict[str, list[Any]] = {}
    for c in clauses:
        docs.setdefault(c.doc_key, []).append(c)
    chunks: list[Chunk] = []
    for key, members in docs.items():
        spans, parts, pos = [], [], 0
        for c in members:
            spans.append((pos, pos + len(c.text), c.id))
            parts.append(c.text)
            pos += len(c.text) + 1  # the joining newline
        text = "\n".join(parts)
        for start in range(0, len(text), size):
            end = min(start + size, len(text))
            ids = [cid for s, e, cid in spans if s < end and e > start]
            if text[start:end].strip():
                chunks.append(Chunk(key, start, text[start:end], ids))
    return chunks


class BaselineIndex:
    """Dense (exact inner product) + BM25 over chunks, fused with equal-weight reciprocal-rank fusion."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray, embedder: Any, bm25: Any,
                 build_seconds: float) -> None:
        self.chunks = chunks
        self.vectors = vectors
        self.embedder = embedder
        self.bm25 = bm25
        self.build_seconds = build_seconds

    @classmethod
    def build(cls, clauses: Sequence[Any], embedder: Any, size: int = CHUNK_CHARS,
              progress: bool = False) -> BaselineIndex:
        """Chunk, embed (same embedder as ours, no header) and BM25-index the clauses' documents."""
        import bm25s


        started = time.perf_counter()
        chunks = chunk_documents(clauses, size)
        texts = [c.text for c in chunks]
        if progress:
            from tqdm import tqdm

            with tqdm(total=len(texts), desc="baseline embedding", unit="chunk") as bar:
                vecs = embedder.embed_documents(texts, progress=lambda done, _t: bar.update(done - bar.n))
        else:
            vecs = embedder.embed_documents(texts)
        bm25 = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
        bm25.index([tokenize_zh(t) for t in texts], show_progress=False)
        return cls(chunks, np.ascontiguousarray(vecs, dtype=np.float32), embedder, bm25,
                   time.perf_counter() - started)

    def _dense_rows(self, query: str, n: int) -> list[int]:
        q = np.asarray(self.embedder.embed_queries([query]), dtype=np.float32).reshape(-1)
        scores = self.vectors @ q
        return [int(i) for i in np.lexsort((np.arange(len(scores)), -scores))[:n]]

    def _bm25_rows(self, query: str, n: int) -> list[int]:
        vocab = self.bm25.vocab_dict
        tokens = [t for t in tokenize_zh(query) if t in vocab]
        if not tokens:
            return []
        scores = np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)
        rows = np.flatnonzero(scores > 0)
        order = np.lexsort((rows, -scores[rows]))
        return [int(r) for r in rows[order][:n]]

    def search(self, query: str, k: int = 10) -> list[Chunk]:
        """Top-k chunks by RRF(dense, BM25) with equal weights."""
        fused: dict[int, float] = {}
        for rows in (self._dense_rows(query, CANDIDATES), self._bm25_rows(query, CANDIDATES)):
            for rank, row in enumerate(rows, 1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [self.chunks[row] for row, _ in best]

    def ranked_ids(self, query: str, k: int = 10) -> list[list[str]]:
        """The top-k chunks as lists of the clause ids each overlaps (the ranked list metrics take)."""
        return [list(c.clause_ids) for c in self.search(query, k)]
