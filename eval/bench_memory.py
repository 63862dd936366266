"""Resident memory of a real `gazette serve` (API + UI, or `--no-ui`) after start-up and a few questions.

    .venv/bin/python -m eval.bench_memory --index data/index [--llm local] [--no-ui]

Starts the server on 127.0.0.1, waits until /health says the warm-up finished (the LLM loaded), asks `/search` and
`/ask` a few questions, and prints the server process's RSS (MiB) after start-up and after the questions. With
`--llm local` the local GGUF model is loaded too (needs `make model`).
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

from eval.bench_concurrency import server_rss_mb, start_server

QUESTIONS = ["企业招收博士后有什么资助？", "How much funding does a company get for each postdoc it recruits?",
             "首台套保费补贴上限是多少", "Who leads task 149 and by when?"]


def rss_parts_mib(pid: int) -> dict[str, float]:
    """Resident memory by kind (Linux `/proc/PID/status`): anonymous (heap: the index, the model's buffers) and
    file-backed (mapped files: the GGUF weights and libraries, shared with the page cache)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile", "RssShmem"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:                                     # not Linux
        pass
    return out


def wait_ready(port: int, seconds: float = 600) -> str:
    """Wait until /health says the warm-up (search models, the LLM) finished; its final state."""
    deadline = time.time() + seconds
    state = "loading"
    while time.time() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/health")
        state = json.loads(conn.getresponse().read()).get("llm_status", {}).get("state", "ready")
        if state != "loading":
            break
        time.sleep(1)
    return str(state)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_memory", description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("data/index"))
    ap.add_argument("--llm", choices=["none", "local", "openai"], default="none")
    ap.add_argument("--no-ui", action="store_true")
    ap.add_argument("--log", type=Path, default=Path("/tmp/gazette-bench-memory.log"))
    args = ap.parse_args(argv)
    extra = [] if args.no_ui else ["--with-ui"]
    proc, port = start_server(args.index, {}, args.log, extra, llm=args.llm)
    try:
        state = wait_ready(port)
        started = server_rss_mb(proc.pid)
        for q in QUESTIONS:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            conn.request("GET", "/search?q=" + quote(q) + "&k=5")
            conn.getresponse().read()
            conn.request("POST", "/ask", body=json.dumps({"question": q}, ensure_ascii=False).encode(),
                         headers={"content-type": "application/json"})
            conn.getresponse().read()
        after = server_rss_mb(proc.pid)
        parts = rss_parts_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(json.dumps({"index": str(args.index), "llm": args.llm, "warm_up": state, "ui": not args.no_ui,
                      "rss_started_mib": started,
                      "rss_after_questions_mib": after, "rss_after_by_kind_mib": parts}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
