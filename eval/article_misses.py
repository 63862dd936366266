"""English questions citing a wrong article of the right document: which words were lost, and what kind of loss.

    python -m eval.article_misses --index DIR [--set FILE …] [--cache PKL …] [--model JSON] [--lang en]

For every answerable question whose candidate model puts another clause of the gold's own document first (a
same-document RANK miss of `eval.candidate_misses`), prints the question's English content words and, per word,
its Chinese forms — the glossary's terms (`g:`) and CC-CEDICT's renderings that occur in the corpus (`c:`) — marked
by where they occur: `+` in the gold clause only, `=` in both, `-` in the winner only, `0` in neither (the
clause's own text and heading path; the document title is shared by both). Then the features whose weight ×
standardised difference most favour the winner, and the kind of the miss:

* `gold-word`: a word has a Chinese form in the gold clause and not in the winner (the evidence is there; the
  model did not weigh it enough);
* `other-sense`: a word's glossary term is absent from the gold clause while another CC-CEDICT sense of it is there;
* `unmapped`: no Chinese form of a word occurs in either clause and the word has no form in the corpus at all;
* `role`: the question asks for a kind of fact (amount, date/time limit, agency …) the gold states and the winner
  does not;
* `asked-form`: the gold does not state the asked kind as read (a share or a multiple for "how much", a rate for
  "how many", a company for "who"), so the asked-kind features count against it;
* `list-item`: the gold is an item of a list (an enumerated plan item, 1. … / （四）…) or a list article (有下列行为之一
  的，处…：（一）…（二）…) whose items name what the question asks about;
* `none`: no word and no asked kind tells the two apart.

A miss can have several kinds; the count table counts each.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.calibrate_answerability import cached_search, load_cache
from eval.candidate_misses import contributions
from eval.decision_eval import REPORT_SETS
from eval.qrels import load_questions
from retriever.decision import DecisionModel, gather, load_model
from retriever.evidence import EN_STOP, english_renderings, holds
from retriever.glossary import stems
from retriever.search import Searcher

KINDS = ("gold-word", "other-sense", "unmapped", "role", "asked-form", "list-item", "none")
_ITEM = re.compile(r"^\s*(?:第[一二三四五六七八九十百]+条\s*)?(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])")
_LIST = re.compile(r"[：:]\s*[（(][一二三四五六七八九十]+[）)]")


@dataclass
class Word:
    """One English content word of the question and where its Chinese forms occur."""

    word: str
    glossary: list[tuple[str, str]] = field(default_factory=list)   # (term, mark)
    cedict: list[tuple[str, str]] = field(default_factory=list)
    in_corpus: bool = False

    def show(self) -> str:
        shown = sorted(self.cedict, key=lambda tm: "+=-0".index(tm[1]))[:4]       # the forms found first
        forms = [f"g:{t}{m}" for t, m in self.glossary] + [f"c:{t}{m}" for t, m in shown]
        return f"{self.word}[{' '.join(forms)}]" if forms else f"{self.word}[∅{'' if self.in_corpus else '!'}]"


@dataclass
class ArticleMiss:
    source: str
    qid: str
    question: str
    gold: str
    first: str
    words: list[Word]
    against: list[tuple[str, float]]
    kinds: list[str]


def _text(clause: Any) -> str:
    return " ".join([*clause.path, clause.text])


def _mark(term: str, gold: str, win: str) -> str:
    return {(True, False): "+", (True, True): "=", (False, True): "-"}.get((term in gold, term in win), "0")


def word_forms(question: str, glossary: Any) -> dict[str, list[str]]:
    """Each English content word of `question` (lower case) → the glossary terms of the match covering it."""
    bare = re.sub(r"['’]s\b", " ", question.lower())
    words = re.findall(r"[a-z0-9]+", bare)
    out: dict[str, list[str]] = {w: [] for w in words if w not in EN_STOP and len(w) > 2 and not w.isdigit()}
    if glossary is None or len(words) != len(stems(question)):
        return out
    for start, length, zh in glossary.matches(question):
        for w in words[start:start + length]:
            if w in out and zh not in out[w]:
                out[w].append(zh)
    return out


def miss_kinds(words: list[Word], asks: Any, gold: Any, win: Any) -> list[str]:
    """The kinds of one same-document miss (see the module docstring)."""
    kinds = []
    if any(m == "+" for w in words for _, m in [*w.glossary, *w.cedict]):
        kinds.append("gold-word")
    if any(w.glossary and all(m in "0-" for _, m in w.glossary) and any(m == "+" for _, m in w.cedict)
           for w in words):
        kinds.append("other-sense")
    if any(not w.glossary and not w.in_corpus for w in words):
        kinds.append("unmapped")
    if asks.kinds and all(holds(gold, k) for k in asks.kinds) and not all(holds(win, k) for k in asks.kinds):
        kinds.append("role")
    if asks.kinds and not all(holds(gold, k) for k in asks.kinds):
        kinds.append("asked-form")
    if (_ITEM.match(gold.text) or _LIST.search(gold.text)) and gold.doc_key == win.doc_key:
        kinds.append("list-item")
    return kinds or ["none"]


def analyse(index_dir: Path, sets: list[Path], cache: list[Path], model: DecisionModel, lang: str = "en",
            progress: bool = True) -> tuple[list[ArticleMiss], Counter[str]]:
    from tqdm import tqdm

    saved = load_cache(cache)
    searcher = Searcher.open(index_dir, llm="none")
    ids = set(searcher.store.by_id)
    out: list[ArticleMiss] = []
    seen: Counter[str] = Counter()
    for path in sets:
        for q in tqdm(load_questions(path), desc=path.stem, disable=not progress, file=sys.stderr):
            gold_ids = {g for g in q.relevant if g in ids}
            if not gold_ids:
                continue
            r = cached_search(saved, searcher, index_dir, q.query)
            if r.lang != lang:
                continue
            seen["answerable"] += 1
            ev = gather(r.query, r.lang, r.hits, searcher.store, model, searcher.glossary, r.translation,
                        r.glossary_terms)
            hits = ev.hits
            if not ev.order or hits[ev.order[0]].clause.id in gold_ids:
                seen["right"] += 1
                continue
            placed = [i for i in ev.order if hits[i].clause.id in gold_ids]
            if not placed:
                seen["retrieval"] += 1
                continue
            g, w = placed[0], ev.order[0]
            gc, wc = hits[g].clause, hits[w].clause
            if gc.doc_key != wc.doc_key:
                seen["other-doc"] += 1
                continue
            seen["same-doc"] += 1
            gt, wt = _text(gc), _text(wc)
            words = []
            for word, terms in word_forms(q.query, searcher.glossary).items():
                ced = [z for z in english_renderings(word) if len(z) > 1 and ev.stats.occurs(z)]
                words.append(Word(word, [(t, _mark(t, gt, wt)) for t in terms],
                                  [(z, _mark(z, gt, wt)) for z in ced if z not in terms], bool(ced)))
            against = [t for t in contributions(model.candidate, ev.rows[w], ev.rows[g]) if t[1] > 0.05][:4]
            out.append(ArticleMiss(path.stem, q.id, q.query, gc.citation, wc.citation, words, against,
                                   miss_kinds(words, ev.asks, gc, wc)))
    return out, seen


def table(misses: list[ArticleMiss]) -> str:
    lines = ["| set | id | kinds | words (g: glossary, c: CC-CEDICT; + gold only, = both, - winner only, 0 neither) "
             "| features favouring the winner | gold | winner |", "|" + " --- |" * 7]
    for m in misses:
        feats = ", ".join(f"{f} {v:+.2f}" for f, v in m.against)
        lines.append(f"| {m.source} | {m.qid} | {', '.join(m.kinds)} | {' '.join(w.show() for w in m.words)} | "
                     f"{feats} | {m.gold} | {m.first} |")
    return "\n".join(lines)


def counts(misses: list[ArticleMiss], seen: Counter[str]) -> str:
    c: Counter[str] = Counter(k for m in misses for k in m.kinds)
    only: Counter[str] = Counter(m.kinds[0] for m in misses if len(m.kinds) == 1)
    lines = [f"answerable {seen['answerable']}, right first {seen['right']}, same-document misses "
             f"{seen['same-doc']}, other document {seen['other-doc']}, gold not a candidate {seen['retrieval']}", "",
             "| kind | misses | the only kind |", "| --- | --- | --- |"]
    lines += [f"| {k} | {c[k]} | {only[k]} |" for k in KINDS]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="index folder")
    ap.add_argument("--set", type=Path, action="append", help="question set (repeatable; default: all report sets)")
    ap.add_argument("--cache", type=Path, action="append", default=[], help="search-result pickle(s) to reuse")
    ap.add_argument("--model", type=Path, help="decision model JSON (default: the shipped one)")
    ap.add_argument("--lang", choices=("en", "zh"), default="en")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    for p in [args.index, *(args.set or []), *args.cache]:
        if not p.exists():
            ap.error(f"no such file or folder: {p}")
    model = load_model(str(args.model)) if args.model else load_model()
    misses, seen = analyse(args.index, args.set or list(REPORT_SETS), args.cache, model, args.lang, not args.quiet)
    print(table(misses))
    print()
    print(counts(misses, seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
