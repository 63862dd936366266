"""Where the clause vectors are searched, selected by `settings.vector_store` (`$GAZETTE_VECTOR_STORE`).

| value                                    | dense index                                                  |
| ---------------------------------------- | ------------------------------------------------------------ |
| unset, `faiss`                           | FAISS inside the index folder (default)                      |
| `milvus://host:19530[/collection]`       | a Milvus server/cluster (`milvus+https://…` for TLS)         |
| `/path/x.db[#collection]`, `milvus-lite:/path/x.db` | milvus-lite, a real Milvus engine in a local file |

Every back-end is an `index.dense.DenseIndex`; the folder stays the source of clauses and of the BM25 keyword
index whatever holds the vectors. `open_store` loads the folder and attaches the configured dense index;
`push_index` refills Milvus after a write.
"""
from __future__ import annotations

from pathlib import Path

from index.embedders import Embedder
from index.errors import GazetteError
from index.milvus_store import MilvusDenseIndex, MilvusVectorStore
from index.settings import Settings
from index.store import IndexStore

ENV_VAR = "GAZETTE_VECTOR_STORE"
DEFAULT = "faiss"


def parse_uri(uri: str | None) -> tuple[str, str | None]:
    """(`faiss`, None) or (`milvus`, uri for `MilvusVectorStore`); `GazetteError` for anything else."""
    uri = (uri or "").strip()
    if uri in ("", "faiss", "faiss://"):
        return "faiss", None
    if uri.startswith(("milvus://", "milvus+https://")):
        return "milvus", uri
    if uri.startswith("milvus-lite:"):
        uri = uri[len("milvus-lite:"):]
    if uri.split("#", 1)[0].endswith(".db"):
        return "milvus", uri
    raise GazetteError(f"unknown {ENV_VAR} {uri!r}: use faiss (default), milvus://host:19530[/collection] "
                       "or a local milvus-lite file …/x.db")


def open_store(index_dir: Path | str, embedder: Embedder | None = None, uri: str | None = None,
               settings: Settings | None = None) -> IndexStore:
    """Load the index folder with the configured dense index (`uri`, else `settings.vector_store`; no settings:
    read from the environment)."""
    settings = settings or Settings.from_env()
    uri = uri if uri is not None else settings.vector_store
    kind, target = parse_uri(uri)  # bad configuration fails before the (slow) load
    store = IndexStore.load(index_dir, embedder=embedder)
    if kind == "milvus":
        milvus = MilvusVectorStore.open_for_index(target or "", store, embedder, sync=settings.milvus_sync,
                                                  collection=settings.milvus_collection,
                                                  token=settings.milvus_token)
        store.dense = MilvusDenseIndex(milvus, (u for c in store.clauses for u in c.lead_units),
                                       {c.doc_key: c.doc_type for c in store.clauses})
    return store


def push_index(index_dir: Path | str, uri: str | None = None, settings: Settings | None = None) -> int:
    """Fill the configured Milvus collection from an index folder (after a write); 0 when the back-end is FAISS."""
    settings = settings or Settings.from_env()
    kind, target = parse_uri(uri if uri is not None else settings.vector_store)
    if kind == "faiss":
        return 0
    store = IndexStore.load(index_dir)
    milvus = MilvusVectorStore(target or "", collection=settings.milvus_collection, token=settings.milvus_token)
    try:
        return milvus.sync_from_index(store)
    finally:
        milvus.close()
