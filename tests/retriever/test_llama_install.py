"""Progress of the llama-cpp-python build: CMake and Ninja lines, pip stages; a failing build is one line."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import GazetteError
from retriever.llama_install import install_llama_cpp, progress_of, stage_of

pytestmark = pytest.mark.unit


def test_progress_from_cmake_and_ninja_lines() -> None:
    assert progress_of("  [ 42%] Building CXX object vendor/llama.cpp/src/CMakeFiles/llama.dir/llama.cpp.o") == 42
    assert progress_of("[100%] Linking CXX shared library libllama.so") == 100
    assert progress_of("  [70/140] Building C object vendor/llama.cpp/ggml/src/ggml.c.o") == 50
    assert progress_of("Collecting llama-cpp-python") is None


def test_stages() -> None:
    assert stage_of("Building wheel for llama-cpp-python (pyproject.toml): started") == "compiling llama.cpp"
    assert stage_of("  Installing build dependencies: started") == "installing build tools"
    assert stage_of("Successfully installed llama-cpp-python-0.3.9") is None


def test_failed_build_is_one_line_with_the_log(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    with pytest.raises(GazetteError, match=r"building llama-cpp-python failed \(pip exit \d+.*log: .*build.log\)"):
        install_llama_cpp(log, spec=str(tmp_path / "no-such-package-dir"), progress=False)
    assert log.read_text()          # pip's own output is kept for reading
