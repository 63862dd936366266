"""Question sets (qrels style): load, check, and resolve gold clause labels to clause ids.

One JSON object per line: `id`, `lang` (zh|en), `query`, `relevant` (gold clause ids), `relevant_labels`
(the same gold clauses as citations, e.g. ``渝府办发〔2024〕22号 三、（六）``), `answerable`, `expected_facts`,
`category`. Ids are stored *and* re-derivable from the labels, so a parser change that moves ids is caught.

`python -m eval.qrels FILE --write-ids` refreshes the stored ids from the labels after a deliberate change.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.parser import parse_file

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SET = DATA_DIR / "questions.jsonl"
HOLDOUT_SET = DATA_DIR / "questions_holdout.jsonl"
SAMPLE = REPO_ROOT / "data" / "corpus" / "chongqing-gazette-2024-06.txt"
#: The 100 Chongqing regulations (shared corpus beside the clone); labels `《title》第X条` resolve against them.
REGULATIONS = REPO_ROOT.parent / "shared" / "corpus" / "chongqing-regulations"
DECISION_SET = DATA_DIR / "questions_decision.jsonl"
#: Written before any score was seen and never used for tuning: report it separately.
DECISION_HOLDOUT = DATA_DIR / "questions_decision_holdout.jsonl"
#: The sets written for training: the glossary, the rules and the features were tuned on them. The answer decision's
#: models trained on these alone until session 10; they now train on `LABELLED_SETS` (see the model file's
#: `trained_on`: 18 sets in session 10, 20 in session 11), which left-one-set-out cross-validation favoured on the
#: sets it never saw.
TRAIN_SETS = (DEFAULT_SET, DATA_DIR / "questions_decision.jsonl", DATA_DIR / "questions_regulations.jsonl",
              DATA_DIR / "questions_decision2.jsonl", DATA_DIR / "questions_decision3.jsonl",
              DATA_DIR / "questions_decision4.jsonl", DATA_DIR / "questions_decision5.jsonl")
#: Sets written after the training sets, each before any score of it was seen; their misses have since been read
#: (sessions 6–11), so they are validation sets, not blind ones. Blind sets 10 and 11 were measured once at the end
#: of session 10, and blind sets 12–15 at the end of session 11, each by a model that had not trained on them.
#: Blind sets 16–19 were measured once at the end of session 12 and are in no list yet; 20 and 21 (never run) are for
#: the next session.
#: `eval.calibrate_answerability --train-on` can train on any of them: the model file then lists them under
#: `trained_on`, and `eval.decision_eval` says so.
VALIDATION_SETS = (HOLDOUT_SET, *(DATA_DIR / f"questions_{name}.jsonl" for name in (
    "blind", "decision_holdout", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9",
    "blind10", "blind11", "blind12", "blind13", "blind14", "blind15")))
#: Every labelled set that is not blind: what a model may be trained on.
LABELLED_SETS = (*TRAIN_SETS, *VALIDATION_SETS)

LANGS = ("zh", "en")
CATEGORIES = ("amount", "eligibility", "agency", "deadline", "annex_task", "box_project", "paraphrase", "notice",
              "out_of_corpus")
REQUIRED = ("id", "lang", "query", "relevant", "relevant_labels", "answerable", "expected_facts", "category")


@dataclass
class Question:
    """One evaluation question with its gold clauses and the facts a good answer must contain."""

    id: str
    lang: str
    query: str
    relevant: list[str]
    relevant_labels: list[str]
    answerable: bool
    expected_facts: list[str] = field(default_factory=list)
    category: str = "paraphrase"
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if data["note"] is None:
            data.pop("note")
        return data


def load_questions(path: Path | str = DEFAULT_SET) -> list[Question]:
    """Read a JSONL question file (blank lines and `#` lines are skipped); raises ValueError on bad rows."""
    out: list[Question] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc})") from exc
            missing = [k for k in REQUIRED if k not in data]
            if missing:
                raise ValueError(f"{path}:{n}: missing {', '.join(missing)}")
            out.append(Question(**{k: v for k, v in data.items() if k in Question.__dataclass_fields__}))
    return out


def check_questions(questions: Sequence[Question]) -> list[str]:
    """Problems with a question set (empty list when well-formed)."""
    problems: list[str] = []
    seen: set[str] = set()
    for q in questions:
        where = f"question {q.id}"
        if q.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(q.id)
        if q.lang not in LANGS:
            problems.append(f"{where}: lang {q.lang!r} not in {LANGS}")
        if q.category not in CATEGORIES:
            problems.append(f"{where}: category {q.category!r} not in {CATEGORIES}")
        if not q.query.strip():
            problems.append(f"{where}: empty query")
        if len(q.relevant) != len(q.relevant_labels):
            problems.append(f"{where}: {len(q.relevant)} ids but {len(q.relevant_labels)} labels")
        if q.answerable != bool(q.relevant):
            problems.append(f"{where}: answerable={q.answerable} but {len(q.relevant)} gold clauses")
        if (q.category == "out_of_corpus") == q.answerable:
            problems.append(f"{where}: category {q.category} contradicts answerable={q.answerable}")
        if not isinstance(q.expected_facts, list) or not all(isinstance(f, str) for f in q.expected_facts):
            problems.append(f"{where}: expected_facts must be a list of strings")
    return problems


def label_index(clauses: Iterable[Any]) -> dict[str, str]:
    """citation → clause id (a citation is `文号 label`, e.g. `渝府办发〔2024〕27号 附件 第25项`)."""
    return {c.citation: c.id for c in clauses}


def resolve_labels(labels: Sequence[str], index: dict[str, str]) -> list[str]:
    """Clause ids for `labels`; raises KeyError naming every label that no clause carries."""
    missing = [lab for lab in labels if lab not in index]
    if missing:
        raise KeyError(f"no clause with citation {', '.join(missing)}")
    return [index[lab] for lab in labels]


def sample_clauses(path: Path = SAMPLE) -> list[Any]:
    """Clauses of the sample gazette (the corpus the question sets are written against)."""

    return parse_file(path).clauses


BUNDLED_REGULATIONS = REPO_ROOT / "data" / "corpus" / "chongqing-regulations"   # the default corpus's copy


def regulation_files(folder: Path | None = None) -> list[Path]:
    """The regulation text files: the bundled copy, else the shared corpus beside the clone (else none)."""
    folder = folder or (BUNDLED_REGULATIONS if BUNDLED_REGULATIONS.is_dir() else REGULATIONS)
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


def corpus_clauses(questions: Sequence[Question] = ()) -> list[Any]:
    """Sample clauses, plus the regulations' clauses when any question cites a regulation (`《…》…`)."""
    from index.parser import parse_file

    clauses = sample_clauses()
    if any(lab.startswith("《") for q in questions for lab in q.relevant_labels):
        for path in regulation_files():
            clauses += parse_file(path).clauses
    return clauses


