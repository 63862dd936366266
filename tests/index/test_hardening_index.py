"""Issue 14 (hardening), index side: crash recovery of the folder swap, vectors that survive a truncated file,
malformed manifests and corrupt indexes as one-line errors."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from index.embedders import HashingEmbedder
from index.errors import IndexError_
from index.parser import parse_file
from index.store import IndexStore, build_index, read_manifest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "corpus" / "chongqing-gazette-2024-06.txt"
SMOKING = ROOT / "data" / "corpus" / "more" / "chongqing-public-smoking-control-regulation-2020.txt"
GAZETTE = Path(sys.executable).with_name("gazette")


def _build(out: Path, *files: Path) -> Path:
    issues = [parse_file(f) for f in files]
    build_index([c for i in issues for c in i.clauses], HashingEmbedder(64), out, list(files), progress=False,
                documents=[d for i in issues for d in i.documents])
    return out


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def three_docs(tmp_path: Path) -> Path:
    """An index of 3 documents (the sample issue's 2 + the smoking regulation), hashing embedder."""
    return _build(tmp_path / "index", SAMPLE, SMOKING)


def recover_index(index_dir: Path) -> str | None:
    from index.recovery import recover_index as recover

    return recover(index_dir)


def prepare_serving_index(index_dir: Path, build: Callable[[Path], object], rebuild: bool) -> list[str]:
    from index.recovery import prepare_serving_index as prepare

    return prepare(index_dir, build, rebuild=rebuild)


def _crash_between_renames(index_dir: Path) -> Path:
    """What a writer killed between `NAME → .NAME.old-<pid>` and `tmp → NAME` leaves behind."""
    pid = _dead_pid()
    old = index_dir.parent / f".{index_dir.name}.old-{pid}"
    tmp = index_dir.parent / f".{index_dir.name}.tmp-{pid}"
    shutil.copytree(index_dir, tmp)
    os.replace(index_dir, old)
    return old


# -- item 4: crash recovery ---------------------------------------------------------------------------------------
@pytest.mark.unit
def test_recover_restores_the_old_folder_after_a_crash_between_renames(three_docs: Path) -> None:
    before = read_manifest(three_docs).counts["documents"]
    old = _crash_between_renames(three_docs)
    message = recover_index(three_docs)
    assert message and old.name in message
    assert read_manifest(three_docs).counts["documents"] == before == 3
    assert not list(three_docs.parent.glob(f".{three_docs.name}.*-*"))      # tmp and old are gone


@pytest.mark.unit
def test_serve_start_up_restores_instead_of_building_the_sample_over_it(three_docs: Path) -> None:
    """`gazette serve` used to see no manifest.json and build the 2-document sample over the restored index."""
    _crash_between_renames(three_docs)
    built: list[Path] = []
    notes = prepare_serving_index(three_docs, build=lambda d: built.append(d), rebuild=False)
    assert built == [] and any("restored" in n for n in notes)
    assert IndexStore.load(three_docs).manifest.counts["documents"] == 3


@pytest.mark.unit
def test_serve_refuses_to_build_over_a_broken_index_without_the_flag(three_docs: Path) -> None:
    (three_docs / "manifest.json").unlink()
    built: list[Path] = []
    with pytest.raises(IndexError_) as err:
        prepare_serving_index(three_docs, build=lambda d: built.append(d), rebuild=False)
    assert built == [] and "--rebuild" in str(err.value) and str(three_docs) in str(err.value)
    prepare_serving_index(three_docs, build=lambda d: built.append(d), rebuild=True)
    assert built == [three_docs]


@pytest.mark.unit
def test_serve_builds_only_when_there_is_nothing(tmp_path: Path) -> None:
    built: list[Path] = []
    prepare_serving_index(tmp_path / "fresh", build=lambda d: built.append(d), rebuild=False)
    assert built == [tmp_path / "fresh"]


@pytest.mark.unit
def test_recover_refuses_while_the_writer_is_alive(three_docs: Path) -> None:
    old = three_docs.parent / f".{three_docs.name}.old-{os.getppid()}"
    os.replace(three_docs, old)
    with pytest.raises(IndexError_, match="being swapped"):
        recover_index(three_docs)
    assert old.is_dir() and not three_docs.exists()


# -- item 5: truncated vectors.npy -------------------------------------------------------------------------------
_TRUNCATE_SCRIPT = """
import sys, numpy as np
from index.store import IndexStore
store = IndexStore.load(sys.argv[1])
with open(sys.argv[1] + '/vectors.npy', 'r+b') as fh:
    fh.truncate(256)                              # in place, as a careless copy or a full disk would
rows, scores = store.dense_search(store.vectors[-1], 5, rows=np.arange(len(store) // 2, len(store)))
print('ok', len(rows))
"""


@pytest.mark.unit
def test_truncating_vectors_on_disk_does_not_kill_a_loaded_store(three_docs: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _TRUNCATE_SCRIPT, str(three_docs)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, f"rc={proc.returncode} {proc.stderr[-500:]}"
    assert proc.stdout.strip() == "ok 5"


@pytest.mark.unit
def test_truncated_vectors_file_is_a_clear_load_error(three_docs: Path) -> None:
    with open(three_docs / "vectors.npy", "r+b") as fh:
        fh.truncate(256)
    with pytest.raises(IndexError_, match="vectors.npy"):
        IndexStore.load(three_docs)


# -- item 8: malformed manifests, corrupt index ------------------------------------------------------------------
MALFORMED: dict[str, Any] = {
    "a list": [],
    "embedder null": {"embedder": None},
    "counts a string": {"counts": "many"},
    "documents of numbers": {"documents": [1, 2]},
    "format version a string": {"format_version": "1"},
}


@pytest.mark.unit
@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_manifest_is_one_clear_error(three_docs: Path, case: str) -> None:
    path = three_docs / "manifest.json"
    patch = MALFORMED[case]
    data: Any = patch if isinstance(patch, list) else {**json.loads(path.read_text(encoding="utf-8")), **patch}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexError_) as err:
        IndexStore.load(three_docs)
    assert str(path) in str(err.value) and "gazette index build" in str(err.value)
    proc = subprocess.run([str(GAZETTE), "index", "info", "--index", str(three_docs)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "manifest.json" in lines[0], proc.stderr


@pytest.mark.unit
def test_serve_on_a_corrupt_index_is_one_line_without_false_claims(three_docs: Path) -> None:
    (three_docs / "clauses.jsonl").write_text("{not json\n", encoding="utf-8")
    proc = subprocess.run([str(GAZETTE), "serve", "--index", str(three_docs), "--port", "0", "--no-ui"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GAZETTE_LLM": "none"})
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "clauses.jsonl" in lines[0] and "gazette index build" in lines[0]
    assert "still serving" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.unit
def test_watcher_first_load_failure_does_not_claim_a_previous_version(three_docs: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    from index.reload import IndexWatcher

    (three_docs / "clauses.jsonl").write_text("{not json\n", encoding="utf-8")
    watcher: IndexWatcher[IndexStore] = IndexWatcher(three_docs, embedder=None)
    with pytest.raises(IndexError_):
        watcher.current()
    assert "still serving the previous" not in caplog.text
