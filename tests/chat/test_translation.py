"""Checked clause translations through an OpenAI-compatible model (chat/translation.py, `gazette index translate`)."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from chat import translation as T
from chat.cli import cli, main
from chat.english import GLOSS_LABEL
from chat.records import AnswerCard, Citation
from index.clause import Clause
from index.embedders import HashingEmbedder
from index.facts import extract_facts
from index.store import build_index
from retriever.glossary import Glossary
from retriever.llm import get_chat_model

POSTDOC = ("（六）支持人才引进。支持空天信息企业建立国家级博士后工作站，满足条件的给予50万元资助，企业每招收1名全职博士后，"
           "给予企业5万元资助，给予每名博士后16万元日常资助。（牵头部门：市教委、市人力社保局；配合部门：市科技局）")


def clause(text: str = POSTDOC) -> Clause:
    return Clause(id="c-1", doc_key="k", doc_number="渝府办发〔2024〕22号", doc_title="t", kind="clause",
                  label="三、（六）", label_en="Part III (6)", path=[], text=text, facts=extract_facts(text))


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


def good_reply(body: dict) -> str:
    """A well-behaved translator: every placeholder once, the requested renderings, no digits of its own."""
    prompt = body["messages"][-1]["content"]
    text = prompt.split("Text:\n", 1)[1]
    holders = re.findall(r"\[\[\d+\]\]", text)
    found = re.search(r"for these terms: (.*?)\.\n", prompt)
    assert found is not None
    wanted = found.group(1)
    words = [pair.split(" = ", 1)[1] for pair in wanted.split("; ") if " = " in pair]
    return "Support for talent: " + ", ".join(words) + " — " + " ".join(holders) + "."


@pytest.mark.unit
def test_protect_masks_figures_agencies_and_markers(glossary):
    masked, slots = T.protect(POSTDOC, glossary)
    assert not re.search(r"\d", re.sub(r"\[\[\d+\]\]", "", masked))
    assert "市人力社保局" not in masked and "（六）" not in masked
    values = set(slots.values())
    assert {"CNY 500,000", "CNY 50,000", "CNY 160,000", "(6)"} <= values
    assert "Chongqing Municipal Human Resources and Social Security Bureau" in values


@pytest.mark.unit
def test_check_rejects_what_a_small_model_does(glossary):
    c = clause()
    _masked, slots = T.protect(c.text, glossary)
    terms = T.role_terms(c, glossary)
    ok = "aerospace information postdoctoral researcher funding support living allowance postdoctoral workstation full-time " + \
         " ".join(f"[[{n}]]" for n in slots)
    def why(english: str) -> str:
        reason = T.check(english, slots, terms)
        assert reason is not None, english
        return reason

    assert T.check(ok, slots, terms) is None
    assert "appears 0 times" in why(ok.replace("[[2]]", ""))
    assert "appears 2 times" in why(ok + " [[2]]")
    assert "Chinese" in why(ok + " 引进")
    assert "digit" in why(ok + " each of 50")
    assert "role word" in why(ok.replace("postdoctoral researcher", "scholar").replace("postdoctoral workstation",
                                                                                        "station"))
    assert T.restore("pay [[2]]", slots).startswith("pay CNY")


@pytest.mark.unit
def test_translate_clause_over_http_and_cache(fake_openai, glossary, tmp_path):
    config = fake_openai.llm_config()
    model = get_chat_model(config)
    fake_openai.queue(good_reply, "Support [[1]] only.")
    good = T.translate_clause(clause(), model, "fake-model", glossary)
    assert good.text_en is not None and "CNY 50,000" in good.text_en and not re.search(r"[\u4e00-\u9fff]", good.text_en)
    bad = T.translate_clause(clause("给予企业5万元资助，给予每名博士后16万元日常资助。"), model, "fake-model", glossary)
    assert bad.text_en is None and "placeholder" in (bad.reason or "")
    cache = T.TranslationCache(tmp_path)
    cache.put([good, bad])
    again = T.TranslationCache(tmp_path)
    found, withheld = again.get(POSTDOC), again.get("给予企业5万元资助，给予每名博士后16万元日常资助。")
    assert found is not None and found.text_en == good.text_en
    assert withheld is not None and withheld.reason == bad.reason
    cite = Citation(1, clause(), "en", "q", "c", "c", "c", None, gloss_en="word gloss")
    card = AnswerCard("q", "en", True, f"x\n  {GLOSS_LABEL}: word gloss", citations=[cite])
    T.attach_translations(card, tmp_path)
    assert cite.translation_en == good.text_en and card.to_dict()["citations"][0]["translation_en"] == good.text_en
    assert T.TRANSLATION_LABEL in card.answer and "word gloss" not in card.answer


@pytest.mark.unit
def test_index_translate_command(fake_openai, tmp_path, monkeypatch, sample_clauses):
    index_dir = tmp_path / "index"
    picked = [c for c in sample_clauses if c.label in ("三、（六）", "三、（五）")]
    build_index(picked, HashingEmbedder(), index_dir, [], progress=False)
    config = fake_openai.llm_config()
    monkeypatch.setenv("GAZETTE_OPENAI_BASE_URL", config.base_url)
    monkeypatch.setenv("GAZETTE_OPENAI_MODEL", config.model)
    fake_openai.responder = good_reply
    result = CliRunner().invoke(cli, ["index", "translate", "--index", str(index_dir), "-q"])
    assert result.exit_code == 0, result.output
    assert "translated 2 clause(s)" in result.output and "2 checked" in result.output
    rows = [json.loads(line) for line in (index_dir / T.CACHE_FILE).read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and all(r["text_en"] for r in rows)
    again = CliRunner().invoke(cli, ["index", "translate", "--index", str(index_dir), "-q"])
    assert "translated 0 clause(s)" in again.output          # cached: nothing asked again


@pytest.mark.unit
def test_index_translate_without_a_model_is_one_line_error(tmp_path, monkeypatch):
    monkeypatch.delenv("GAZETTE_OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["index", "translate", "--index", str(tmp_path)])
    assert exc.value.code == 2
