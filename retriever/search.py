"""Hybrid search: dense (FAISS) + BM25 (jieba) per query variant, fused with language-dependent weights."""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from index.clause import Clause
from index.dense import Hits
from index.embedders import Embedder, embedder_from_identity
from index.errors import QueryError
from index.filters import ClauseFilter
from index.settings import Settings
from index.store import IndexStore, read_manifest
from index.tokenize import tokenize_zh
from index.vector_store import open_store
from retriever.documents import DocumentIndex, expand_english, newer_first, prefer_named, without_mentions
from retriever.evidence import asked_kinds, holds, states
from retriever.fusion import rrf, saturate, score_fusion, top_rows
from retriever.glossary import Glossary
from retriever.intents import ISSUANCE_WEIGHT, asks_issuance
from retriever.lexicon import Lexicon, context_words
from retriever.llm import LLMConfig, get_chat_model
from retriever.llm_warmup import TRANSLATION_BUDGET_S, warming, within_budget
from retriever.priors import DocTraits, doc_priors, doc_traits
from retriever.query import Variant, build_variants, detect_language, validate_query
from retriever.references import referenced
from retriever.translate import translate_query

log = logging.getLogger(__name__)

MODES = ("auto", "none", "glossary", "translate", "both")
#: Candidates taken from each ranked list before fusion.
CANDIDATES = 50
#: "score" (weighted normalised scores) or "rrf" (weighted reciprocal ranks); settings.fusion overrides.
FUSION = "score"
#: A question that asks for a figure (amount, share, date or time limit, count) favours the candidate clauses that
#: hold one: they are ordered as if one more list with this weight were fused (retriever.evidence.asked_kinds /
#: holds), while each hit keeps its fused score — the scores the answer decision was calibrated on (a near miss
#: such as a tax rate the corpus does not hold must not gain confidence from a clause that holds some other rate).
KIND_WEIGHT = 0.4
#: A question asking for an amount also favours the candidates that state a share or rate.
AMOUNT_TAKES_PERCENT = True
#: True: an English question embeds only its code-mixed glossary form and the raw-English dense search reuses it
#: (one model call: English answer p50 about 75 → 51–57 ms quiet, eval/results/dec5-2026-11-30.md). Off, because
#: with the CC-CEDICT lexicon variant the raw English vector carries signal of its own: English R@1 with it on
#: falls on the regulation set 0.926 → 0.893, questions.jsonl 0.871 → 0.821, decision4 0.769 → 0.692
#: (`python -m eval.english_retrieval`, session 5); the decision retrained on each, left one set out, is a wash.
ONE_ENGLISH_VECTOR = False
FIGURE_KINDS = ("amount", "percent", "date", "count")
#: The asked kinds a clause can state (`retriever.evidence.states`): the figures and a lead unit.
STATED_KINDS = (*FIGURE_KINDS, "agency")
#: One document flooding the candidates (at least `DOC_FLOOD` of the fused pool: every article of one regulation
#: matching the same glossary compound, 不动产登记) keeps its first `DOC_FREE` rows where they are; each further row
#: that states none of the asked kinds (a deadline, an amount, a lead unit …) ranks as if `DOC_SATURATION` × the best
#: score lower (`retriever.fusion.saturate`; eval/results/loss7-2026-11-30.md). Ranks only: hits keep their scores.
DOC_FREE = 2
DOC_SATURATION = 0.2
DOC_FLOOD = 0.5
#: English question → Chinese search wording (or None).
Translator = Callable[[str], str | None]


@dataclass
class Hit:
    """One search result: the clause, its fused score and the raw signals behind it."""

    clause: Clause
    score: float
    dense: float = 0.0          # best cosine similarity over the query variants
    bm25: float = 0.0           # best BM25 score over the query variants
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        c = self.clause
        return {"id": c.id, "doc_number": c.doc_number, "label": c.label, "label_en": c.label_en,
                "title": c.doc_title, "title_en": c.doc_title_en, "kind": c.kind, "text": c.text,
                "score": round(self.score, 6), "lead_units": c.lead_units, "deadline": c.deadline,
                "citation": c.citation, "path": c.path, "number": c.number}


