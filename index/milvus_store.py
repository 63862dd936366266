"""Dense vectors (and clause metadata) in Milvus: milvus-lite (a local `.db` file) or a Milvus cluster.

The index folder stays the source of truth for clauses and the BM25 keyword index; the collection holds one entity
per clause row: `row` (INT64 primary key = the row id of clauses.jsonl, so search results are the same row ids as
FAISS), `clause_id`, the 384-d `vector` and the filterable metadata `doc_number`, `doc_key`, `kind`,
`lead_units` (ARRAY<VARCHAR>) and `deadline` ("" when none). Metadata filters are translated into a Milvus boolean
expression (`filter_expr`) so they run inside Milvus. The collection carries, as properties, the embedder identity
and a fingerprint of the index version it was filled from; `MilvusVectorStore.open_for_index` checks both (and
the dimension) at start-up and raises `GazetteError` with a next step instead of failing at the first question.

`MilvusDenseIndex` puts a collection behind the `index.dense.DenseIndex` protocol. pymilvus is imported lazily
(optional extra `scale`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from index.dense import Hits, as_queries, empty_hits
from index.embedders import Embedder, describe_identity, identity_mismatch
from index.errors import GazetteError
from index.filters import ClauseFilter

if TYPE_CHECKING:
    from index.store import IndexStore

log = logging.getLogger(__name__)

DEFAULT_COLLECTION = "gazette_clauses"
ENV_SYNC = "GAZETTE_MILVUS_SYNC"          # "1" = (re)fill the collection from the index folder at start-up
PROP_EMBEDDER = "gazette.embedder"
PROP_FINGERPRINT = "gazette.fingerprint"
INSERT_BATCH = 2_000
#: VARCHAR limits of the schema; longer values are cut (only very long untitled doc keys could be).
MAX_LEN = {"clause_id": 64, "doc_number": 256, "doc_key": 1024, "kind": 32, "deadline": 32, "lead_unit": 256}
MAX_LEAD_UNITS = 64
#: gRPC keepalive: pymilvus pings every 10 s even without calls, which milvus-lite's server answers with a
#: "Too many pings" GOAWAY on a busy machine; ping only during calls, at most every 5 minutes.
GRPC_OPTIONS = {"grpc.keepalive_time_ms": 300_000, "grpc.keepalive_timeout_ms": 20_000,
                "grpc.keepalive_permit_without_calls": 0, "grpc.http2.max_pings_without_data": 0}
RETRIES = 3
RETRY_DELAY = 0.2
#: Calls that are safe to repeat after a lost connection (an insert might have been applied once already).
IDEMPOTENT = frozenset({"has_collection", "describe_collection", "get_collection_stats", "search", "query",
                        "load_collection", "flush", "alter_collection_properties"})
_LOST = re.compile(r"too many pings|unavailable|connection|socket closed|goaway|closed channel|"
                   r"should create connection first|broken pipe|reset by peer", re.IGNORECASE)


def is_connection_lost(exc: BaseException) -> bool:
    """True for errors that mean the gRPC connection is gone (worth a reconnect), not a bad request."""
    code = getattr(exc, "code", None)
    name = getattr(code() if callable(code) else code, "name", "")
    return name == "UNAVAILABLE" or bool(_LOST.search(f"{type(exc).__name__} {exc}"))


def _pymilvus() -> Any:
    try:
        import pymilvus
    except ImportError as exc:
        raise GazetteError("the Milvus vector store needs pymilvus (and milvus-lite for a local .db file): "
                           "pip install 'gazette-chat[scale]'") from exc
    return pymilvus


def client_uri(uri: str) -> str:
    """`milvus://host:19530` → `http://host:19530`, `milvus+https://h:443` → `https://h:443`; a path stays a path."""
    if uri.startswith("milvus+https://"):
        return "https://" + uri[len("milvus+https://"):]
    if uri.startswith("milvus://"):
        return "http://" + uri[len("milvus://"):]
    return uri


def split_collection(uri: str) -> tuple[str, str | None]:
    """`milvus://h:19530/name` → (`milvus://h:19530`, `name`); `x.db#name` → (`x.db`, `name`)."""
    if "#" in uri:
        base, _, name = uri.partition("#")
        return base, name or None
    if uri.startswith(("milvus://", "milvus+https://")):
        scheme, _, rest = uri.partition("://")
        host, _, path = rest.partition("/")
        return f"{scheme}://{host}", (path.strip("/") or None)
    return uri, None


def index_fingerprint(clause_ids: Iterable[str], identity: dict[str, Any]) -> str:
    """Identifies one index version: its clause ids in row order and the embedder that made the vectors."""
    h = hashlib.sha256()
    for cid in clause_ids:
        h.update(cid.encode("utf-8") + b"\n")
    h.update(json.dumps({k: identity.get(k) for k in ("name", "engine", "dim", "variant")}, sort_keys=True).encode())
    return h.hexdigest()[:32]


def _q(value: str) -> str:
    """A string literal for a Milvus expression (double quotes, backslash escapes)."""
    return json.dumps(str(value), ensure_ascii=False)


def filter_expr(filters: ClauseFilter | None, lead_unit_vocab: Iterable[str] = (),
                doc_types: Mapping[str, str | None] | None = None) -> str:
    """A `ClauseFilter` → a Milvus boolean expression with the same meaning ("" when nothing filters).

    `doc` matches doc_number or doc_key; `kind` exactly; `doc_type` becomes `doc_key in [...]` over the documents
    of that type (`doc_types`: doc_key → type, from the index's clauses — the collection has no type field); the
    filter's resolved lead units are matched by substring against the known lead units (`lead_unit_vocab`), the
    matching ones becoming an `array_contains_any`; deadline bounds
    compare month prefixes ("2024" ≤ "2024-06" ≤ "2024~" — digits and '-' sort before '~')."""
    if filters is None:
        return ""
    parts: list[str] = []
    if filters.doc:
        parts.append(f"(doc_number == {_q(filters.doc)} or doc_key == {_q(filters.doc)})")
    if filters.kind:
        parts.append(f"kind == {_q(filters.kind)}")
    if filters.doc_type:
        keys = sorted(k for k, t in (doc_types or {}).items() if t == filters.doc_type)
        if not keys:
            return "row < 0"  # no document of that type
        parts.append(f"doc_key in [{', '.join(_q(k) for k in keys)}]")
    if filters.units is not None:
        matching = sorted(set(filters.matching_units(lead_unit_vocab)))
        if not matching:
            return "row < 0"  # nothing can match
        parts.append(f"array_contains_any(lead_units, [{', '.join(_q(u) for u in matching)}])")
    lo, hi = filters.deadline_from, filters.deadline_to
    if lo or hi:
        parts.append('deadline != ""')
        if lo:
            parts.append(f"deadline >= {_q(lo)}")
        if hi:
            parts.append(f"deadline <= {_q(str(hi) + '~')}")
    return " and ".join(parts)


def clause_entities(rows: Sequence[int], vectors: np.ndarray, clauses: Sequence[Any]) -> list[dict[str, Any]]:
    """Milvus entities for clause rows (`clauses` are `Clause` objects or dicts with the same keys)."""
    out = []
    for row, vec, c in zip(rows, vectors, clauses):
        get = c.get if isinstance(c, dict) else (lambda k, _c=c: getattr(_c, k))
        leads = [str(u)[: MAX_LEN["lead_unit"]] for u in (get("lead_units") or [])][:MAX_LEAD_UNITS]
        out.append({"row": int(row), "clause_id": str(get("id"))[: MAX_LEN["clause_id"]],
                    "vector": np.asarray(vec, dtype=np.float32).tolist(),
                    "doc_number": (get("doc_number") or "")[: MAX_LEN["doc_number"]],
                    "doc_key": (get("doc_key") or "")[: MAX_LEN["doc_key"]],
                    "kind": (get("kind") or "")[: MAX_LEN["kind"]],
                    "lead_units": leads, "deadline": (get("deadline") or "")[: MAX_LEN["deadline"]]})
    return out


class MilvusVectorStore:
    """One Milvus collection of clause vectors; FLAT index with inner product (exact, like FAISS IndexFlatIP)."""

    name = "milvus"

    def __init__(self, uri: str, collection: str | None = None, token: str | None = None,
                 timeout: float = 10.0) -> None:
        """`collection` (settings.milvus_collection) applies when `uri` names none; `token`: settings.milvus_token."""
        base, from_uri = split_collection(uri)
        self.uri = base
        self.collection = from_uri or collection or DEFAULT_COLLECTION
        pymilvus = _pymilvus()
        target = client_uri(base)
        if not target.startswith(("http://", "https://", "tcp://", "unix:")):
            parent = os.path.dirname(os.path.abspath(target))
            if not os.path.isdir(parent):
                raise GazetteError(f"Milvus-lite file {target}: folder {parent} does not exist")
        kwargs: dict[str, Any] = {"uri": target, "timeout": timeout}
        if token:
            kwargs["token"] = token
        kwargs["grpc_options"] = dict(GRPC_OPTIONS)
        self._kwargs = kwargs
        try:
            self.client = pymilvus.MilvusClient(**kwargs)
        except Exception as exc:  # noqa: BLE001 - any connect failure is a configuration problem
            raise GazetteError(f"cannot reach Milvus at {base} ({type(exc).__name__}: {_short(exc)}) — check "
                               "GAZETTE_VECTOR_STORE (milvus://host:19530 or a local …/x.db path)") from exc
        self.dim: int | None = None
        if self.exists():
            self.dim = self._collection_dim()

    # --- connection -------------------------------------------------------------------------------------------
    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """`self.client.<method>(...)`, reconnecting and retrying (3 attempts) when the connection was lost —
        e.g. milvus-lite's gRPC "Too many pings" GOAWAY on a busy machine."""
        for attempt in range(RETRIES + 1):
            try:
                return getattr(self.client, method)(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - only connection losses are retried
                if attempt == RETRIES or method not in IDEMPOTENT or not is_connection_lost(exc):
                    raise
                log.warning("Milvus connection lost during %s (%s); reconnecting (attempt %d of %d)", method,
                            _short(exc), attempt + 1, RETRIES)
                time.sleep(RETRY_DELAY * (attempt + 1))
                self.reconnect()
        raise AssertionError("unreachable")

    def reconnect(self) -> None:
        """Drop the client and open a new connection with the same settings."""
        self.close()
        self.client = _pymilvus().MilvusClient(**self._kwargs)
        if self.dim is not None:
            try:
                self.client.load_collection(self.collection)
            except Exception as exc:  # noqa: BLE001 - the retried call reports the real problem
                log.debug("reload of %s after reconnect failed: %s", self.collection, _short(exc))

    # --- collection lifecycle --------------------------------------------------------------------------------
    def exists(self) -> bool:
        return bool(self._call("has_collection", self.collection))

    def _describe(self) -> dict[str, Any]:
        return self._call("describe_collection", self.collection)

    def _collection_dim(self) -> int:
        for f in self._describe().get("fields", []):
            if f.get("name") == "vector":
                return int(f.get("params", {}).get("dim"))
        raise GazetteError(f"Milvus collection {self.collection!r} has no `vector` field — it was not made by "
                           "gazette-chat; choose another collection name")

    def properties(self) -> dict[str, str]:
        return dict(self._describe().get("properties") or {})

    def create(self, dim: int, drop: bool = False) -> None:
        """Create the collection (FLAT/IP on `vector`); with `drop`, replace an existing one."""
        pymilvus = _pymilvus()
        DataType = pymilvus.DataType
        if self.exists():
            if not drop:
                raise GazetteError(f"Milvus collection {self.collection!r} already exists")
            self._call("drop_collection", self.collection)
        schema = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("clause_id", DataType.VARCHAR, max_length=MAX_LEN["clause_id"])
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=int(dim))
        for name in ("doc_number", "doc_key", "kind", "deadline"):
            schema.add_field(name, DataType.VARCHAR, max_length=MAX_LEN[name])
        schema.add_field("lead_units", DataType.ARRAY, element_type=DataType.VARCHAR,
                         max_capacity=MAX_LEAD_UNITS, max_length=MAX_LEN["lead_unit"])
        params = self.client.prepare_index_params()
        params.add_index("vector", index_type="FLAT", metric_type="IP")
        self._call("create_collection", self.collection, schema=schema, index_params=params)
        self.dim = int(dim)

    def set_properties(self, props: dict[str, str]) -> None:
        self._call("alter_collection_properties", self.collection, properties=props)

    def insert(self, rows: Sequence[int], vectors: np.ndarray, clauses: Sequence[Any],
               batch: int = INSERT_BATCH) -> int:
        """Insert clause rows (Clause objects or dicts); returns the number inserted."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.dim is not None and vectors.ndim == 2 and vectors.shape[1] != self.dim:
            raise GazetteError(f"vectors are {vectors.shape[1]}-d but Milvus collection {self.collection!r} is "
                               f"{self.dim}-d")
        done = 0
        for start in range(0, len(rows), batch):
            ents = clause_entities(rows[start:start + batch], vectors[start:start + batch],
                                   clauses[start:start + batch])
            self._call("insert", self.collection, ents)
            done += len(ents)
        return done

    def insert_entities(self, entities: list[dict[str, Any]]) -> None:
        self._call("insert", self.collection, entities)

    def flush(self) -> None:
        try:
            self._call("flush", self.collection)
        except Exception:  # noqa: BLE001 - flush is an optimisation (milvus-lite may not need it)
            pass

    def count(self) -> int:
        stats = self._call("get_collection_stats", self.collection)
        return int(stats.get("row_count", 0))

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001
            pass

    # --- search ----------------------------------------------------------------------------------------------
    def search(self, qvec: np.ndarray, k: int, expr: str = "", rows: np.ndarray | None = None) -> Hits:
        """Top-k (row ids, inner products), score descending then row ascending; `expr` / `rows` restrict it."""
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        if self.dim is not None and q.shape[0] != self.dim:
            raise ValueError(f"query vector has dim {q.shape[0]}, collection has {self.dim}")
        k = int(k)
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64)
            if rows.size == 0:
                return empty_hits()
            in_rows = f"row in [{', '.join(str(int(r)) for r in rows)}]"
            expr = f"({expr}) and {in_rows}" if expr else in_rows
        if k <= 0:
            return empty_hits()
        kwargs: dict[str, Any] = {"anns_field": "vector", "limit": min(k, 16_384),
                                  "search_params": {"metric_type": "IP"}, "output_fields": ["row"]}
        if expr:
            kwargs["filter"] = expr
        res = self._call("search", self.collection, data=[q.tolist()], **kwargs)
        hits = res[0] if res else []
        ids = np.fromiter((int(h["id"] if "id" in h else h["row"]) for h in hits), dtype=np.int64, count=len(hits))
        scores = np.fromiter((float(h["distance"]) for h in hits), dtype=np.float32, count=len(hits))
        order = np.lexsort((ids, -scores))
        return ids[order], scores[order]

    # --- start-up checks and sync from an index folder -------------------------------------------------------
    def sync_from_index(self, store: IndexStore) -> int:
        """(Re)fill the collection from a loaded `IndexStore` (vectors.npy + clauses); returns rows written."""
        identity = store.manifest.embedder
        self.create(store.dim, drop=True)
        n = len(store.clauses)
        for start in range(0, n, INSERT_BATCH):
            stop = min(start + INSERT_BATCH, n)
            self.insert(list(range(start, stop)), np.asarray(store.vectors[start:stop], dtype=np.float32),
                        store.clauses[start:stop])
        self.flush()
        self.set_properties({PROP_EMBEDDER: json.dumps(identity, ensure_ascii=False, sort_keys=True),
                             PROP_FINGERPRINT: index_fingerprint((c.id for c in store.clauses), identity)})
        log.info("filled Milvus collection %s at %s with %d clause vectors", self.collection, self.uri, n)
        return n

    def check_for_index(self, store: IndexStore, embedder: Embedder | None = None) -> None:
        """Raise `GazetteError` unless the collection holds exactly this index version's vectors."""
        where = f"Milvus collection {self.collection!r} at {self.uri}"
        dim = self._collection_dim()
        if dim != store.dim or (embedder is not None and int(getattr(embedder, "dim", dim)) != dim):
            want = getattr(embedder, "dim", store.dim) if embedder is not None else store.dim
            raise GazetteError(f"{where} has {dim}-d vectors but the index/embedder is {want}-d — wrong "
                               f"collection dimension; use another collection or refill it ({ENV_SYNC}=1)")
        props = self.properties()
        try:
            built = json.loads(props.get(PROP_EMBEDDER, "null"))
        except ValueError:
            built = None
        if not built:
            raise GazetteError(f"{where} was not filled by gazette-chat (no embedder recorded) — refill it "
                               f"({ENV_SYNC}=1) or choose another collection")
        for given in (store.manifest.embedder, embedder.identity() if embedder is not None else None):
            if given is not None and identity_mismatch(built, given):
                raise GazetteError(f"{where} holds vectors of {describe_identity(built)}, not "
                                   f"{describe_identity(given)} — embedder mismatch; refill it ({ENV_SYNC}=1)")
        want = index_fingerprint((c.id for c in store.clauses), store.manifest.embedder)
        count = self.count()
        if props.get(PROP_FINGERPRINT) != want or count != len(store.clauses):
            raise GazetteError(f"{where} holds another index version ({count} vectors; the index at "
                               f"{store.index_dir} has {len(store.clauses)}) — refill it ({ENV_SYNC}=1) or rebuild "
                               "with GAZETTE_VECTOR_STORE set")

    @classmethod
    def open_for_index(cls, uri: str, store: IndexStore, embedder: Embedder | None = None, sync: bool = False,
                       collection: str | None = None, token: str | None = None) -> MilvusVectorStore:
        """Connect, fill the collection if it is missing (or `sync`, settings.milvus_sync), then check it."""
        ms = cls(uri, collection=collection, token=token)
        if sync or not ms.exists():
            ms.sync_from_index(store)
        ms.check_for_index(store, embedder)
        try:
            ms.client.load_collection(ms.collection)
        except Exception:  # noqa: BLE001 - already loaded / lite loads implicitly
            pass
        return ms


class MilvusDenseIndex:
    """A Milvus collection behind the `DenseIndex` protocol (filters run inside Milvus as an expression)."""

    name = "milvus"

    def __init__(self, milvus: MilvusVectorStore, lead_unit_vocab: Iterable[str],
                 doc_types: Mapping[str, str | None] | None = None) -> None:
        """`doc_types`: doc_key → document type of the index's clauses (for the `doc_type` filter)."""
        self.milvus = milvus
        self.lead_unit_vocab = sorted(set(lead_unit_vocab))
        self.doc_types = dict(doc_types or {})

    def count(self) -> int:
        return self.milvus.count()

    def search(self, vectors: np.ndarray, k: int, filters: ClauseFilter | None = None,
               rows: np.ndarray | None = None) -> list[Hits]:
        queries = as_queries(vectors, int(self.milvus.dim or np.asarray(vectors).shape[-1]))
        expr = filter_expr(filters, self.lead_unit_vocab, self.doc_types)
        return [self.milvus.search(q, k, expr, rows) for q in queries]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
