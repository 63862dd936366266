"""Issue 14 item 11: the Milvus store survives a lost gRPC connection (milvus-lite "Too many pings" on a busy
machine) by reconnecting and retrying idempotent calls; keepalive pings are configured not to provoke it."""
from __future__ import annotations

import numpy as np
import pytest


def _clauses(n: int) -> list[dict]:
    return [{"id": f"c{i}", "doc_number": "d", "doc_key": "d", "kind": "clause", "lead_units": [], "deadline": None}
            for i in range(n)]


@pytest.mark.integration
def test_search_reconnects_after_the_connection_is_lost(tmp_path) -> None:
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    from index.milvus_store import MilvusVectorStore

    store = MilvusVectorStore(str(tmp_path / "lost.db"), "lost")
    vectors = np.random.default_rng(0).random((20, 8)).astype(np.float32)
    store.create(8)
    store.insert(list(range(20)), vectors, _clauses(20))
    store.flush()
    store.client.load_collection(store.collection)
    want = store.search(vectors[3], 5)
    store.client.close()                                  # the connection is gone, as after a GOAWAY
    got = store.search(vectors[3], 5)
    assert list(got[0]) == list(want[0]) and got[0][0] == 3
    assert store.count() == 20
    store.close()


@pytest.mark.unit
def test_connection_losses_are_recognised() -> None:
    from index.milvus_store import is_connection_lost

    class Rpc(Exception):
        def code(self):
            class Code:
                name = "UNAVAILABLE"
            return Code()

    assert is_connection_lost(Exception("<_InactiveRpcError: StatusCode.UNAVAILABLE details='Too many pings'>"))
    assert is_connection_lost(Rpc("GOAWAY received"))
    assert not is_connection_lost(ValueError("collection not found: x"))
    assert not is_connection_lost(Exception("invalid filter expression: kind =="))


@pytest.mark.unit
def test_keepalive_options_are_passed_to_the_client(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    pymilvus = pytest.importorskip("pymilvus")
    from index.milvus_store import MilvusVectorStore

    seen: dict = {}

    class FakeClient:
        def __init__(self, **kwargs):
            seen.update(kwargs)

        def has_collection(self, name):
            return False

    monkeypatch.setattr(pymilvus, "MilvusClient", FakeClient)
    MilvusVectorStore(str(tmp_path / "k.db"), "k")
    opts = seen.get("grpc_options", {})
    assert opts.get("grpc.keepalive_permit_without_calls") in (0, False)
    assert opts.get("grpc.keepalive_time_ms", 0) >= 60_000


@pytest.mark.unit
def test_inserts_are_not_retried(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    pymilvus = pytest.importorskip("pymilvus")
    from index.milvus_store import MilvusVectorStore

    calls: list[str] = []

    class FlakyClient:
        def __init__(self, **kwargs):
            pass

        def has_collection(self, name):
            calls.append("has")
            if calls.count("has") == 2:
                raise Exception("StatusCode.UNAVAILABLE: Too many pings")
            return False

        def insert(self, *a, **k):
            calls.append("insert")
            raise Exception("StatusCode.UNAVAILABLE: Too many pings")

        def close(self):
            calls.append("close")

    monkeypatch.setattr(pymilvus, "MilvusClient", FlakyClient)
    store = MilvusVectorStore(str(tmp_path / "f.db"), "f")
    assert store.exists() is False                         # retried after a reconnect
    with pytest.raises(Exception, match="Too many pings"):
        store.insert_entities([{"row": 1}])
    assert calls.count("insert") == 1
