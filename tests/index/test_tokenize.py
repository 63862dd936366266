"""The token cache of index/tokenize.py: same tokens as without it, callers cannot corrupt it, long texts skip it."""
from __future__ import annotations

import pytest

from index import tokenize
from index.tokenize import CACHE_CHARS, tokenize_zh

pytestmark = pytest.mark.unit


def test_cached_tokens_equal_fresh_ones_and_are_a_fresh_list_each_time():
    text = "企业招收博士后有什么资助"
    first = tokenize_zh(text)
    assert first == list(tokenize._tokens(text, True)) and "博士后" in first
    first.append("polluted")
    assert tokenize_zh(text) == list(tokenize._tokens(text, True))      # the cache did not see the append
    assert tokenize_zh("的企业", stopwords=False)[0] == "的"              # the stop-word flag is part of the key
    assert "的" not in tokenize_zh("的企业")


def test_long_texts_are_tokenised_without_being_kept():
    long = "重庆市支持企业技术创新。" * (CACHE_CHARS // 10 + 1)
    assert len(long) > CACHE_CHARS
    before = tokenize._cached.cache_info().currsize
    assert tokenize_zh(long) == list(tokenize._tokens(long, True))
    assert tokenize._cached.cache_info().currsize == before
