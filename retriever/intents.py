"""Question intents that point at a clause kind rather than at words: "when was it issued?", "what is its number?"

The issuing notice (通知) carries the document number, issuer and date, but shares little wording with such
questions; when the intent is present, the notices of the best-matching documents join the fusion as one more
ranked list.
"""
from __future__ import annotations

import re

_ISSUANCE = re.compile(
    r"印发|发文|文号|发布日期|成文日期|哪天(发布|出台)|哪个(部门|单位|机关)(发布|印发|制定)|"
    r"\b(issued?|issuing|issuance|promulgat\w*|document number|doc(ument)? no\.?|reference number|"
    r"date of (issue|publication)|published|released)\b",
    re.I,
)

#: Fusion weight of the notices' ranked list when the intent is present.
ISSUANCE_WEIGHT = 1.5


def asks_issuance(query: str) -> bool:
    """True when the question asks who issued a document, when, or under which number."""
    return bool(_ISSUANCE.search(query))
