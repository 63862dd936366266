"""The one way to (re)build an index folder from gazette files: parse → embed (local or Ray) → atomic write, under
the writer lock, then refill an external vector store. Called by `gazette index build`, `gazette serve` (first
run) and `gazette eval`."""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.clause import Clause, Document
from index.embedders import Embedder, load_embedder
from index.errors import InputFileError
from index.lock import index_lock
from index.parser import parse_file
from index.ray_build import RayEmbedding
from index.settings import Settings
from index.store_build import Manifest, build_index
from index.vector_store import push_index

#: What `gazette index build` indexes without arguments (the bundled sample issue).
DEFAULT_FILES = (Path("data/corpus/chongqing-gazette-2024-06.txt"),)
Engine = Literal["local", "ray"]


@dataclass
class BuildResult:
    """What a build did: the manifest written, the files parsed, timings, and the Milvus rows refilled."""

    manifest: Manifest
    out_dir: Path
    files: list[Path]
    clauses: int
    parse_seconds: float
    seconds: float
    pushed: int = 0          # rows written to an external vector store (0 = FAISS only)


def parse_files(paths: Sequence[Path]) -> tuple[list[Clause], list[Document]]:
    """Clauses and documents of gazette files (text or PDF), in file order; `InputFileError` for a missing file."""
    for path in paths:
        if not path.is_file():
            raise InputFileError(f"no such file: {path}")
    clauses: list[Clause] = []
    documents: list[Document] = []
    for path in paths:
        issue = parse_file(path)
        documents.extend(issue.documents)
        clauses.extend(issue.clauses)
    return clauses, documents


def build_files(files: Sequence[Path | str] = (), out_dir: Path | str | None = None, *,
                embedder: Embedder | None = None, engine: Engine = "local", workers: int = 2, ann: str = "auto",
                progress: bool = True, settings: Settings | None = None) -> BuildResult:
    """Parse `files` (default: the sample issue), embed with `engine`, write `out_dir` (default
    `settings.index_dir`) atomically while holding its writer lock, then refill Milvus when configured."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    paths = [Path(f) for f in files] or list(DEFAULT_FILES)
    out = Path(out_dir) if out_dir is not None else settings.index_dir
    clauses, documents = parse_files(paths)
    parse_seconds = time.perf_counter() - started
    embedder = embedder or load_embedder(settings.embedder)
    embed = RayEmbedding(embedder.identity(), workers) if engine == "ray" else None
    with index_lock(out):
        manifest = build_index(clauses, embedder, out, paths, progress=progress, ann=ann, documents=documents,
                               embed=embed)
        pushed = push_index(out, settings=settings)
    return BuildResult(manifest, out, paths, len(clauses), round(parse_seconds, 3),
                       round(time.perf_counter() - started, 3), pushed)
