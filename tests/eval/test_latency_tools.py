"""eval.answer_identity (are two dumps of answers the same?) and eval.bench_answer's table."""
from __future__ import annotations

import pytest

from eval.answer_identity import answer_row, differences, training_questions
from eval.bench_answer import STAGES, Timings, load_average, table

pytestmark = pytest.mark.unit


def card(verdict: str, cited: list[str], confidence: float, answer: str, ms: float) -> dict:
    return {"verdict": verdict, "confidence": confidence, "answer": answer, "elapsed_ms": ms,
            "citations": [{"id": c} for c in cited]}


def test_answers_differ_by_field_and_timing_is_ignored():
    before = [answer_row("a", card("answer", ["c1"], 0.9, "5万元", 40.0)),
              answer_row("b", card("refuse", [], 0.1, "not in these documents", 41.0)),
              answer_row("gone", card("answer", ["c2"], 0.8, "x", 1.0))]
    after = [answer_row("a", card("answer", ["c1"], 0.9, "5万元", 99.0)),        # only slower: the same
             answer_row("b", card("partial", ["c3"], 0.1, "closest measure", 41.0)),
             answer_row("new", card("answer", ["c2"], 0.8, "x", 1.0))]
    diff = differences(before, after)
    assert diff == {"verdict": ["b"], "citations": ["b"], "confidence": [], "card": ["b"],
                    "missing": ["gone", "new"]}


def test_the_training_sets_only():
    keys = [k for k, _ in training_questions()]
    assert keys and not any(k.startswith(("questions_blind", "questions_holdout", "questions_decision_holdout"))
                            for k in keys)


def test_the_latency_table_has_stages_and_cpu_per_language():
    t = {"zh": Timings([10.0, 30.0], [9.0, 11.0], {s: [1.0, 3.0] for s in STAGES}), "en": Timings()}
    text = table(t)
    assert "retrieve p50" in text and "CPU p50 ms" in text
    assert "| zh | 2 | 20.0 |" in text and "| all | 2 | 20.0 |" in text and "| en |" not in text
    assert load_average().replace(".", "").isdigit()


def test_spans_time_the_parts_of_real_answers_and_put_everything_back(tmp_path, sample_clauses):
    """`--spans` wraps the service's parts for one run: every English part the answer runs is in the table, the
    answer is the same as without spans, and `detach` restores the methods and module functions."""
    import retriever.decision
    import retriever.search
    from chat.service import GazetteService
    from eval.answer_spans import Spans
    from eval.bench_answer import ask_timed
    from index.embedders import HashingEmbedder
    from index.store import IndexStore, build_index
    from retriever.glossary import Glossary
    from retriever.search import Searcher

    emb = HashingEmbedder()
    build_index(sample_clauses, emb, tmp_path / "index", [], progress=False)
    service = GazetteService(Searcher(IndexStore.load(tmp_path / "index", emb), emb, glossary=Glossary.load()),
                             llm="none")
    question = "How much funding does a company get for each postdoc it recruits?"
    plain = service.ask(question, llm="none").to_dict()
    functions = (retriever.search.doc_priors, retriever.search.tokenize_zh, retriever.decision.gather)
    spans = Spans().attach(service)
    try:
        lang, ms = ask_timed(service, question)
        spans.question(lang)
        assert "_fused" in vars(service.searcher)
    finally:
        spans.detach()
    text = spans.table()
    for part in ("retrieve.embed", "  .dense search", "  .bm25 search", "decide.gather", "compose.answer card"):
        assert f"| en | {part}" in text
    assert "model call" not in text                     # the hashing embedder has no model pool
    assert lang == "en" and ms["total"] >= ms["retrieve"] > 0
    assert "_fused" not in vars(service.searcher) and "search" not in vars(service.searcher.store.dense)
    assert (retriever.search.doc_priors, retriever.search.tokenize_zh, retriever.decision.gather) == functions
    again = service.ask(question, llm="none").to_dict()
    assert {k: v for k, v in again.items() if k != "elapsed_ms"} == {k: v for k, v in plain.items()
                                                                      if k != "elapsed_ms"}
