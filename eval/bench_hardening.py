"""Issue 14 done-when check: 50 clients for 60 s on 127.0.0.1 mixing /ask, /search and /ask/stream with distinct
questions while `gazette index add` and an admin upload (+ publish) change the index → errors and lost documents.

Starts its own `gazette serve` (default settings: the index is watched, per-client limits on) over a copy of an
index folder, so the folder you pass is never changed. Prints a table per endpoint and the document check, writes
it as markdown; exit code 1 when any request failed or a document went missing.

    .venv/bin/python -m eval.bench_hardening --index data/index --clients 50 --seconds 60 \\
        --out eval/out/bench_hardening.md
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from eval.load_test import MAX_CLIENTS, MAX_SECONDS, Stats, table
from eval.server_process import ServerDidNotStart, start_gazette

ROOT = Path(__file__).resolve().parents[1]
ADD_FILE = ROOT / "data" / "corpus" / "more" / "guofa-2018-41-iit-special-deductions.txt"
UPLOAD_TEXT = """重庆市人民政府办公厅关于支持青年创业的通知

渝府办发〔2024〕98号

各区县（自治县）人民政府，市政府各部门，有关单位：

现就支持青年创业有关事项通知如下。

一、对首次创业的青年给予一次性创业补贴5000元。

二、由市人力社保局牵头负责。

重庆市人民政府办公厅

