"""Shared sessions in Redis: two store instances (two API processes) see one conversation; cap, TTL, bad URLs."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from conftest import free_port

from chat.redis_sessions import open_session_store
from chat.sessions import MAX_TURNS, InMemorySessionStore, Turn
from index.errors import GazetteError

pytest.importorskip("redis", reason="redis-py not installed (optional extra `scale`)")

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture(scope="module")
def redis_url():
    if REDIS_SERVER is None:
        pytest.skip("redis-server not found (Debian package `redis-server`: apt-get install -y redis-server)")
    port = free_port()
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--daemonize", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.integration
def test_two_processes_share_one_conversation(redis_url):
    from chat.redis_sessions import RedisSessionStore

    api_a, api_b = RedisSessionStore(redis_url), RedisSessionStore(redis_url)
    sid = f"s-{time.time_ns()}"
    api_a.append(sid, Turn("企业招博士后有补贴吗", "企业招博士后有补贴吗", "zh", ["c-758568d4154e"]))
    api_b.append(sid, Turn("那国家级的呢？", "企业招博士后有补贴吗 那国家级的呢？", "zh"))
    for store in (api_a, api_b):
        turns = store.history(sid)
        assert [t.question for t in turns] == ["企业招博士后有补贴吗", "那国家级的呢？"]
        assert turns[0].cited == ["c-758568d4154e"] and turns[1].lang == "zh"
        assert isinstance(turns[0], Turn)
    assert api_a.history("no-such-session") == []


@pytest.mark.integration
def test_history_capped_and_expires(redis_url):
    from chat.redis_sessions import RedisSessionStore

    store = RedisSessionStore(redis_url + "?ttl=60")
    assert store.ttl == 60
    sid = f"cap-{time.time_ns()}"
    for i in range(MAX_TURNS + 5):
        store.append(sid, Turn(f"q{i}", f"q{i}", "en"))
    turns = store.history(sid)
    assert len(turns) == MAX_TURNS
    assert turns[-1].question == f"q{MAX_TURNS + 4}" and turns[0].question == "q5"
    ttl = store.client.ttl(store.key(sid))
    assert 0 < ttl <= 60
    short = RedisSessionStore(redis_url, ttl=1)
    short.append(sid + "-x", Turn("q", "q", "en"))
    time.sleep(2.1)
    assert short.history(sid + "-x") == []


@pytest.mark.integration
def test_open_session_store_selects_redis(redis_url):
    from chat.redis_sessions import RedisSessionStore

    store = open_session_store(redis_url, ttl=120)
    assert isinstance(store, RedisSessionStore) and store.ttl == 120
    assert isinstance(open_session_store(""), InMemorySessionStore)


@pytest.mark.unit
def test_unreachable_redis_fails_at_startup():
    from chat.redis_sessions import RedisSessionStore

    port = free_port()  # nothing listens there
    with pytest.raises(GazetteError, match="cannot reach Redis"):
        RedisSessionStore(f"redis://:secret@127.0.0.1:{port}/0", connect_timeout=0.5)
    try:
        RedisSessionStore(f"redis://:secret@127.0.0.1:{port}/0", connect_timeout=0.5)
    except GazetteError as exc:
        assert "secret" not in str(exc)


@pytest.mark.unit
def test_bad_ttl_is_a_clear_error():
    from chat.redis_sessions import RedisSessionStore

    with pytest.raises(GazetteError, match="ttl"):
        RedisSessionStore("redis://127.0.0.1:1/0?ttl=soon")
