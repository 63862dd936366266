"""Optional LLM prose for an answered card: generate from the cited clauses, verify, keep only if it verifies.

The prompt is `prompts/answer_{zh,en}.txt` as a LangChain `ChatPromptTemplate`; the model is a LangChain chat model
from `retriever.llm`. The verifier (`chat.verify.verify_prose`) reads the card's real `Clause` objects
(`AnswerCard.clauses`). The outcome is written to `card.llm` (a `ProseVerdict`). langchain-core is imported on
first use, so a card without prose never loads it.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import prompts
from chat.records import AnswerCard, Citation
from chat.verify import VerifyResult, verify_prose
from retriever.llm import LLMConfig, get_chat_model

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

log = logging.getLogger(__name__)
PROSE_OFF = "prose is off for this back-end (set GAZETTE_LLM_PROSE=1 to enable)"


def numbered_context(citations: list[Citation]) -> str:
    """Clauses as the model sees them: `[n] citation — title\\nfull text`."""
    return "\n\n".join(f"[{c.n}] {c.citation_zh} — {c.clause.doc_title}\n{c.clause.text}" for c in citations)


def generation_chain(model: BaseChatModel, lang: str) -> Runnable:
    """{"citations": [Citation], "question": str} → prose (a string runnable: prompt | model | parser)."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableLambda

    prompt = ChatPromptTemplate.from_messages([
        ("system", prompts.load(f"answer_{lang}")),
        ("human", "{context}\n\n{question_label}: {question}"),
    ])
    return (
        RunnableLambda(lambda x: {"context": numbered_context(x["citations"]), "question": x["question"],
                                  "question_label": "Question" if lang == "en" else "问题"})
        | prompt | model | StrOutputParser()
    )


def check_prose(card: AnswerCard, text: str) -> VerifyResult:
    """The verifier's verdict on `text` against the card's cited clauses (keys `[n]`)."""
    return verify_prose(text, card.clauses, {str(c.n): c.citation for c in card.citations})


def record_verdict(card: AnswerCard, text: str) -> None:
    """Verify generated `text` and record the outcome in `card.llm` (prose kept only when it verifies)."""
    result = check_prose(card, text)
    info = card.llm
    info.used, info.verified, info.reasons = True, result.ok, result.reasons
    if result.ok:
        info.prose = text
    else:
        info.withheld_reason = "prose withheld: " + "; ".join(result.reasons[:5])


def stream_prose(card: AnswerCard, config: LLMConfig, prose: bool | None = None,
                 model: BaseChatModel | None = None) -> Iterator[str]:
    """Stream LLM prose tokens for an answered card (drafts), then verify the whole text into `card.llm`."""
    info = card.llm
    if not (config.prose if prose is None else prose):
        info.withheld_reason = PROSE_OFF
        return
    x = {"question": card.question, "citations": card.citations}
    parts: list[str] = []
    try:
        chat_model = model or get_chat_model(config)
        if chat_model is None:
            raise RuntimeError(f"no chat model for the {config.backend!r} back-end")
        for chunk in generation_chain(chat_model, card.language).stream(x):
            parts.append(chunk)
            yield chunk
    except Exception as exc:  # noqa: BLE001 - the card stands without prose
        log.warning("LLM prose failed: %s", exc)
        info.used, info.verified, info.withheld_reason = False, False, f"the LLM did not answer: {exc}"
        return
    record_verdict(card, "".join(parts))


def add_prose(card: AnswerCard, config: LLMConfig, prose: bool | None = None,
              model: BaseChatModel | None = None) -> None:
    """Generate prose for an answered card and keep it only if it verifies (see `stream_prose`)."""
    for _ in stream_prose(card, config, prose, model):
        pass
