"""Embedding cache: passage vectors keyed by (embedder identity, sha256 of the passage text), as plain files.

Layout: `<root>/<embedder key>/identity.json` and segment pairs `seg-<time>-<pid>.keys` (one hex digest a
line) + `seg-<time>-<pid>.npy` (float32 rows in the same order), each written to a temporary name and renamed,
so a reader never sees half a segment and concurrent writers never clash. A rebuild, a re-add or a test then
embeds only text it has not seen. Root: `$GAZETTE_EMBED_CACHE` (`off` disables), default
`$XDG_CACHE_HOME/gazette-chat/embeddings` (`~/.cache/…`).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ENV_VAR = "GAZETTE_EMBED_CACHE"
#: Identity keys that change the vectors (the rest, e.g. who applies prefixes, is descriptive).
_KEY_FIELDS = ("name", "engine", "dim", "normalize", "query_prefix", "passage_prefix", "variant", "quantization")


def default_root() -> Path | None:
    """The cache folder from the environment, or None when caching is off."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value.lower() in ("off", "0", "none", "false"):
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gazette-chat" / "embeddings"


def embedder_key(identity: dict[str, Any]) -> str:
    """A short, stable id of an embedder (what its vectors depend on)."""
    core = {k: identity.get(k) for k in _KEY_FIELDS}
    blob = json.dumps(core, sort_keys=True, ensure_ascii=False)
    return f"{identity.get('engine')}-{hashlib.sha256(blob.encode('utf-8')).hexdigest()[:16]}"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors of one embedder, loaded from and appended to its cache folder."""

    def __init__(self, root: Path, identity: dict[str, Any]) -> None:
        self.dim = int(identity["dim"])
        self.folder = Path(root) / embedder_key(identity)
        self._rows: dict[str, np.ndarray] = {}
        self._identity = identity
        self._load()

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for keys_path in sorted(self.folder.glob("seg-*.keys")):
            vec_path = keys_path.with_suffix(".npy")
            try:
                keys = keys_path.read_text(encoding="ascii").split()
                vecs = np.load(vec_path)
            except (OSError, ValueError):
                continue                        # a damaged segment is ignored (its text is embedded again)
            if vecs.ndim != 2 or vecs.shape != (len(keys), self.dim):
                continue
            self._rows.update(zip(keys, vecs))

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, keys: Sequence[str]) -> list[np.ndarray | None]:
        return [self._rows.get(k) for k in keys]

    def put(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store new rows as one segment (atomic rename; failures to write only cost a later re-embed)."""
        fresh = [(k, v) for k, v in zip(keys, vectors) if k not in self._rows]
        if not fresh:
            return
        self._rows.update(fresh)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ident = self.folder / "identity.json"
            if not ident.exists():
                ident.write_text(json.dumps(self._identity, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            stem = f"seg-{time.time_ns()}-{os.getpid()}"
            tmp_npy, tmp_keys = self.folder / f".{stem}.npy.tmp", self.folder / f".{stem}.keys.tmp"
            with open(tmp_npy, "wb") as fh:
                np.save(fh, np.stack([v for _, v in fresh]).astype(np.float32))
            tmp_keys.write_text("\n".join(k for k, _ in fresh) + "\n", encoding="ascii")
            os.replace(tmp_npy, self.folder / f"{stem}.npy")     # vectors first: keys without vectors never show
            os.replace(tmp_keys, self.folder / f"{stem}.keys")
        except OSError:
            return


class CachedEmbedder:
    """Wraps an embedder: `embed_documents` serves known passages from the cache and embeds only the rest.

    Queries are not cached. `hits` / `misses` count passages of the last calls (for reports and tests)."""

    def __init__(self, inner: Any, root: Path) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.cache = EmbeddingCache(root, inner.identity())
        self.hits = 0
        self.misses = 0
        self.chunk = 256

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def identity(self) -> dict[str, Any]:
        return self.inner.identity()

    def embed_documents(self, texts: Sequence[str],
                        progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        texts = [texts] if isinstance(texts, str) else list(texts)
        keys = [text_key(t) for t in texts]
        found = self.cache.get(keys)
        missing = [i for i, v in enumerate(found) if v is None]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, v in enumerate(found):
            if v is not None:
                out[i] = v
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        cached = len(texts) - len(missing)
        if progress and cached:
            progress(cached, len(texts))
        if missing:
            order = list(dict.fromkeys(keys[i] for i in missing))      # each new text once
            first = {keys[i]: i for i in reversed(missing)}
            for start in range(0, len(order), self.chunk):              # stored chunk by chunk: an interrupted
                chunk = order[start:start + self.chunk]                 # build keeps what it embedded
                vecs = np.asarray(self.inner.embed_documents([texts[first[k]] for k in chunk]),
                                  dtype=np.float32).reshape(len(chunk), self.dim)
                self.cache.put(chunk, vecs)
                if progress:
                    progress(min(cached + start + len(chunk), len(texts)), len(texts))
            for i, row in zip(missing, self.cache.get([keys[i] for i in missing])):
                out[i] = row
        return out


def with_cache(embedder: Any, root: Path | None = None) -> Any:
    """`embedder` wrapped with the cache at `root` (default from the environment); unchanged when off or
    already wrapped, and for the test-only hashing embedder (cheaper to compute than to read)."""
    if isinstance(embedder, CachedEmbedder):
        return embedder
    root = root if root is not None else default_root()
    if root is None or embedder.identity().get("engine") == "hash":
        return embedder
    return CachedEmbedder(embedder, root)
