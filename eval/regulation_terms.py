"""Key Chinese terms of each regulation, from the corpus (not from questions), with glossary coverage.

Per regulation of `data/corpus/chongqing-regulations/`: the title's subject (the title without place, modifier and
document type), the terms it defines ("本条例所称…是指…", "…包括…、…和…" lists in its first articles) and its
most document-specific words (character n-grams, 2–8, by TF-IDF over the 100 regulations, nested n-grams
folded). Each term is marked `+` when the glossary (`retriever/data/glossary.tsv`) already holds it as a term
or Chinese alias and `-` when it does not: the `-` terms are the candidates for new English rows.

    PYTHONPATH=. python -m eval.regulation_terms [--top 12] [--missing-only] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

from retriever.glossary import Glossary, _norm_zh

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus" / "chongqing-regulations"
_PLACE = re.compile(r"^(中国（重庆）|重庆市|.{2,4}?(?:[\u4e00-\u9fff]{1,3}族){1,3}自治县)")
_KIND = re.compile(r"(若干规定|实施办法|实施细则|条例|规定|办法|细则|规则)$")
_MODIFIER = re.compile(r"(管理|保护|促进|安全|监督|发展|保障|实施)+$")
_DEFINED = re.compile(r"本(?:条例|规定|办法)所称(?:的)?([\u4e00-\u9fff（）()、]{2,24}?)(?:，|,)?是指")
_LIST = re.compile(r"([\u4e00-\u9fff（）()]{2,12}(?:、[\u4e00-\u9fff（）()]{2,14}){2,}(?:和|及|以及|或者)"
                   r"[\u4e00-\u9fff（）()]{2,14}?)(?:等|，|。)")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
#: Function words and legal boilerplate that make n-grams no investor term.
_STOP = set("的了和与及或在对由为是其应当按照依法有关规定本条例市区县自治县人民政府部门单位工作进行实施管理第条款项")


def title_subject(title: str) -> str:
    """`重庆市特种设备安全条例` → `特种设备`; `重庆市实施《…》办法` → the law's name."""
    core = _KIND.sub("", _PLACE.sub("", title))
    if m := re.search(r"《(?:中华人民共和国)?(.+?)(?:法)?》", core):
        return m.group(1)
    return _MODIFIER.sub("", core) or core


def definitions(text: str, head: int = 3000) -> list[str]:
    """Terms the regulation defines or lists in its first articles."""
    part = text[:head]
    out = [m.group(1).strip("、（）()") for m in _DEFINED.finditer(text)]
    for m in _LIST.finditer(part):
        for item in re.split(r"、|和|及|以及|或者", m.group(1)):
            item = re.sub(r"^.*?(包括|是指|含有|指)", "", item)
            if 2 <= len(item) <= 8 and not re.search(r"应当|的|本条例|进行", item):
                out.append(item)
    return list(dict.fromkeys(out))


def _ngrams(text: str, lo: int = 2, hi: int = 8) -> Counter[str]:
    c: Counter[str] = Counter()
    for run in _HAN.findall(text):
        for n in range(lo, hi + 1):
            for i in range(len(run) - n + 1):
                g = run[i:i + n]
                if g[0] not in _STOP and g[-1] not in _STOP:
                    c[g] += 1
    return c


def specific_terms(docs: dict[str, str], top: int) -> dict[str, list[str]]:
    """The `top` most document-specific n-grams of each document (TF-IDF, n-grams inside a kept one dropped)."""
    grams = {t: _ngrams(x) for t, x in docs.items()}
    df: Counter[str] = Counter()
    for c in grams.values():
        df.update(c.keys())
    out: dict[str, list[str]] = {}
    for title, c in grams.items():
        scored = sorted(((tf * math.log(len(docs) / df[g]) * len(g) ** 0.5, g) for g, tf in c.items()
                         if tf >= 3 and df[g] <= len(docs) // 4), reverse=True)
        kept: list[str] = []
        for _, g in scored:
            if any(g in k or (k in g and c[g] >= 0.8 * c[k]) for k in kept):
                continue
            kept.append(g)
            if len(kept) == top:
                break
        out[title] = kept
    return out


def load_corpus(folder: Path = CORPUS) -> dict[str, str]:
    """{title: text} of the regulations listed in the folder's `expected.jsonl`."""
    docs = {}
    for line in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs[row["title"]] = (folder / row["file"]).read_text(encoding="utf-8")
    return docs


def report(docs: dict[str, str], gloss: Glossary, top: int) -> list[dict[str, object]]:
    """Per regulation: subject, defined terms and specific terms, each with `in_glossary`."""
    specific = specific_terms(docs, top)
    rows: list[dict[str, object]] = []
    for title, text in docs.items():
        terms = [title_subject(title), *definitions(text), *specific[title]]
        rows.append({"title": title,
                     "terms": [{"zh": t, "in_glossary": gloss.entry(_norm_zh(t)) is not None}
                               for t in dict.fromkeys(terms)]})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=12, help="document-specific n-grams per regulation")
    ap.add_argument("--missing-only", action="store_true", help="print only terms the glossary lacks")
    ap.add_argument("--json", type=Path, help="also write the report as JSON")
    args = ap.parse_args(argv)
    if not (CORPUS / "expected.jsonl").exists():
        print(f"error: no regulations corpus at {CORPUS}", file=sys.stderr)
        return 2
    rows = report(load_corpus(), Glossary.load(), args.top)
    have = total = 0
    for row in rows:
        terms = row["terms"]
        assert isinstance(terms, list)
        total += len(terms)
        have += sum(t["in_glossary"] for t in terms)
        shown = [t for t in terms if not (args.missing_only and t["in_glossary"])]
        print(f"{row['title']}\t" + " ".join(("+" if t["in_glossary"] else "-") + t["zh"] for t in shown))
    print(f"# {len(rows)} regulations, {total} terms, {have} in the glossary ({have / max(total, 1):.2f})")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
