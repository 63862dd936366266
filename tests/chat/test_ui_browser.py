"""The web UI in a real browser: headless Debian chromium driven by selenium against a `gazette serve` process.

Screenshots go to tests/artifacts/ (git-ignored). Skipped only when chromium/chromedriver/selenium are absent.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from conftest import start_gazette_server, stop_server  # noqa: E402
from ui_session import ask, browser_missing, chromium, open_ui, screenshot, set_language  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def server(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `gazette serve` over the sample index (no LLM), started on a free port."""
    proc, base = start_gazette_server(sample_index, tmp_path_factory.mktemp("ui") / "server.log")
    try:
        yield base
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def driver(server: str) -> Iterator[object]:
    with chromium() as d:
        open_ui(d, server)
        yield d


def test_chinese_question_shows_citation_and_quote(driver) -> None:
    from selenium.webdriver.common.by import By

    screenshot(driver, ARTIFACTS / "ui-0-start.png")
    answer = ask(driver, "企业招收博士后有什么资助？")
    sources = answer.find_elements(By.CSS_SELECTOR, ".gz-sources details.gz-src")
    assert sources, answer.get_attribute("innerHTML")
    wanted = [s for s in sources if "渝府办发〔2024〕22号 三、（六）" in s.find_element(By.CSS_SELECTOR, ".gz-cite").text]
    assert wanted, [s.text for s in sources]
    src = wanted[0]
    assert "5万元" in src.find_element(By.CSS_SELECTOR, ".gz-quote").text
    assert src.find_element(By.CSS_SELECTOR, ".gz-title").text.startswith("重庆市人民政府办公厅")
    assert not src.find_element(By.CSS_SELECTOR, ".gz-full").is_displayed()
    src.find_element(By.TAG_NAME, "summary").click()                     # expand to the full clause
    full = src.find_element(By.CSS_SELECTOR, ".gz-full")
    assert full.is_displayed() and "国家级博士后工作站" in full.text
    assert "来源" in answer.text                                          # Chinese framing for a Chinese answer
    screenshot(driver, ARTIFACTS / "ui-1-zh-answer.png", answer)


def test_english_question_shows_english_citation(driver) -> None:
    from selenium.webdriver.common.by import By

    answer = ask(driver, "How much funding does a company get for each postdoc it recruits?")
    cites = [e.text for e in answer.find_elements(By.CSS_SELECTOR, ".gz-sources .gz-cite")]
    assert "Yu Fu Ban Fa [2024] No. 22, Part III (6)" in cites, cites
    assert "CNY 50,000" in answer.find_element(By.CSS_SELECTOR, ".gz-text").text
    assert "Sources" in answer.text or "SOURCES" in answer.text
    screenshot(driver, ARTIFACTS / "ui-2-en-answer.png", answer)


def test_refusal_is_shown_as_such(driver) -> None:
    from selenium.webdriver.common.by import By

    answer = ask(driver, "住房公积金缴存比例是多少？")
    banner = answer.find_element(By.CSS_SELECTOR, ".gz-banner.gz-refused")
    assert "文件中未找到答案" in banner.text
    assert answer.find_elements(By.CSS_SELECTOR, ".gz-related")          # related clauses, marked as not an answer
    screenshot(driver, ARTIFACTS / "ui-3-zh-refused.png", answer)
    answer = ask(driver, "What is the housing provident fund contribution rate?")
    assert "Not in these documents" in answer.find_element(By.CSS_SELECTOR, ".gz-refused").text
    screenshot(driver, ARTIFACTS / "ui-4-en-refused.png", answer)


def test_markup_in_a_question_is_escaped(driver) -> None:
    from selenium.webdriver.common.by import By

    ask(driver, 'What about <img src="x" onerror="window.gzPwned=1"> <b>bold</b> subsidies?')
    chat = driver.find_element(By.ID, "gz-chat")
    assert not chat.find_elements(By.TAG_NAME, "img")
    assert '<img src="x"' in chat.text and "<b>bold</b>" in chat.text
    assert driver.execute_script("return window.gzPwned === undefined")


def test_language_toggle_changes_the_framing(driver) -> None:
    from selenium.webdriver.common.by import By

    set_language(driver, "中文")
    box = driver.find_element(By.CSS_SELECTOR, "#gz-question textarea")
    assert "用中文或英文提问" in box.get_attribute("placeholder")
    assert driver.find_element(By.ID, "gz-send").text == "提问"
    assert "政府公报问答" in driver.find_element(By.CSS_SELECTOR, ".gz-header").text
    answer = ask(driver, "Who leads task 149 and by when?")              # English question, Chinese answer
    assert "来源" in answer.text and "市人力社保局" in answer.text
    screenshot(driver, ARTIFACTS / "ui-5-zh-toggle.png", answer)
    set_language(driver, "English")
    assert driver.find_element(By.ID, "gz-send").text == "Ask"
    assert "Gazette Chat" in driver.find_element(By.CSS_SELECTOR, ".gz-header").text
