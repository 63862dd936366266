"""Fixtures shared by the glossary tests: the default glossary, and the 100 regulations' text to tell which one a
question's Chinese terms pick out (no model)."""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from eval.regulation_terms import load_corpus
from retriever.glossary import Glossary, _norm_zh

REGULATIONS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "chongqing-regulations"


@pytest.fixture(scope="session")
def gloss() -> Glossary:
    return Glossary.load()


@pytest.fixture(scope="session")
def regs() -> dict[str, str]:
    """Regulation title → its whole text, normalised as the glossary matches it."""
    return {t: _norm_zh(x) for t, x in load_corpus(REGULATIONS).items()}


@pytest.fixture(scope="session")
def regulation_of(regs: dict[str, str]) -> Callable[[list[str]], str]:
    """The regulation whose text holds a question's Chinese terms best (idf × log tf, summed: BM25 in small)."""
    n = len(regs)

    def best(terms: list[str]) -> str:
        df = {t: sum(t in x for x in regs.values()) for t in terms}

        def score(text: str) -> float:
            return sum(math.log(n / df[t]) * math.log1p(text.count(t)) for t in terms if df[t])

        return max(regs, key=lambda title: score(regs[title]))

    return best


@pytest.fixture(scope="session")
def reaches(gloss: Glossary, regs: dict[str, str],
            regulation_of: Callable[[list[str]], str]) -> Callable[[str, str, str], None]:
    """Check that an English question expands to `term` and its Chinese terms pick out the regulation `title`."""
    def check(question: str, term: str, title: str) -> None:
        terms = gloss.expand_english(question)
        assert term in terms, terms
        assert title in regs, title
        assert regulation_of(terms) == title, terms

    return check
