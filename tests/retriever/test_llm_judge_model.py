"""The yes/no judge with the real local model (skipped where it is not installed, as in CI): the clause that
answers gets a higher P(yes) than an unrelated one, and repeated pairs come from the cache."""
from __future__ import annotations

import json
import time

import pytest

from retriever.llm import LLMConfig
from retriever.llm_judge import LocalJudge

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MODEL = LLMConfig.from_env(backend="none").local_model
FINE = "第十九条 在禁止吸烟公共场所吸烟的，由相关监督管理部门责令改正，可以处五十元罚款；拒不改正的，处两百元罚款。"
TAX = "纳税人享受住房贷款利息专项附加扣除的，应当留存住房贷款合同、贷款还款支出凭证备查。"


@pytest.mark.skipif(not LocalJudge.available(MODEL), reason=f"local model {MODEL} or llama-cpp-python absent")
def test_the_answering_clause_gets_the_higher_p_yes_and_pairs_are_cached(tmp_path):
    cache = tmp_path / "judge.jsonl"
    judge = LocalJudge(MODEL, cache, budget=600)
    q = "在重庆禁止吸烟的公共场所抽烟会被罚多少钱"
    right, wrong = judge.p_yes(q, "fine", FINE), judge.p_yes(q, "tax", TAX)
    assert 0.0 <= wrong < right <= 1.0
    started = time.perf_counter()
    assert judge.p_yes(q, "fine", FINE) == right and time.perf_counter() - started < 0.01
    again = LocalJudge(MODEL, cache)
    assert again.judge(q, [type("C", (), {"id": "fine", "text": FINE})()]) == {"fine": pytest.approx(right, abs=1e-4)}
    assert len(cache.read_text(encoding="utf-8").splitlines()) == 2
    assert json.loads(cache.read_text(encoding="utf-8").splitlines()[0])["id"] == "fine"