def write_questions(questions: Sequence[Question], path: Path | str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(q.to_dict(), ensure_ascii=False) + "\n")


def refresh_ids(path: Path | str) -> int:
    """Rewrite `relevant` from `relevant_labels` against the current parser; returns how many rows changed."""
    questions = load_questions(path)
    index = label_index(corpus_clauses(questions))
    changed = 0
    for q in questions:
        ids = resolve_labels(q.relevant_labels, index)
        if ids != q.relevant:
            q.relevant, changed = ids, changed + 1
    write_questions(questions, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    write = "--write-ids" in args
    files = [a for a in args if not a.startswith("--")] or [str(DEFAULT_SET), str(HOLDOUT_SET)]
    status = 0
    for f in files:
        if write:
            print(f"{f}: {refresh_ids(f)} row(s) updated")
            continue
        qs = load_questions(f)
        index = label_index(corpus_clauses(qs))
        problems = check_questions(qs)
        for q in qs:
            try:
                if resolve_labels(q.relevant_labels, index) != q.relevant:
                    problems.append(f"question {q.id}: stored ids differ from the labels' ids")
            except KeyError as exc:
                problems.append(f"question {q.id}: {exc}")
        print(f"{f}: {len(qs)} questions, {len(problems)} problem(s)")
        for p in problems:
            print("  " + p)
        status |= bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main())
