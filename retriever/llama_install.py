"""Install llama-cpp-python (the local LLM runtime) with visible progress: it compiles llama.cpp from source, which
takes minutes, so pip runs verbosely into a log file while a progress bar follows the compiler (`[ 42%]` /
`[57/140]` lines), the stages are printed as they start, and the total time is printed at the end."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from index.errors import GazetteError

SPEC = "llama-cpp-python>=0.3"
SKIP_HINT = "the product works without it (English questions use the glossary); `make run LLM=none` skips this step"
_PERCENT = re.compile(r"\[\s*(\d{1,3})%\]")
_STEPS = re.compile(r"\[(\d+)/(\d+)\]")
_STAGES = (("Collecting", "downloading the source"), ("Installing build dependencies", "installing build tools"),
           ("Preparing metadata", "configuring"), ("Building wheel", "compiling llama.cpp"),
           ("Installing collected packages", "installing"))


def llama_cpp_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def progress_of(line: str) -> float | None:
    """Build progress 0–100 from a CMake (`[ 42%]`) or Ninja (`[57/140]`) line, else None."""
    m = _PERCENT.search(line)
    if m:
        return float(min(int(m.group(1)), 100))
    m = _STEPS.search(line)
    if m and int(m.group(2)) > 0:
        return 100.0 * int(m.group(1)) / int(m.group(2))
    return None


def stage_of(line: str) -> str | None:
    """A human name for the pip stage a line starts, else None."""
    text = line.strip()
    for prefix, name in _STAGES:
        if text.startswith(prefix):
            return name
    return None


def install_llama_cpp(log_path: Path, spec: str = SPEC, progress: bool = True) -> float:
    """`pip install -v spec` into this interpreter's environment with a progress bar; returns the seconds taken.
    Raises a one-line `GazetteError` (with the log's path) when the build fails."""
    from tqdm import tqdm

    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CMAKE_BUILD_PARALLEL_LEVEL": os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL")
           or str(os.cpu_count() or 2)}
    cmd = [sys.executable, "-m", "pip", "install", "-v", "--disable-pip-version-check", spec]
    started = time.monotonic()
    stages: list[str] = []
    with open(log_path, "w", encoding="utf-8") as log, \
            tqdm(total=100, desc="llama.cpp build", unit="%", disable=not progress, file=sys.stderr,
                 bar_format="{desc}: {percentage:3.0f}%|{bar}| elapsed {elapsed} {postfix}") as bar:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                errors="replace")
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            stage = stage_of(line)
            if stage and stage not in stages:
                stages.append(stage)
                bar.set_postfix_str(stage)
                if not progress:
                    print(f"  {stage}…", file=sys.stderr, flush=True)
            pct = progress_of(line) if "compiling llama.cpp" in stages else None
            if pct is not None and pct > bar.n:
                bar.update(pct - bar.n)
        code = proc.wait()
        if code == 0:
            bar.update(100 - bar.n)
    seconds = time.monotonic() - started
    if code != 0:
        raise GazetteError(f"building llama-cpp-python failed (pip exit {code}, {seconds / 60:.1f} min; "
                           f"log: {log_path}); {SKIP_HINT}")
    return seconds
