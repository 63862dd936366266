"""The LangChain pipeline: rewrite → retrieve → compose → generate → verify.

Retrieval is our hybrid searcher (as LangChain documents; the `BaseRetriever` is
`retriever.langchain_retriever.GazetteRetriever`, re-exported here); prompts are `ChatPromptTemplate`s built from
`prompts/answer_{zh,en}.txt`; the LLM is a LangChain chat model from `retriever.llm`. Generated prose is shown only
when `chat.verify.verify_prose` accepts every sentence; otherwise it is withheld and the card stands alone.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from index.clause import Clause
from retriever.langchain_retriever import GazetteRetriever, hits_to_documents

__all__ = ["GazetteRetriever", "build_chain", "add_verified_prose", "stream_verified_prose"]

log = logging.getLogger(__name__)


def numbered_context(citations: list[dict[str, Any]]) -> str:
    """Clauses as the model sees them: `[n] citation — title\\nfull text`."""
    return "\n\n".join(f"[{c['n']}] {c['citation_zh']} — {c['title']}\n{c['text']}" for c in citations)


def answer_prompt(lang: str) -> ChatPromptTemplate:
    import prompts
    return ChatPromptTemplate.from_messages([
        ("system", prompts.load(f"answer_{lang}")),
        ("human", "{context}\n\n{question_label}: {question}"),
    ])


def generation_chain(model: Any, lang: str) -> Runnable:
    """citations + question → prose (string)."""
    return (
        RunnableLambda(lambda x: {"context": numbered_context(x["citations"]), "question": x["question"],
                                  "question_label": "Question" if lang == "en" else "问题"})
        | answer_prompt(lang) | model | StrOutputParser()
    )


def verification_step(x: dict[str, Any]) -> dict[str, Any]:
    """Attach the verifier's verdict to the generated prose."""
    from chat.verify import verify_prose
    clauses: dict[str, Clause] = {str(c["n"]): x["clauses"][c["id"]] for c in x["citations"]}
    labels = {str(c["n"]): c["citation"] for c in x["citations"]}
    result = verify_prose(x["prose"], clauses, labels)
    return {**x, "verified": result.ok, "reasons": result.reasons}


def build_chain(searcher: Any, model: Any, lang: str, k: int = 5) -> Runnable:
    """The whole pipeline as one runnable: {"question", "query"} → card fields + verified prose."""
    from chat.compose import compose_answer
    from retriever.answerability import judge

    def compose(x: dict[str, Any]) -> dict[str, Any]:
        hits = x["result"].hits
        answerable = bool(hits) and judge(x["result"], searcher).answerable
        card = compose_answer(x["question"], lang, hits, answerable, searcher.glossary)
        return {**x, **card, "clauses": {h.clause.id: h.clause for h in hits}}

    def generate(x: dict[str, Any]) -> dict[str, Any]:
        if not x["answered"]:
            return {**x, "prose": None}
        return {**x, "prose": generation_chain(model, lang).invoke(x)}

    def verify(x: dict[str, Any]) -> dict[str, Any]:
        return verification_step(x) if x.get("prose") else {**x, "verified": None, "reasons": []}

    return (
        RunnablePassthrough.assign(query=lambda x: x.get("query") or x["question"])
        | RunnablePassthrough.assign(result=lambda x: searcher.run(x["query"], k=k))
        | RunnablePassthrough.assign(docs=lambda x: hits_to_documents(x["result"].hits))
        | RunnableLambda(compose) | RunnableLambda(generate) | RunnableLambda(verify)
    )


def stream_verified_prose(card: dict[str, Any], question: str, lang: str, backend: str, prose: bool | None = None,
                          model: Any = None) -> Iterator[str]:
    """Stream LLM prose tokens for an answered card (drafts), then verify the whole text: `card["llm"]` keeps the
    prose only if it verifies, and says why when it is withheld."""
    from retriever.llm import LLMConfig, get_chat_model
    config = LLMConfig.from_env(backend=backend)
    info = card["llm"]
    if not (config.prose if prose is None else prose):
        info["withheld_reason"] = "prose is off for this back-end (set GAZETTE_LLM_PROSE=1 to enable)"
        return
    x = {"question": question, "citations": card["citations"],
         "clauses": {c["id"]: _clause_of(c) for c in card["citations"]}}
    parts: list[str] = []
    try:
        for chunk in generation_chain(model or get_chat_model(config), lang).stream(x):
            parts.append(chunk)
            yield chunk
    except Exception as exc:  # noqa: BLE001 - the card stands without prose
        log.warning("LLM prose failed: %s", exc)
        info.update(used=False, verified=False, withheld_reason=f"the LLM did not answer: {exc}")
        return
    checked = verification_step({**x, "prose": "".join(parts)})
    info.update(used=True, verified=checked["verified"])
    if checked["verified"]:
        info["prose"] = checked["prose"]
    else:
        info["withheld_reason"] = "prose withheld: " + "; ".join(checked["reasons"][:5])


def add_verified_prose(card: dict[str, Any], question: str, lang: str, backend: str, prose: bool | None,
                       model: Any = None) -> None:
    """Generate prose for an answered card and keep it only if it verifies (see `stream_verified_prose`)."""
    for _ in stream_verified_prose(card, question, lang, backend, prose, model):
        pass


def _clause_of(citation: dict[str, Any]) -> Clause:
    """A clause object for a card citation (the verifier reads text, facts, title and deadline)."""
    from index.facts import extract_facts
    clause = Clause(id=citation["id"], doc_key=citation["doc_number"] or citation["title"],
                    doc_number=citation["doc_number"], doc_title=citation["title"], kind=citation["kind"],
                    label=citation["label"], label_en=citation["label_en"], path=citation["path"],
                    text=citation["text"], doc_title_en=citation["title_en"], lead_units=citation["lead_units"],
                    deadline=citation["deadline"])
    clause.facts = extract_facts(clause.text)
    return clause
