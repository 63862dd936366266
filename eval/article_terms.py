"""Candidate glossary terms article by article: the content words of each regulation's articles that no glossary
term covers, ranked by how specific they are to the regulation.

For the regulations on lines FIRST..LAST of the corpus's `expected.jsonl` (file order), each article is parsed
(`index.parser`), the spans the glossary already covers (its longest Chinese term or alias at each position) are
masked, and jieba's noun-like words (n, vn, nz, l, nt, i, j, an; two characters or more, legal boilerplate dropped)
that are not fully inside a covered span are counted. A word is ranked by tf × idf (document frequency over the
articles of all regulations in the folder) × √length and shown with the articles it occurs in; `!` marks a word
found in a sentence about fines, time limits, permits, registrations, fees, compensation or certificates, the
sentences an investor asks about first. The English is written by hand from this list (`retriever/data/glossary.tsv`).

    PYTHONPATH=. python -m eval.article_terms --first 1 --last 50 [--top 40] [--corpus DIR]
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.parser import parse_file
from index.tokenize import _get_jieba
from retriever.glossary import Glossary, _norm_zh

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus" / "chongqing-regulations"
#: jieba part-of-speech tags kept: nouns, verbal nouns, proper nouns, idioms, abbreviations.
KEEP_TAGS = frozenset({"n", "vn", "nz", "l", "nt", "i", "j", "an"})
#: Legal boilerplate that is never an investor's term.
BOILERPLATE = frozenset("""规定 条例 本条例 办法 工作 部门 单位 人民政府 主管部门 有关部门 情况 行为 活动
组织 责任 人员 法律 法规 行政 措施 事项 内容 范围 国家 社会 机构 条件 要求 程序 职责 作用 标准 制度 方面
工作人员 其他 相关 问题 法律责任 公民 个人 需要 目的 实际 原则""".split())
#: Sentences an investor asks about first.
HOT = re.compile(r"罚款|日内|工作日|许可|登记|备案|收费|费用|赔偿|补偿|补贴|奖励|期限|证书|资质|审批|批准")
_SENTENCE = re.compile(r"[。；]")


@dataclass
class Candidate:
    """A word no glossary term covers, with its count in the regulation and the articles holding it."""

    word: str
    count: int
    df: int
    articles: list[str] = field(default_factory=list)
    hot: bool = False

    def score(self, n_articles: int) -> float:
        return self.count * math.log(n_articles / self.df) * len(self.word) ** 0.5


def covered_mask(text: str, gloss: Glossary) -> list[bool]:
    """Per character of `text` (whitespace-free): inside the longest glossary term found there."""
    mask = [False] * len(text)
    i = 0
    while i < len(text):
        hit = gloss.longest(text, i)
        if hit is None:
            i += 1
            continue
        for j in range(i, i + hit[0]):
            mask[j] = True
        i += hit[0]
    return mask


def content_words(text: str) -> list[tuple[str, int]]:
    """(word, start) of the noun-like jieba words of `text`, boilerplate dropped."""
    _get_jieba()
    import jieba.posseg as pseg  # heavy optional part of a declared dependency: loaded only here

    out: list[tuple[str, int]] = []
    pos = 0
    for pair in pseg.cut(text):
        word, tag = pair.word, pair.flag
        start = text.find(word, pos)
        if start < 0:
            continue
        pos = start + len(word)
        if len(word) >= 2 and tag in KEEP_TAGS and word not in BOILERPLATE:
            out.append((word, start))
    return out


def load_articles(folder: Path, titles: Iterable[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """{title: [(article label, whitespace-free text)]} of the regulations in `folder/expected.jsonl` (all, or
    those in `titles`)."""
    wanted = set(titles) if titles is not None else None
    out: dict[str, list[tuple[str, str]]] = {}
    for line in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if wanted is not None and row["title"] not in wanted:
            continue
        issue = parse_file(folder / row["file"])
        out[row["title"]] = [(c.label, _norm_zh(c.text)) for d in issue.documents for c in d.clauses]
    return out


def candidates(articles: dict[str, list[tuple[str, str]]], mine: Sequence[str], gloss: Glossary,
               top: int) -> dict[str, list[Candidate]]:
    """Per regulation in `mine`: its `top` uncovered content words, most specific first."""
    df: Counter[str] = Counter()
    words_of: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for title, arts in articles.items():
        for i, (_label, text) in enumerate(arts):
            words = content_words(text)
            words_of[(title, i)] = words
            df.update({w for w, _ in words})
    n_articles = sum(len(a) for a in articles.values())
    out: dict[str, list[Candidate]] = {}
    for title in mine:
        found: dict[str, Candidate] = {}
        for i, (label, text) in enumerate(articles.get(title, [])):
            mask = covered_mask(text, gloss)
            hot_sentences = [s for s in _SENTENCE.split(text) if HOT.search(s)]
            for word, start in words_of[(title, i)]:
                if all(mask[start:start + len(word)]) or gloss.entry(word) is not None:
                    continue
                cand = found.setdefault(word, Candidate(word, 0, df[word]))
                cand.count += 1
                if label not in cand.articles:
                    cand.articles.append(label)
                cand.hot = cand.hot or any(word in s for s in hot_sentences)
        out[title] = sorted(found.values(), key=lambda c: -c.score(n_articles))[:top]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first", type=int, default=1, help="first line of expected.jsonl (1-based)")
    ap.add_argument("--last", type=int, default=100, help="last line of expected.jsonl (inclusive)")
    ap.add_argument("--top", type=int, default=40, help="words shown per regulation")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder with the regulations and expected.jsonl")
    args = ap.parse_args(argv)
    listing = args.corpus / "expected.jsonl"
    if not listing.exists():
        print(f"error: no expected.jsonl in {args.corpus}", file=sys.stderr)
        return 2
    if not 1 <= args.first <= args.last:
        print(f"error: need 1 <= --first <= --last, got {args.first}..{args.last}", file=sys.stderr)
        return 2
    titles = [json.loads(line)["title"] for line in listing.read_text(encoding="utf-8").splitlines()]
    mine = titles[args.first - 1:args.last]
    found = candidates(load_articles(args.corpus), mine, Glossary.load(), args.top)
    for n, title in enumerate(mine, args.first):
        shown = "  ".join(f"{'!' if c.hot else ''}{c.word}:{c.count}[{','.join(c.articles[:2])}]"
                          for c in found[title])
        print(f"\n## {n} {title}\n{shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
