"""`gazette serve` in a subprocess on a free 127.0.0.1 port, for benchmarks and tests (one copy of the start-up
wait: the process is polled until `/health` answers, or its log's end is raised)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

GAZETTE = Path(sys.executable).with_name("gazette")


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer `/health` in time; the message ends with its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gazette(index_dir: Path, log_path: Path, env: Mapping[str, str], args: Sequence[str] = (),
                  timeout: float = 180) -> tuple[subprocess.Popen, str]:
    """`gazette serve --index index_dir [args]` with exactly `env`; returns (process, base URL) once `/health`
    answers 200. `ServerDidNotStart` (the process stopped) otherwise."""
    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(GAZETTE), "serve", "--index", str(index_dir), "--host", "127.0.0.1",
                                 "--port", str(port), "--log-level", "warning", *args],
                                stdout=log, stderr=subprocess.STDOUT, env=dict(env))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(proc)
    raise ServerDidNotStart(f"server did not start: {log_path.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
