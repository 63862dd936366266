"""Loading and hot-swapping the index for a long-running server: a query-vector cache and the index watcher."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embedders import embedder_from_identity
from index.filters import columns_of
from index.reload import IndexWatcher
from index.settings import Settings
from index.store import read_manifest
from retriever.search import Searcher


class CachedQueryEmbedder:
    """Wraps an embedder with a thread-safe LRU cache of query vectors (the model serialises queries behind a lock,
    so repeated questions — examples, retries, follow-ups — should not queue for it again)."""

    def __init__(self, inner: Any, size: int) -> None:
        self.inner, self.size = inner, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:          # dim, identity(), embed_documents(), …
        return getattr(self.inner, name)

    def embed_queries(self, texts: str | Sequence[str]) -> np.ndarray:
        texts = [texts] if isinstance(texts, str) else list(texts)
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = self.inner.embed_queries(missing)
            with self._lock:
                for t, v in zip(missing, vectors):
                    found[t] = self._cache[t] = np.array(v, copy=True)
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


def make_watcher(index_dir: Path, llm: str | None, settings: Settings) -> IndexWatcher:
    """An `IndexWatcher` whose loader opens a `Searcher`, reusing the current embedder when it still fits."""
    holder: dict[str, Searcher] = {}

    def load(path: Path) -> Searcher:
        current = holder.get("searcher")
        identity = read_manifest(path).embedder
        if current is not None and identity == current.store.manifest.embedder:
            embedder = current.embedder
        else:
            embedder = embedder_from_identity(identity, workers=settings.embed_workers or 1,
                                              max_batch=settings.embed_batch)
            size = settings.query_cache
            embedder = CachedQueryEmbedder(embedder, size) if size > 0 else embedder
        searcher = Searcher.open(path, llm=llm, embedder=embedder, settings=settings)
        columns_of(searcher.store.clauses)      # filter columns now, not at the first filtered request (1.9 s at 1M)
        holder["searcher"] = searcher
        return searcher

    return IndexWatcher(index_dir, loader=load)