2024年5月6日
"""
TOPICS_ZH = ["博士后资助", "卫星互联网", "营商环境", "普惠小微贷款", "政务服务", "首台套保费补贴", "劳动争议",
             "数据要素", "个人所得税专项附加扣除", "青年创业补贴", "住房公积金", "专精特新企业"]
FRAMES_ZH = ["{t}有什么支持政策？", "{t}的牵头单位是哪个部门？", "关于{t}，补贴标准是多少？", "{t}什么时候完成？"]
TOPICS_EN = ["postdoc funding", "satellite internet", "business environment", "small business loans",
             "insurance subsidy for first units", "youth entrepreneurship"]
FRAMES_EN = ["How much {t} is available?", "Which agency leads {t}?", "What is the deadline for {t}?"]


def distinct_question(rng: random.Random, n: int) -> str:
    """A question no other request asks (the query cache must not hide the work)."""
    if rng.random() < 0.7:
        return rng.choice(FRAMES_ZH).format(t=rng.choice(TOPICS_ZH)) + f"（第{n}问）"
    return rng.choice(FRAMES_EN).format(t=rng.choice(TOPICS_EN)) + f" (question {n})"


async def client_loop(client: httpx.AsyncClient, stop_at: float, stats: dict[str, Stats], rng: random.Random,
                      counter: list[int]) -> None:
    while time.monotonic() < stop_at:
        counter[0] += 1
        question = distinct_question(rng, counter[0])
        pick = rng.random()
        started = time.perf_counter()
        name = "/ask" if pick < 0.4 else "/search" if pick < 0.8 else "/ask/stream"
        try:
            if name == "/ask":
                r = await client.post("/ask", json={"question": question})
                ok = r.status_code == 200 and "citations" in r.json()
            elif name == "/search":
                r = await client.get("/search", params={"q": question, "k": 5})
                ok = r.status_code == 200 and "hits" in r.json()
            else:
                r = await client.post("/ask/stream", json={"question": question})
                ok = r.status_code == 200 and "event: card" in r.text and "event: error" not in r.text
            if ok:
                stats[name].latencies.append(time.perf_counter() - started)
            else:
                stats[name].error(f"HTTP {r.status_code}")
        except httpx.HTTPError as exc:
            stats[name].error(type(exc).__name__)


async def changes(base: str, index_dir: Path, token: str, seconds: float, log: list[str]) -> None:
    """`gazette index add` at 20% of the run, an admin upload + publish at 50%."""
    await asyncio.sleep(seconds * 0.2)
    gazette = Path(sys.executable).with_name("gazette")
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(str(gazette), "index", "add", str(ADD_FILE), "--index",
                                                str(index_dir), "-q", stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    log.append(f"gazette index add {ADD_FILE.name}: exit {proc.returncode} in {time.perf_counter() - started:.1f} s"
               + (f" ({err.decode().strip()[-200:]})" if proc.returncode else ""))
    await asyncio.sleep(max(0.0, seconds * 0.5 - (time.perf_counter() - started) - seconds * 0.2))
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=300) as admin:
        started = time.perf_counter()
        r = await admin.post("/admin/documents", headers=auth, files={"file": ("youth.txt", UPLOAD_TEXT.encode())})
        log.append(f"admin upload youth.txt: HTTP {r.status_code}")
        if r.status_code == 202:
            r = await admin.post(r.json()["publish"], headers=auth)
            log.append(f"admin publish: HTTP {r.status_code} in {time.perf_counter() - started:.1f} s")


async def run(base: str, index_dir: Path, token: str, clients: int, seconds: float, seed: int,
              shared: bool = False) -> tuple[dict[str, Stats], float, list[str]]:
    stats = {"/ask": Stats(), "/search": Stats(), "/ask/stream": Stats()}
    log: list[str] = []
    counter = [0]
    # one connection per client, each from its own loopback source address (127.0.0.2, …): the server's per-client
    # limits see 50 clients, as they would 50 users (`--shared-address` sends everything from 127.0.0.1)
    sessions = [httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(max_connections=1),
                                  transport=None if shared else httpx.AsyncHTTPTransport(
                                      local_address=f"127.0.{(i + 2) // 250}.{(i + 2) % 250 or 1}"))
                for i in range(clients)]
    try:
        started = time.monotonic()
        stop_at = started + seconds
        await asyncio.gather(changes(base, index_dir, token, seconds, log),
                             *(client_loop(c, stop_at, stats, random.Random(seed + i), counter)
                               for i, c in enumerate(sessions)))
        wall = time.monotonic() - started
    finally:
        for c in sessions:
            await c.aclose()
    return stats, wall, log


def start_server(index_dir: Path, token: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "GAZETTE_ADMIN_TOKEN": token, "GAZETTE_LLM": os.environ.get("GAZETTE_LLM", "none")}
    env.pop("GAZETTE_RELOAD_INTERVAL", None)
    try:
        return start_gazette(index_dir, log_path, env, args=["--no-ui"], timeout=300)
    except ServerDidNotStart as exc:
        raise SystemExit(str(exc)) from None


def document_check(base: str, index_dir: Path, before: list[str]) -> tuple[list[str], bool]:
    served = [d["doc_number"] or d["doc_key"] for d in httpx.get(base + "/documents").json()["documents"]]
    on_disk = [d["doc_number"] or d["doc_key"] for d in
               json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]]
    expected = before + ["国发〔2018〕41号", "渝府办发〔2024〕98号"]
    lost = [d for d in expected if d not in served or d not in on_disk]
    health = httpx.get(base + "/health").json()
    lines = [f"documents before: {len(before)}; expected after: {len(expected)}; served: {len(served)}; "
             f"on disk: {len(on_disk)}; lost: {lost or 'none'}; /health stale: {health.get('stale')}"]
    return lines, not lost


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=Path("data/index"), help="Index folder to copy (not changed).")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("eval/out/bench_hardening.md"))
    ap.add_argument("--shared-address", action="store_true",
                    help="All clients from 127.0.0.1 (the server then sees one client with N requests).")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 1 <= args.seconds <= MAX_SECONDS:
        ap.error(f"--clients 1–{MAX_CLIENTS}, --seconds 1–{MAX_SECONDS}")
    if not (args.index / "manifest.json").is_file():
        ap.error(f"no index at {args.index}: run `gazette index build --out {args.index}` first")
    work = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
    token = secrets.token_hex(16)
    try:
        index_dir = work / "index"
        shutil.copytree(args.index, index_dir)
        proc, base = start_server(index_dir, token, work / "server.log")
        try:
            before = [d["doc_number"] or d["doc_key"] for d in httpx.get(base + "/documents").json()["documents"]]
            stats, wall, log = asyncio.run(run(base, index_dir, token, args.clients, args.seconds, args.seed,
                                               args.shared_address))
            time.sleep(3)                                     # let the watcher pick up the last version
            doc_lines, kept = document_check(base, index_dir, before)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        source = "all from 127.0.0.1" if args.shared_address else "each from its own 127.0.x.y"
        report = table(stats, wall, args.clients, args.seconds,
                       f"{base} (mixed /ask, /search, /ask/stream; clients {source})")
        report += "\n" + "\n".join(f"- {line}" for line in log + doc_lines) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    errors = sum(s.errors for s in stats.values())
    return 0 if errors == 0 and kept else 1


if __name__ == "__main__":
    sys.exit(main())
