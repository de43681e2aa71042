"""The department profiles in a real browser (Debian's chromium via Playwright, headless), opened from disk with
the network off: the index links every department, a department page draws its charts with Chinese labels in a CJK
font (fonts-noto-cjk, installed by tests/browser_setup.sh), a source link opens the report at its page. Screenshots:
build/screenshots/ (docs/ui.md shows ones from real reports: docs/profiles_screenshots.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, module_exists

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium"))
SHOTS = REPO / os.environ.get("GONGKAI_SCREENSHOTS", "build/screenshots")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

if not CHROMIUM.exists() or not module_exists("playwright"):
    pytest.skip(f"needs chromium at {CHROMIUM} and playwright (tests/browser_setup.sh)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser_page(e2e, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 1400}, offline=True)
            yield context.new_page(), e2e["warehouse"].parent / "site"
        finally:
            browser.close()


def test_profiles_render_from_disk_with_chinese_charts(browser_page):
    page, site = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto((site / "index.html").as_uri())
    page.get_by_text("辽宁省数据局").first.wait_for(state="visible")
    assert page.locator("a[href^='dept-']").count() >= 2
    page.screenshot(path=str(SHOTS / "profiles-index.png"), full_page=True)
    page.get_by_text("辽宁省数据局").first.click()
    page.get_by_text("基本支出与项目支出 — basic vs project expenditure").wait_for(state="visible")
    assert page.locator("svg rect").count() > 5
    # a CJK font is there: Chinese is drawn with glyphs, not boxes
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '部门支出')")
    page.screenshot(path=str(SHOTS / "profiles-department.png"), full_page=True)
    source = page.locator("figcaption a[href^='files/']").first
    href = source.get_attribute("href")
    source.click()
    page.wait_for_url(f"**/{href}")
    assert page.locator(f"section[id='{href.split('#')[1]}'] pre").inner_text().strip()  # the cited page's lines
