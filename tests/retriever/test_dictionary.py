"""CC-CEDICT lookups (`retriever.dictionary`): entries read once, senses cleaned on lookup."""
from __future__ import annotations

import pytest

from retriever.dictionary import clean_sense, default_dictionary

pytestmark = pytest.mark.unit


def test_lookup_gives_the_first_usable_sense() -> None:
    d = default_dictionary()
    assert d.available
    assert d.lookup("知识产权") == "intellectual property rights"
    assert d.lookup("补贴") == "subsidize"            # "to subsidize": the leading "to " is dropped
    assert d.lookup("台") is None                     # single characters come from the curated list
    assert d.lookup("不存在的词语") is None


def test_longest_prefers_the_longer_word() -> None:
    assert default_dictionary().longest("申请知识产权保护", 2) == (4, "intellectual property rights")
    assert default_dictionary().longest("申请知识产权保护", 1) is None


def test_clean_sense_skips_classifiers_and_cross_references() -> None:
    assert clean_sense(["CL:個|个[ge4]", "variant of 補貼|补贴", "to subsidize (fig.)"]) == "subsidize"
    assert clean_sense(["see 补贴[bu3 tie1]"]) is None
