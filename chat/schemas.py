"""The HTTP schema (pydantic): request bodies and the answer card as `/docs` shows it.

The response models describe `chat.records.AnswerCard.to_dict()` field by field (`tests/chat/test_records.py` checks
that they agree). The question itself is checked by the ask service (`GazetteService.prepare`), not here.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chat.service import MAX_K
from index.filters import is_clean_text
from retriever.query import MAX_QUESTION_CHARS


# -- requests -------------------------------------------------------------------------------------------------
class Filters(BaseModel):
    """Metadata filters; unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")
    doc: str | None = Field(None, description="Document number, e.g. 渝府办发〔2024〕27号")
    kind: str | None = Field(None, description="Clause kind: clause, annex_task, box_item, article, …")
    lead_unit: str | None = Field(None, description="Lead unit (Chinese or English name)")
    deadline_from: str | None = Field(None, description="Deadline on or after YYYY-MM")
    deadline_to: str | None = Field(None, description="Deadline on or before YYYY-MM")
    doc_type: str | None = Field(None, description="Document type: gazette_notice, local_regulation or other")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v not in (None, "")}


class AskRequest(BaseModel):
    """A question, with an optional session for follow-ups, answer language, hit count and filters."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "企业招收博士后有什么资助？"},
        {"question": "How much funding does a company get for each postdoc it recruits?", "lang": "en"}]})
    question: str = Field(..., description=f"Chinese or English, at most {MAX_QUESTION_CHARS} characters")
    session_id: str | None = Field(None, max_length=128, description="Conversation id for follow-up questions")

    @field_validator("session_id")
    @classmethod
    def _check_session(cls, value: str | None) -> str | None:
        if value is not None and not is_clean_text(value):
            raise ValueError("contains an invalid character (a lone surrogate or a control character)")
        return value
    lang: Literal["zh", "en", "auto"] | None = Field(None, description="Answer language (default: the question's)")
    k: int = Field(5, ge=1, le=MAX_K, description="Hits to retrieve")
    filters: Filters | None = None

    def service_args(self) -> dict[str, Any]:
        """Keyword arguments of `GazetteService.prepare`."""
        return {"question": self.question, "session_id": self.session_id or None, "lang": self.lang, "k": self.k,
                "filters": self.filters.to_dict() if self.filters else None}


class SearchParams(Filters):
    """Query-string parameters of `GET /search` (unknown parameters are rejected)."""

    q: str = Field(..., description="Chinese or English query")
    k: int = Field(5, ge=1, le=MAX_K)
    mode: Literal["auto", "none", "glossary", "translate", "both"] = "auto"

    def filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.to_dict().items() if k not in ("q", "k", "mode")}


# -- the answer card ------------------------------------------------------------------------------------------
class FactViewOut(BaseModel):
    """A figure of a cited clause with its role."""

    kind: str = Field(..., description="amount | percent | quantity | date | deadline")
    text: str | None = Field(..., description="Verbatim Chinese source span")
    role: str | None = Field(..., description="The Chinese phrase the figure belongs to")
    role_en: str | None = Field(..., description="What the figure is for, in English (English answers)")
    en: str = Field(..., description="As shown")


class CitationOut(BaseModel):
    """A cited (or related) clause."""

    n: int = Field(..., description="The [n] used in the answer and in LLM prose")
    id: str = Field(..., description="Stable clause id (GET /clauses/{id})")
    doc_number: str | None
    doc_number_en: str | None
    label: str
    label_en: str | None
    citation: str = Field(..., description="Citation in the answer language")
    citation_zh: str
    citation_en: str
    title: str
    title_en: str | None
    kind: str
    path: list[str]
    quote: str = Field(..., description="Verbatim sentences of the clause that answer the question")
    text: str = Field(..., description="The full clause text (Chinese)")
    facts: list[str] = Field(..., description="Figures, lead units and deadline in the answer language")
    lead_units: list[str]
    deadline: str | None
    provenance: dict[str, Any] | None = Field(None, description="Who added the document, when (UTC), from which "
                                                                "file (name, sha256), and review flags")
    # the document behind the citation, and the 款/项 quoted (issue 13, index.doc_notes)
    paragraph: dict[str, Any] | None = Field(None, description="The first quoted paragraph/item: label, label_en, "
                                             "paragraph, item, start, end (character span of `text`)")
    paragraphs_quoted: list[dict[str, Any]] = Field(default_factory=list, description="Every quoted 款/项")
    doc_type: str | None = Field(None, description="gazette_notice | local_regulation | other")
    doc_issuer: str | None = None
    doc_date: str | None = Field(None, description="Date of the text in force (last amendment, else adoption/issue)")
    doc_adopted: str | None = None
    doc_amended: list[str] = Field(default_factory=list)
    date_line: str | None = Field(None, description="The document's dates in the answer language")
    age_note: str | None = Field(None, description="Set when the text in force is more than ten years old")
    fact_views: list[FactViewOut] = Field(default_factory=list,
                                          description="Each figure with its Chinese role and English role")
    gloss_en: str | None = Field(None, description="English answers: word-by-word gloss of the quote (not a "
                                                   "translation)")
    translation_en: str | None = Field(None, description="English answers: checked machine translation, if cached")
    translation_withheld: str | None = Field(None, description="Why a machine translation is not shown")


class ProseOut(BaseModel):
    """LLM prose: shown only when every sentence cites a clause and every figure is in it."""

    backend: str
    used: bool
    verified: bool | None
    withheld_reason: str | None
    prose: str | None


class AnswerabilityOut(BaseModel):
    """The answer / partial / refuse decision and why (`retriever.decision.Decision`)."""

    verdict: Literal["answer", "partial", "refuse"]
    confidence: float = Field(..., ge=0, le=1, description="Calibrated P(the documents answer the question)")
    answerable: bool
    cited: list[str] = Field(..., description="Clause ids that answer, best first (the closest one for partial)")
    reasons: list[str]
    missing: list[str] = Field(..., description="Concepts of the question the best clause lacks")
    asks: list[str] = Field(..., description="What the question asks for: amount, percent, date, agency, count")
    unstated: list[str] = Field(default_factory=list, description="Figure kinds asked for that no cited clause "
                                "states (a partial answer: the measure is there, the figure is not)")
    subject: str = Field("", description="What a figure was asked of when no cited clause states one where it "
                         "names it (partial)")
    per: list[str] = Field(default_factory=list, description="Units a figure was asked per (每平方米, each stage) "
                           "that no cited clause states it per (partial)")
    contrast: list[list[str]] = Field(default_factory=list, description="[qualifier asked about, the contrasting "
                                      "one the closest clause holds] (高压 asked, only 低压 stated: partial)")


class AnswerCardOut(BaseModel):
    """The answer card: composed from the clauses, never from LLM text (`gazette ask --json` prints the same)."""

    question: str
    language: Literal["zh", "en"]
    answered: bool
    verdict: Literal["answer", "partial", "refuse"]
    confidence: float = Field(..., ge=0, le=1)
    answer: str
    citations: list[CitationOut]
    related: list[CitationOut] = Field(..., description="Nearest clauses of a refusal (not an answer)")
    llm: ProseOut
    query: str | None = Field(..., description="The standalone query searched (follow-ups), when it differs")
    answerability: AnswerabilityOut | None
    glossary_terms: list[str]
    translation: str | None
    session_id: str | None
    elapsed_ms: float
