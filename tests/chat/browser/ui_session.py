"""Drive the Gazette Chat web UI in headless Debian chromium with selenium.

Used by tests/chat/test_ui_browser.py; also runnable by hand against a running server:

    .venv/bin/python tests/chat/browser/ui_session.py http://127.0.0.1:8000 tests/artifacts
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1600",
         "--lang=en-US"]


def browser_missing() -> str | None:
    """Why the browser test cannot run, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is not installed (run `bash .ci/system-deps.sh` as root)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    return None


@contextmanager
def chromium() -> Iterator[object]:
    """A headless chromium WebDriver with a fresh user-data-dir (removed afterwards)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gazette-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, timeout: float = 90.0, what: str = "condition"):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout, poll_frequency=0.25).until(condition, message=f"timed out waiting for {what}")


def open_ui(driver, base: str) -> None:
    from selenium.webdriver.common.by import By
    driver.get(base.rstrip("/") + "/ui/")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#gz-question textarea"), what="the question box")
    time.sleep(1.0)                                          # let the load event set the session and framing


def answers(driver) -> list:
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, "#gz-chat .gz-card")


def ask(driver, question: str, timeout: float = 90.0):
    """Type a question, press Enter, wait for the final card; returns the last answer element."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    before = len(driver.find_elements(By.CSS_SELECTOR, "#gz-chat .gz-card"))
    box = driver.find_element(By.CSS_SELECTOR, "#gz-question textarea")
    box.clear()
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#gz-chat .gz-card")) > before,
             timeout, what=f"the answer to {question!r}")
    time.sleep(0.5)
    return answers(driver)[-1]


def set_language(driver, label: str) -> None:
    """Click the language toggle option with this label (Auto / 自动, 中文, English)."""
    from selenium.webdriver.common.by import By
    for option in driver.find_elements(By.CSS_SELECTOR, "#gz-lang label"):
        if option.text.strip() == label:
            option.click()
            time.sleep(1.0)
            return
    raise AssertionError(f"no language option {label!r}")


def screenshot(driver, path: Path, element=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if element is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", element)
        time.sleep(0.3)
    driver.save_screenshot(str(path))
    return path


def main(base: str, out: str) -> None:
    """Ask the four example questions and save screenshots (manual check)."""
    from chat.ui import EXAMPLES
    out_dir = Path(out)
    with chromium() as driver:
        open_ui(driver, base)
        for i, q in enumerate(EXAMPLES):
            el = ask(driver, q)
            screenshot(driver, out_dir / f"manual-{i}.png", el)
            print(q, "→", el.text[:120].replace("\n", " "))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000",
         sys.argv[2] if len(sys.argv) > 2 else "tests/artifacts")
