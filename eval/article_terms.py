"""Article by article: the key Chinese words of a document's business-relevant clauses that no glossary row covers.

For each clause of the chosen documents that speaks to a business reader (duties of companies and employers,
time limits, fees and fines, permits, registrations and filings, rights, support measures: `SIGNALS`), list the
content words (jieba, two or more characters, nouns / verbal nouns / idioms) ranked by TF-IDF over all clauses of
the corpus, each marked `+` when a glossary row (term or Chinese alias) is exactly that word, `~` when a glossary
term lies inside it, `-` when neither. The `-` and `~` words are the candidates for new English rows or aliases.

    PYTHONPATH=. python -m eval.article_terms [FILE …] [--regs 51-100] [--doc DOC_NUMBER] [--top 8] [--missing-only]
        [--all]

`--regs A-B` adds the regulations on lines A to B of `data/corpus/chongqing-regulations/expected.jsonl` (file order).
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

from index.parser import parse_file
from retriever.glossary import Glossary, _norm_zh

ROOT = Path(__file__).resolve().parents[1]
#: Words that mark a clause an investor, employer or worker would ask about.
SIGNALS = re.compile(r"罚款|日内|个工作日|期限|许可|登记|备案|审批|申请|企业|用人单位|经营者|职工|劳动者|消费者|投资|"
                     r"补贴|奖励|资助|收费|费用|赔偿|责令|吊销|没收|应当|不得|监督|投诉|举报")
_TAGS = ("n", "vn", "l", "nz", "an")
_STOP = set("规定 条例 本条例 有关 部门 人民政府 工作 单位 情况 相关 管理 行为 活动 其他 工作人员 主管部门 区县 "
            "法律 法规 行政法规 国家 以上 以下 之日 有关部门 个人 组织 事项 措施 内容 要求 方式 条件 规定的 "
            "责任 处理 问题".split())


def content_words(text: str) -> list[str]:
    """jieba content words of two or more characters (nouns, verbal nouns, idioms), in order."""
    import jieba.posseg as posseg  # heavy optional dependency (installed with the project)

    return [w for w, tag in posseg.cut(text) if len(w) >= 2 and tag.startswith(_TAGS) and w not in _STOP
            and not re.search(r"\d|[^\u4e00-\u9fff（）]", w)]


def coverage(word: str, gloss: Glossary) -> str:
    """`+` a glossary key is the word, `~` a key of two or more characters lies inside it, `-` neither."""
    if gloss.entry(word) is not None:
        return "+"
    norm = _norm_zh(word)
    for i in range(len(norm)):
        hit = gloss.longest(norm, i)
        if hit is not None and hit[0] >= 2:
            return "~"
    return "-"


def corpus_files() -> list[Path]:
    base = ROOT / "data" / "corpus"
    return [base / "chongqing-gazette-2024-06.txt", *sorted((base / "more").glob("*.txt")),
            *sorted((base / "chongqing-regulations").glob("*.txt"))]


def regulation_files(span: str) -> list[Path]:
    """The regulation files on lines A–B (1-based, inclusive) of the corpus's `expected.jsonl`."""
    m = re.fullmatch(r"(\d+)-(\d+)", span)
    if not m or int(m.group(1)) < 1 or int(m.group(1)) > int(m.group(2)):
        raise ValueError(f"--regs must look like 51-100, got {span!r}")
    folder = ROOT / "data" / "corpus" / "chongqing-regulations"
    lines = (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [folder / json.loads(line)["file"] for line in lines[int(m.group(1)) - 1:int(m.group(2))]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--regs", help="lines A-B of the regulations' expected.jsonl, e.g. 51-100")
    ap.add_argument("--doc", help="only the document with this document number")
    ap.add_argument("--top", type=int, default=8, help="candidate words per clause")
    ap.add_argument("--missing-only", action="store_true", help="only `-` and `~` words")
    ap.add_argument("--all", action="store_true", help="every clause, not only the business-relevant ones")
    args = ap.parse_args(argv)
    if args.regs:
        try:
            args.files += regulation_files(args.regs)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    if not args.files:
        print("error: give FILE arguments or --regs A-B", file=sys.stderr)
        return 2
    for f in args.files:
        if not f.is_file():
            print(f"error: no such file: {f}", file=sys.stderr)
            return 2
    gloss = Glossary.load()
    df: Counter[str] = Counter()
    n_clauses = 0
    for f in corpus_files():
        for c in parse_file(f).clauses:
            n_clauses += 1
            df.update(set(content_words(c.text)))
    total = Counter[str]()
    for f in args.files:
        for doc in parse_file(f).documents:
            if args.doc and doc.doc_number != args.doc:
                continue
            print(f"# {doc.title}  {doc.doc_number or ''}")
            for c in doc.clauses:
                if not args.all and not SIGNALS.search(c.text):
                    continue
                tf = Counter(content_words(c.text))
                scored = sorted(((n * math.log(n_clauses / (1 + df[w])) * len(w) ** 0.5, w) for w, n in tf.items()),
                                reverse=True)
                marks = [(w, coverage(w, gloss)) for _, w in scored]
                if args.missing_only:
                    marks = [m for m in marks if m[1] != "+"]
                marks = marks[:args.top]
                if not marks:
                    continue
                total.update(m for _, m in marks)
                label = c.label or c.number or c.id
                print(f"{label}\t{c.text[:50]}\n\t" + "  ".join(f"{m}{w}" for w, m in marks))
    print(f"# words listed: {dict(total)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
