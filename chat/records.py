"""The typed records of an answer: `AnswerCard` ▸ `Citation` ▸ `FactView`, and `ProseVerdict` for LLM prose.

Made by `chat.compose` (card and citations) and `chat.prose` (verdict), owned by the ask service
(`chat.service.GazetteService.ask`), turned into JSON once by `to_dict()` — the `/ask` body, `gazette ask --json`
and the SSE `card` event. Records keep the real `Clause` objects they were made from (`Citation.clause`), so the
prose verifier checks the clauses the answer was composed from; those objects are never serialised.
To add a field: add it here with a default, write it in `to_dict()`, and declare it in `chat.schemas`
(`tests/chat/test_records.py` fails until the HTTP schema and the JSON agree).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from index.clause import Clause, Fact
from retriever.answerability import Answerability

Verdict = Literal["answer", "partial", "refuse"]
FactRole = Literal["figure", "lead", "co", "deadline"]


@dataclass
class FactView:
    """One fact line of a citation in the answer language: a figure (with its `Fact`) or a lead/co-unit list."""

    text: str                         # as shown, e.g. "CNY 50,000 (5万元)" / "5万元" / "牵头单位：市人力社保局"
    role: FactRole = "figure"
    fact: Fact | None = None          # the figure it renders (None for unit lists)
    role_en: str | None = None        # English: what the figure is for ("premium subsidy, per product per year")

    @property
    def source(self) -> str | None:
        """The verbatim Chinese source span of a figure."""
        return self.fact.text if self.fact else None

    def to_json(self) -> str:
        return self.text

    def view(self) -> dict[str, Any]:
        """The figure with its role, for `fact_views` in the JSON: kind, source, Chinese role, English role, line."""
        f = self.fact
        return {"kind": f.kind if f else self.role, "text": f.text if f else None, "role": f.role if f else None,
                "role_en": self.role_en, "en": self.text}


@dataclass
class Citation:
    """One cited (or related) clause: bilingual citation, titles, verbatim quote, facts in the answer language."""

    n: int
    clause: Clause                    # the real clause (not serialised)
    lang: str
    quote: str
    citation: str                     # in the answer language
    citation_zh: str
    citation_en: str
    doc_number_en: str | None
    facts: list[FactView] = field(default_factory=list)
    provenance: dict[str, Any] | None = None   # who added the document, when, from which file (manifest)
    #: 款/项 quoted, document type/issuer/dates, date line, age note (`index.doc_notes.citation_extras`)
    document: dict[str, Any] = field(default_factory=dict)
    gloss_en: str | None = None              # English: labelled word-by-word gloss of the quote
    translation_en: str | None = None        # English: checked machine translation of the clause (cached)
    translation_withheld: str | None = None  # why a machine translation is not shown

    @property
    def id(self) -> str:
        return self.clause.id

    def to_dict(self) -> dict[str, Any]:
        c = self.clause
        return {
            "n": self.n, "id": c.id, "doc_number": c.doc_number, "doc_number_en": self.doc_number_en,
            "label": c.label, "label_en": c.label_en, "citation": self.citation,
            "citation_zh": self.citation_zh, "citation_en": self.citation_en,
            "title": c.doc_title, "title_en": c.doc_title_en, "kind": c.kind, "path": c.path,
            "quote": self.quote, "text": c.text, "facts": [f.to_json() for f in self.facts],
            "lead_units": c.lead_units, "deadline": c.deadline, "provenance": self.provenance, **self.document,
            "fact_views": [f.view() for f in self.facts if f.fact is not None],
            "gloss_en": self.gloss_en, "translation_en": self.translation_en,
            "translation_withheld": self.translation_withheld,
        }


@dataclass
class ProseVerdict:
    """What happened to the optional LLM prose: generated? verified? shown, or withheld and why."""

    backend: str = "none"
    used: bool = False
    verified: bool | None = None
    withheld_reason: str | None = None
    prose: str | None = None
    reasons: list[str] = field(default_factory=list)    # the verifier's reasons (not serialised)

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "used": self.used, "verified": self.verified,
                "withheld_reason": self.withheld_reason, "prose": self.prose}


@dataclass
class AnswerCard:
    """The answer to one question: composed from the clauses (never from LLM text), plus the prose verdict."""

    question: str
    language: str
    answered: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)
    llm: ProseVerdict = field(default_factory=ProseVerdict)
    query: str | None = None                       # the standalone query searched, when it differs
    answerability: Answerability | None = None
    glossary_terms: list[str] = field(default_factory=list)
    translation: str | None = None
    session_id: str | None = None
    elapsed_ms: float = 0.0

    @property
    def verdict(self) -> Verdict:
        """answer | partial | refuse, as the decision (`retriever.decision.decide`) gave it."""
        if self.answerability is not None:
            return self.answerability.verdict
        return "answer" if self.answered else "refuse"

    @property
    def confidence(self) -> float:
        """The decision's calibrated P(the documents answer the question), 0–1."""
        score = self.answerability.confidence if self.answerability else (1.0 if self.answered else 0.0)
        return round(min(max(score, 0.0), 1.0), 4)

    @property
    def clauses(self) -> dict[str, Clause]:
        """The cited clauses by `[n]` key, as the prose verifier reads them."""
        return {str(c.n): c.clause for c in self.citations}

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": self.answered, "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations], "related": [c.to_dict() for c in self.related],
            "llm": self.llm.to_dict(), "question": self.question, "language": self.language, "query": self.query,
            "answerability": self.answerability.to_dict() if self.answerability else None,
            "glossary_terms": self.glossary_terms, "translation": self.translation, "session_id": self.session_id,
            "elapsed_ms": self.elapsed_ms, "verdict": self.verdict, "confidence": self.confidence,
        }