@dataclass
class SearchResult:
    """Hits plus how the query was handled (language, expansions), for answers and diagnostics."""

    query: str
    lang: str
    hits: list[Hit]
    variants: list[Variant] = field(default_factory=list)
    glossary_terms: list[str] = field(default_factory=list)
    translation: str | None = None
    named: list[str] = field(default_factory=list)   # clause ids the question names by number
    lexicon_terms: list[str] = field(default_factory=list)   # dictionary senses of words outside the glossary


class Searcher:
    """Searches one loaded index with the embedder it was built with."""

    def __init__(self, store: IndexStore, embedder: Embedder, glossary: Glossary | None = None,
                 translator: Translator | None = None, fusion: str = FUSION) -> None:
        self.store = store
        self.embedder = embedder
        self.glossary = glossary
        self.translator = translator
        self.fusion = fusion

    @classmethod
    def open(cls, index_dir: Path | str, llm: str | None = None, embedder: Embedder | None = None,
             settings: Settings | None = None) -> Searcher:
        """Load an index (dense index per `settings.vector_store`) and the embedder named in its manifest; `llm`
        enables query translation. Without `settings`, they are read from the environment."""
        settings = settings or Settings.from_env()
        manifest = read_manifest(index_dir)
        embedder = embedder or embedder_from_identity(manifest.embedder)
        store = open_store(index_dir, embedder=embedder, settings=settings)
        return cls(store, embedder, glossary=Glossary.load(), translator=make_translator(llm, settings),
                   fusion=settings.fusion)

    def parse_filters(self, filters: dict[str, Any] | None) -> ClauseFilter | None:
        """Validated filters (`QueryError` when malformed); an English lead unit is resolved with the glossary."""
        return ClauseFilter.parse(filters, self.glossary.lead_unit_names if self.glossary is not None else None)

    def expand(self, query: str, lang: str, mode: str) -> tuple[list[str], str | None]:
        """Glossary terms and LLM translation for an English query, as the mode allows."""
        if lang != "en":
            return [], None
        terms: list[str] = []
        translation = None
        if mode in ("auto", "glossary", "both") and self.glossary is not None:
            terms = self.glossary.expand_english(query)
            terms += [t for t in expand_english(query) if t not in terms]    # regulation-title topics
        if mode in ("auto", "translate", "both") and self.translator is not None:
            translation = self.translator(query)
        return terms, translation

    def search(self, query: str, k: int = 5, filters: dict[str, Any] | None = None, mode: str = "auto",
               lang: str | None = None) -> list[Hit]:
        """Top-k hits for a query (Chinese or English)."""
        return self.run(query, k, filters, mode, lang).hits

    def run(self, query: str, k: int = 5, filters: dict[str, Any] | None = None, mode: str = "auto",
            lang: str | None = None) -> SearchResult:
        """Search and keep the query handling details."""
        query = validate_query(query)
        if mode not in MODES:
            raise QueryError(f"unknown search mode {mode!r}; known: {', '.join(MODES)}")
        lang = lang or detect_language(query)
        keep = self.parse_filters(filters)
        terms, translation = self.expand(query, lang, mode)
        extra = self.lexicon_terms(query, lang, mode, terms)
        variants = self._variants(query, lang, terms, translation, extra)
        issuance = asks_issuance(query)
        kinds = [x for x in asked_kinds(query) if x in STATED_KINDS]
        priors = doc_priors(query, lang, self._traits)
        doc_names = self.documents.named(query)
        docs_named = doc_names.matched
        inside = variants           # what is searched inside the named documents
        if docs_named:              # inside the named documents, search what the question asks of them
            rest = without_mentions(query, doc_names.mentions)
            if rest != query:
                rest_mode = "glossary" if mode != "none" else "none"
                rest_terms, _ = self.expand(rest, lang, rest_mode)
                rest_extra = self.lexicon_terms(rest, lang, rest_mode, rest_terms)
                inside = self._variants(rest, lang, rest_terms, translation, rest_extra)
        embedded: dict[str, np.ndarray] = {}       # query vectors by text: every text of the question in one call
        self._embed(variants + inside if self._searches_inside(docs_named) else variants, embedded)
        hits = self._fused(variants, k, keep, issuance=issuance, kinds=kinds, priors=priors,
                           vectors=self._embed(variants, embedded))
        hits = self._document_aware(docs_named, inside, hits, k, keep, issuance, kinds, priors, embedded)
        named = [c for c in referenced(query, self.store.clauses) if (keep is None or keep(c))
                 and (not docs_named or c.doc_key in docs_named)]          # 第一条 of the named document
        if named:
            hits = self._named_first(named, hits, k)
        return SearchResult(query, lang, hits, inside, terms, translation, named=[c.id for c in named],
                            lexicon_terms=extra)

    def lexicon_terms(self, query: str, lang: str, mode: str, terms: list[str]) -> list[str]:
        """Chinese dictionary senses of an English query's words outside the glossary (`retriever.lexicon`), in
        the modes that use the glossary."""
        if lang != "en" or mode not in ("auto", "glossary", "both") or self.glossary is None:
            return []
        found = self.lexicon.expand(query, self.glossary.covered(query), context_words(terms, tokenize_zh))
        return [t for t in found if t not in terms]

    @cached_property
    def lexicon(self) -> Lexicon:
        """English → Chinese senses limited to this index's BM25 vocabulary (built on first English query)."""
        return Lexicon.from_bm25(self.store.bm25)

    def _variants(self, query: str, lang: str, terms: list[str], translation: str | None,
                  lexicon_terms: list[str] | None = None) -> list[Variant]:
        mixed = self.glossary.code_mix(query) if (terms and self.glossary is not None) else None
        return build_variants(query, lang, terms, translation, mixed, lexicon_terms)

    def _document_aware(self, keys: list[str], variants: list[Variant], hits: list[Hit], k: int,
                        keep: ClauseFilter | None, issuance: bool = False, kinds: Sequence[str] = (),
                        priors: Mapping[str, float] | None = None,
                        embedded: dict[str, np.ndarray] | None = None) -> list[Hit]:
        """Hits of the documents the question names (`keys`) first; newer documents first on ties. `embedded`: query
        vectors already computed by text (a question whose naming words are not removed is not embedded again)."""
        if self._searches_inside(keys):
            doc_hits: list[Hit] = []
            vectors = self._embed(variants, embedded)   # once for all the named documents
            for key in keys:                            # the filter names one document; usually one is named
                only = replace(keep, doc=key) if keep is not None else ClauseFilter(doc=key)
                doc_hits += self._fused(variants, k, only,                     # "when was it issued" → notice
                                        issuance=issuance and key in self._notices, kinds=kinds, priors=priors,
                                        vectors=vectors)
            doc_hits.sort(key=lambda h: -h.score)
            hits = prefer_named(hits, doc_hits, k)
        return newer_first(hits, self.documents, getattr(self.store, "vectors", None), self.store.row_of)

    def _searches_inside(self, keys: list[str]) -> bool:
        """Whether the document-aware pass searches inside the named documents (some, not all, are named)."""
        return bool(keys) and len(keys) < len(self.documents.docs)

    @cached_property
    def documents(self) -> DocumentIndex:
        """The indexed documents: titles, short names, English title topics, dates."""
        return DocumentIndex(self.store.clauses)

    def _named_first(self, named: list[Clause], hits: list[Hit], k: int) -> list[Hit]:
        """Clauses the question names by number go first (a question about `task 149` is about task 149)."""
        top = hits[0].score if hits else 1.0
        by_id = {h.clause.id: h for h in hits}
        first = [by_id.get(c.id) or Hit(c, top, 1.0, 0.0) for c in named[:k]]
        for h in first:
            h.score = top * 1.5
            h.dense = max(h.dense, 1.0)
        rest = [h for h in hits if h.clause.id not in {c.id for c in named}]
        out = (first + rest)[:k]
        for rank, h in enumerate(out, start=1):
            h.rank = rank
        return out

    def _fused(self, variants: list[Variant], k: int, keep: ClauseFilter | None, issuance: bool = False,
               kinds: Sequence[str] = (), priors: Mapping[str, float] | None = None,
               vectors: np.ndarray | None = None) -> list[Hit]:
        n = max(CANDIDATES, k * 4)
        allowed = keep.mask(self.store.clauses) if keep is not None else None
        vectors = self._embed(variants) if vectors is None else vectors
        dense: list[dict[int, float]] = []
        keyword: list[dict[int, float]] = []
        found = iter(self._dense_search(vectors, n, keep))
        for v in variants:                  # a variant without dense text (lexicon senses) has BM25 only
            rows, scores = next(found) if v.dense_text is not None else (np.empty(0, int), np.empty(0))
            dense.append(dict(zip(rows.tolist(), scores.tolist())))
            rows, scores = self.store.bm25_search(tokenize_zh(v.bm25_text or ""), n, allowed)
            keyword.append(dict(zip(rows.tolist(), scores.tolist())))
        dense_w = [v.dense_weight for v in variants]
        keyword_w = [v.bm25_weight for v in variants]
        fused = self.fuse(dense, keyword, dense_w, keyword_w)
        if issuance:
            notices = self._notices_of(top_rows(fused, n), allowed)
            keyword.append({row: 1.0 / (i + 1) for i, row in enumerate(notices)})
            keyword_w.append(ISSUANCE_WEIGHT)
            fused = self.fuse(dense, keyword, dense_w, keyword_w)
        order = fused              # the candidates holding the figure the question asks for go up; scores stay fused
        figures = [x for x in kinds if x in FIGURE_KINDS]
        if figures and KIND_WEIGHT > 0:
            pool = top_rows(fused, n)
            if AMOUNT_TAKES_PERCENT and "amount" in figures and "percent" not in figures:
                figures.append("percent")       # a fee or subsidy is often a rate: 担保费率0.8%, 按投资额的30%补助
            holding = {row: 1.0 for row, _ in pool if any(holds(self.store.clauses[row], kind) for kind in figures)}
            order = self.fuse(dense, [*keyword, holding], dense_w, [*keyword_w, KIND_WEIGHT])
        if priors:                 # document priors (plan questions, county-local documents) move ranks only
            top = max(order.values(), default=0.0)
            clauses = self.store.clauses
            order = {row: s + priors.get(clauses[row].doc_key, 0.0) * top for row, s in order.items()}
        if DOC_SATURATION > 0:     # one document flooding the pool: its further rows go down (ranks only)
            clauses = self.store.clauses
            exempt = {row for row, _ in top_rows(order, n) if kinds
                      and any(states(clauses[row], kind) for kind in kinds)}
            order = saturate(order, lambda row: clauses[row].doc_key, DOC_FREE, DOC_SATURATION, DOC_FLOOD, n, exempt)
        scored = [kw for kw, v in zip(keyword, variants) if v.name != "lexicon"]    # the decision's feature
        return [Hit(self.store.clauses[row], fused[row], max(d.get(row, -1.0) for d in dense),   # best over variants
                    max((kw.get(row, 0.0) for kw in scored), default=0.0), rank)
                for rank, (row, _) in enumerate(top_rows(order, k), start=1)]

    def _dense_search(self, vectors: np.ndarray, n: int, keep: ClauseFilter | None) -> list[Hits]:
        """Dense hits of each query vector, one vector a call: FAISS searches several vectors on OpenMP threads (one a
        vector), which on a shared 2-core machine took 7–23 ms for an English question's two vectors against 0.8 ms
        one after the other on the calling thread (eval/results/lat8-2026-11-30.md); the hits are the same."""
        return [self.store.dense.search(vectors[i:i + 1], n, keep)[0] for i in range(len(vectors))]

    def _embed(self, variants: list[Variant], known: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Query vectors of the variants' dense texts, one row a variant with dense text; texts in `known` (text →
        vector) are not embedded again, and new ones are added to it. With `ONE_ENGLISH_VECTOR`, an English question
        that has a glossary form embeds that (code-mixed) form only and its raw variant's dense search uses the same
        vector: one model call instead of two."""
        dense = [v for v in variants if v.dense_text is not None]
        texts = [v.dense_text or "" for v in dense]
        names = [v.name for v in dense]
        if ONE_ENGLISH_VECTOR and "en" in names and "glossary" in names:
            texts = [texts[names.index("glossary")] if name == "en" else text for name, text in zip(names, texts)]
        known = {} if known is None else known
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing or not texts:
            vectors = self.embedder.embed_queries(missing)
            known.update(zip(missing, vectors))
        if not texts:
            return np.asarray(vectors, dtype=np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def fuse(self, dense: list[dict[int, float]], keyword: list[dict[int, float]], dense_w: list[float],
             keyword_w: list[float]) -> dict[int, float]:
        """Combine the ranked lists: weighted normalised scores (default) or weighted RRF."""
        if self.fusion == "rrf":
            lists = [sorted(m, key=lambda r, m=m: -m[r]) for m in [*dense, *keyword]]  # type: ignore[misc]
            return rrf(lists, [*dense_w, *keyword_w])
        return score_fusion(dense, keyword, dense_w, keyword_w)

    def _notices_of(self, ranked: list[tuple[int, float]], allowed: np.ndarray | None) -> list[int]:
        """Rows of the issuing notices of the documents in `ranked`, best document first."""
        rows: list[int] = []
        seen: set[str] = set()
        for row, _ in ranked:
            key = self.store.clauses[row].doc_key
            if key in seen:
                continue
            seen.add(key)
            rows += [self.store.row_of[c.id] for c in self._notices.get(key, [])
                     if allowed is None or allowed[self.store.row_of[c.id]]]
        return rows

    @cached_property
    def corpus_text(self) -> str:
        """All indexed text (titles, headings, clauses), for scope checks."""
        titles = {c.doc_title for c in self.store.clauses}
        return "\n".join([*titles, *(" ".join(c.path) + c.text for c in self.store.clauses)])

    @cached_property
    def _traits(self) -> dict[str, DocTraits]:
        """Per document: an action plan? local to one county? (for `retriever.priors.doc_priors`)"""
        return doc_traits(self.store.clauses)

    @cached_property
    def _notices(self) -> dict[str, list[Clause]]:
        """Issuing notices by document key (a Searcher serves one store for its whole life)."""
        notices: dict[str, list[Clause]] = {}
        for c in self.store.clauses:
            if c.kind == "notice":
                notices.setdefault(c.doc_key, []).append(c)
        return notices


def make_translator(llm: str | None, settings: Settings | None = None,
                    budget: float = TRANSLATION_BUDGET_S) -> Translator | None:
    """A cached English→Chinese query translator for the LLM back-end `llm` (`env` = the configured one), or None;
    a translation that takes longer than `budget` seconds is skipped (glossary only)."""
    if llm in (None, "none"):
        return None
    try:
        config = LLMConfig.from_settings(settings or Settings.from_env(), backend=None if llm == "env" else llm)
        model = get_chat_model(config)
    except Exception as exc:  # noqa: BLE001 - translation is optional: glossary expansion still works
        log.warning("query translation unavailable: %s", exc)
        return None
    if model is None:
        return None
    # while a server loads this model in the background, or past the time budget, English questions use the glossary
    translate = within_budget(lambda question: translate_query(question, model), budget)
    return lambda question: None if warming(config) else translate(question)
