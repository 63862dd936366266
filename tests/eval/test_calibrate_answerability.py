"""Training the answer decision: thresholds per language at a false-refusal limit (unit tests on hand-made cases)."""
from __future__ import annotations

import numpy as np
import pytest

from eval.calibrate_answerability import Case, per_language_thresholds, pick_threshold, summarise

pytestmark = pytest.mark.unit


def case(qid: str, lang: str, answerable: bool) -> Case:
    return Case(qid, lang, answerable, {"g"} if answerable else set(), [{}], [int(answerable)], None, [], None, False)


def test_each_language_gets_the_highest_cut_within_its_false_refusal_limit():
    # zh separates well (answerable ≥ 0.6, out of corpus ≤ 0.3); en overlaps (answerable down to 0.2)
    cases = ([case(f"z{i}", "zh", True) for i in range(10)] + [case(f"zo{i}", "zh", False) for i in range(10)]
             + [case(f"e{i}", "en", True) for i in range(10)] + [case(f"eo{i}", "en", False) for i in range(10)])
    probs = np.array([0.6 + i / 50 for i in range(10)] + [0.1 + i / 50 for i in range(10)]
                     + [0.2 + i / 20 for i in range(10)] + [0.1 + i / 30 for i in range(10)])
    cuts = per_language_thresholds(cases, probs, 0.0)
    assert cuts["zh"] == pytest.approx(0.6, abs=1e-3) and cuts["en"] == pytest.approx(0.2, abs=1e-3)
    one = pick_threshold(probs, np.array([int(c.answerable) for c in cases]), 0.0)
    best = [0] * len(cases)
    split, single = summarise(cases, probs, best, cuts), summarise(cases, probs, best, one)
    assert split["zh"]["answerable_refused"] == single["zh"]["answerable_refused"] == 0.0
    assert split["zh"]["ooc_refused"] == 1.0 > single["zh"]["ooc_refused"]     # zh no longer pays for en's overlap
    assert split["en"] == single["en"]
