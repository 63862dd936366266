"""Are the answers unchanged? Every question of the training sets through `GazetteService.ask` (llm none), dumped
as JSON lines (the whole card without its timing), and two dumps compared.

    python -m eval.answer_identity dump --index data/index --out eval/out/answers-before.jsonl [--sets labelled]
    python -m eval.answer_identity compare eval/out/answers-before.jsonl eval/out/answers-after.jsonl

`compare` prints how many answers differ in verdict, citations, confidence and the card text (everything else),
and exits 1 when any does. By default the training sets only; `--sets labelled` asks every labelled set
(`eval.qrels.LABELLED_SETS`: training and validation, never a blind one), for a change that must alter no answer.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tqdm import tqdm

from chat.service import GazetteService
from eval.qrels import LABELLED_SETS, TRAIN_SETS
from index.embed_pool import default_workers
from index.embedders import embedder_from_identity
from index.store import read_manifest
from retriever.search import Searcher

REPO = Path(__file__).resolve().parent.parent
#: The labelled training sets (`eval.qrels.TRAIN_SETS`; the held-out ones are not read).
TRAINING_SETS = tuple(p.name for p in TRAIN_SETS)
#: `--sets`: which question sets a dump asks.
SET_CHOICES = {"training": TRAINING_SETS, "labelled": tuple(p.name for p in LABELLED_SETS)}
#: What is compared, in this order; `card` is the whole card JSON without the timing.
FIELDS = ("verdict", "citations", "confidence", "card")


def training_questions(sets: tuple[str, ...] = TRAINING_SETS) -> list[tuple[str, str]]:
    """(set:id, question) of every labelled training question."""
    out = []
    for name in sets:
        for line in (REPO / "eval" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append((f"{name}:{row['id']}", row["query"]))
    return out


def answer_row(key: str, card: dict[str, Any]) -> dict[str, Any]:
    """What one answer is, for comparison: verdict, cited ids, confidence and the card (timing dropped)."""
    card = {k: v for k, v in card.items() if k != "elapsed_ms"}
    return {"key": key, "verdict": card.get("verdict"), "citations": [c["id"] for c in card.get("citations", [])],
            "confidence": card.get("confidence"), "card": card}


def dump(index: Path, out: Path, embed_workers: int | None = None, sets: tuple[str, ...] = TRAINING_SETS) -> int:
    embedder = embedder_from_identity(read_manifest(index).embedder, workers=embed_workers)
    service = GazetteService(Searcher.open(index, llm="none", embedder=embedder), llm="none")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for key, question in tqdm(training_questions(sets), desc="asking", unit="question"):
            row = answer_row(key, service.ask(question, llm="none").to_dict())
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def differences(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per field, the keys of the answers that differ (`missing` when a question is in one dump only)."""
    a = {r["key"]: r for r in after}
    out: dict[str, list[str]] = {name: [] for name in (*FIELDS, "missing")}
    for row in before:
        other = a.pop(row["key"], None)
        if other is None:
            out["missing"].append(row["key"])
            continue
        for name in FIELDS:
            if row[name] != other[name]:
                out[name].append(row["key"])
    out["missing"] += list(a)
    return out


def compare(before: Path, after: Path) -> int:
    read = [[answer_row(r["key"], r["card"]) for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())]
            for p in (before, after)]
    diff = differences(read[0], read[1])
    print(f"{len(read[0])} answers before, {len(read[1])} after")
    for name, keys in diff.items():
        print(f"{name}: {len(keys)} differ" + (f" ({', '.join(keys[:10])})" if keys else ""))
    return 1 if any(diff.values()) else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.answer_identity", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--index", type=Path, default=REPO / "data" / "index")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--embed-workers", type=int, default=default_workers())
    d.add_argument("--sets", choices=sorted(SET_CHOICES), default="training",
                   help="training (default) or labelled (training + validation sets)")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        return dump(args.index, args.out, args.embed_workers, SET_CHOICES[args.sets])
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
