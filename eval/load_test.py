"""Load test of a running Gazette Chat server: N concurrent clients for T seconds against `/ask` and `/search`.

Loopback only and bounded (at most 200 clients, 600 seconds). Reports throughput, p50/p95/p99 latency and errors per
endpoint, and writes a markdown table. Not part of the test run.

    .venv/bin/gazette serve --index data/index --port 8000 &
    .venv/bin/python -m eval.load_test --url http://127.0.0.1:8000 --clients 50 --seconds 60 --out eval/out/load.md
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import random
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

MAX_CLIENTS = 200
MAX_SECONDS = 600
QUESTIONS = [
    "企业招收博士后有什么资助？",
    "How much funding does a company get for each postdoc it recruits?",
    "Who leads task 149 and by when?",
    "住房公积金缴存比例是多少？",
    "国家级博士后工作站给予多少资助？",
    "What support is there for satellite internet companies?",
    "优化营商环境由哪个部门牵头？",
    "普惠小微贷款激励资金按什么比例？",
]
QUERIES = ["博士后资助", "卫星互联网", "营商环境", "postdoc funding", "普惠小微贷款", "政务服务", "lead unit task 149",
           "数据要素"]


@dataclass
class Stats:
    """Latencies (seconds) and errors of one endpoint."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100) of unsorted values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def check_loopback(url: str) -> None:
    """Refuse any target that is not this machine."""
    host = urlparse(url).hostname or ""
    try:
        addrs = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise SystemExit(f"cannot resolve {host!r}: {exc}") from None
    if not addrs or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs):
        raise SystemExit(f"refusing to load-test {host!r}: loopback addresses only (127.0.0.1, ::1, localhost)")


async def client_loop(client: httpx.AsyncClient, stop_at: float, stats: dict[str, Stats], rng: random.Random,
                      ask_share: float) -> None:
    while time.monotonic() < stop_at:
        if rng.random() < ask_share:
            name, call = "/ask", client.post("/ask", json={"question": rng.choice(QUESTIONS)})
        else:
            name, call = "/search", client.get("/search", params={"q": rng.choice(QUERIES), "k": 5})
        started = time.perf_counter()
        try:
            r = await call
            elapsed = time.perf_counter() - started
            if r.status_code == 200:
                stats[name].latencies.append(elapsed)
            else:
                stats[name].error(f"HTTP {r.status_code}")
        except httpx.HTTPError as exc:
            stats[name].error(type(exc).__name__)


async def run(url: str, clients: int, seconds: float, ask_share: float, seed: int) -> tuple[dict[str, Stats], float]:
    stats = {"/ask": Stats(), "/search": Stats()}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        (await client.get("/health")).raise_for_status()
        started = time.monotonic()
        stop_at = started + seconds
        await asyncio.gather(*(client_loop(client, stop_at, stats, random.Random(seed + i), ask_share)
                               for i in range(clients)))
        wall = time.monotonic() - started
    return stats, wall


def table(stats: dict[str, Stats], wall: float, clients: int, seconds: float, url: str) -> str:
    lines = [f"Load test: {clients} concurrent clients for {seconds:g} s against {url} (wall {wall:.1f} s)", "",
             "| endpoint | requests | errors | throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    everything = Stats()
    for name, s in stats.items():
        everything.latencies += s.latencies
        everything.errors += s.errors
        lines.append(_row(name, s, wall))
    lines.append(_row("all", everything, wall))
    kinds = {f"{n} {k}": v for n, s in stats.items() for k, v in s.error_kinds.items()}
    if kinds:
        lines += ["", "Errors: " + ", ".join(f"{k} × {v}" for k, v in kinds.items())]
    return "\n".join(lines) + "\n"


def _row(name: str, s: Stats, wall: float) -> str:
    ms = [v * 1000 for v in s.latencies]
    return (f"| {name} | {len(ms) + s.errors} | {s.errors} | {len(ms) / wall:.1f} | {percentile(ms, 50):.0f} | "
            f"{percentile(ms, 95):.0f} | {percentile(ms, 99):.0f} | {max(ms, default=0):.0f} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000", help="Server base URL (loopback only).")
    ap.add_argument("--clients", type=int, default=50, help=f"Concurrent clients (1–{MAX_CLIENTS}).")
    ap.add_argument("--seconds", type=float, default=60, help=f"Duration (1–{MAX_SECONDS}).")
    ap.add_argument("--ask-share", type=float, default=0.5, help="Share of requests that go to /ask (0–1).")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("eval/out/load_test.md"), help="Markdown report.")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 1 <= args.seconds <= MAX_SECONDS or not 0 <= args.ask_share <= 1:
        ap.error(f"--clients 1–{MAX_CLIENTS}, --seconds 1–{MAX_SECONDS}, --ask-share 0–1")
    check_loopback(args.url)
    stats, wall = asyncio.run(run(args.url.rstrip("/"), args.clients, args.seconds, args.ask_share, args.seed))
    report = table(stats, wall, args.clients, args.seconds, args.url)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out}", file=sys.stderr)
    return 1 if any(s.errors for s in stats.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
