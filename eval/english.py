"""English answers for a reader who reads no Chinese: figures with roles, Chinese outside marked original text,
and the "English reader review" table.

* `english_row(card)` — per English answer: figures shown, figures with an English role, CJK share of the answer
  outside marked original text (`chat.english.cjk_share`).
* `english_summary(rows)` — totals for the report (goal: role share 1.0, CJK share ≤ 0.05).
* `review_sheet(cards)` — the English answers only (no sources, no Chinese quote), for a reviewer who reads no
  Chinese; `python -m eval.english sheet --index DIR --out FILE` writes it for the English questions of a set.
* `review_table(path)` — the reviewer's verdicts (`eval/data/english_review.tsv`) as a Markdown table.
"""
from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from chat.english import cjk_share, figure_roles
from chat.service import GazetteService
from eval.qrels import DEFAULT_SET, load_questions

REVIEW_PATH = Path(__file__).resolve().parent / "data" / "english_review.tsv"
REVIEW_COLUMNS = ("id", "question", "figures", "purpose_clear", "who_clear", "when_clear", "wrong_role", "note")
CJK_GOAL = 0.05


def english_row(card: Mapping[str, Any]) -> dict[str, Any]:
    """Role and readability measures of one answered English card."""
    shown, with_role = figure_roles(dict(card))
    originals = [str(c.get("text") or "") for c in card.get("citations") or []]
    return {"figures": shown, "figures_with_role": with_role,
            "cjk_share": round(cjk_share(str(card.get("answer") or ""), originals), 4)}


def english_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Totals over English answers that hold figures (role share) and over all English answers (CJK share)."""
    with_figures = [r for r in rows if r["figures"]]
    figures = sum(r["figures"] for r in rows)
    roles = sum(r["figures_with_role"] for r in rows)
    shares = [r["cjk_share"] for r in rows]
    return {
        "answers": len(rows), "answers_with_figures": len(with_figures), "figures": figures,
        "figures_with_role": roles, "role_share": round(roles / figures, 4) if figures else None,
        "cjk_share_mean": round(sum(shares) / len(shares), 4) if shares else None,
        "cjk_share_max": max(shares) if shares else None,
        "answers_over_cjk_goal": sum(s > CJK_GOAL for s in shares),
    }


def english_table(summary: Mapping[str, Any]) -> list[str]:
    """Markdown lines for the report."""
    head = ("| English answers | with figures | figures | with an English role | role share (goal 1.0) "
            "| CJK share outside marked original, mean / max (goal ≤ 0.05) | answers over 0.05 |")
    row = (f"| {summary['answers']} | {summary['answers_with_figures']} | {summary['figures']} "
           f"| {summary['figures_with_role']} | {summary['role_share']} "
           f"| {summary['cjk_share_mean']} / {summary['cjk_share_max']} | {summary['answers_over_cjk_goal']} |")
    return [head, "| --- | --- | --- | --- | --- | --- | --- |", row]


def review_sheet(items: Sequence[tuple[str, str, Mapping[str, Any]]]) -> str:
    """(id, question, card) → Markdown with only what an English reader sees in the answer text."""
    intro = ("Read each answer as someone who reads no Chinese. For each: can you tell what each figure is for, "
             "who to contact, and by when? Treat text in brackets as words you cannot read.")
    out = ["# English answers for review", "", intro, ""]
    for qid, question, card in items:
        out += [f"## {qid}: {question}", "", "```", str(card.get("answer") or ""), "```", ""]
    return "\n".join(out)


def review_table(path: Path | str = REVIEW_PATH) -> list[str]:
    """The review verdicts as Markdown lines (with totals), or [] when there is no review file."""
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")]
    head = ["| id | question | figures | purpose clear | who clear | when clear | wrong role | note |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    body = [f"| {r['id']} | {r['question']} | {r['figures']} | {r['purpose_clear']} | {r['who_clear']} "
            f"| {r['when_clear']} | {r['wrong_role']} | {r['note']} |" for r in rows]

    def count(col: str, value: str) -> int:
        return sum(r[col].strip().lower() == value for r in rows)

    total = (f"Totals over {len(rows)} answers: purpose clear yes {count('purpose_clear', 'yes')} / partly "
             f"{count('purpose_clear', 'partly')} / no {count('purpose_clear', 'no')} (n/a "
             f"{count('purpose_clear', 'n/a')}); who clear yes {count('who_clear', 'yes')} / no "
             f"{count('who_clear', 'no')}; when clear yes {count('when_clear', 'yes')} / no "
             f"{count('when_clear', 'no')}; answers with a figure whose role a reader would get wrong: "
             f"{count('wrong_role', 'yes')}.")
    return [*head, *body, "", total]


def _sheet_main(argv: Sequence[str]) -> int:
    """`python -m eval.english sheet --index DIR [--set FILE] [--n 30] [--out FILE] [--json FILE]`."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m eval.english sheet")
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--set", dest="set_path", type=Path, default=DEFAULT_SET)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--out", type=Path, default=Path("eval/out/english_review_sheet.md"))
    ap.add_argument("--json", dest="json_out", type=Path, default=None)
    args = ap.parse_args(argv)
    service = GazetteService.open(args.index, llm="none")
    picked = [q for q in load_questions(args.set_path) if q.lang == "en" and q.answerable][:args.n]
    items = [(q.id, q.query, service.ask(q.query, llm="none").to_dict()) for q in picked]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(review_sheet(items), encoding="utf-8")
    rows = [{"id": qid, **english_row(card)} for qid, _, card in items if card.get("answered")]
    summary = english_summary(rows)
    if args.json_out:
        args.json_out.write_text(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
    print("\n".join(english_table(summary)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover - command line
    if len(sys.argv) < 2 or sys.argv[1] != "sheet":
        print("usage: python -m eval.english sheet --index DIR [--set FILE] [--n 30] [--out FILE]", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(_sheet_main(sys.argv[2:]))
