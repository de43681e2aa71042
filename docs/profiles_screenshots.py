"""Regenerate the department-profile screenshots of docs/ui.md from a warehouse built from a folder of reports.

    .venv/bin/python docs/profiles_screenshots.py REPORTS_DIR [--out docs]

Copies every report file under REPORTS_DIR (recursively) into a temporary raw folder, runs ``gongkai run`` and
``gongkai report`` there, then opens the site in Debian's chromium (headless, offline; tests/browser_setup.sh
installs it) and writes, full page: profiles-index.png, profiles-department.png (the department page with the most
charts) and profiles-budget-vs-final.png (a department with a budget and a final of the same year, when there is one).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = Path(os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
REPORT_SUFFIXES = (".pdf", ".txt")


def _gongkai(*args: str) -> None:
    subprocess.run([str(Path(sys.executable).with_name("gongkai")), *args], check=True)


def _pick_pages(site: Path) -> dict[str, Path]:
    """profiles-department: the page with the most figures; profiles-budget-vs-final: one whose reports table has a
    budget and a final of one year and draws them."""
    pages = {p: p.read_text(encoding="utf-8") for p in sorted(site.glob("dept-*.html"))}
    picked = {"profiles-department": max(pages, key=lambda p: pages[p].count("<figure>"))}
    for path, html in pages.items():
        years = re.findall(r"<tr><td>(\d{4})</td><td>(预算|决算)</td>", html)
        both = {y for y, k in years if k == "预算"} & {y for y, k in years if k == "决算"}
        if both and "budget vs final" in html:
            picked["profiles-budget-vs-final"] = path
            break
    return picked


def screenshots(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    shots = {"profiles-index": site / "index.html", **_pick_pages(site)}
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True).new_page()
            for name, path in shots.items():
                page.goto(path.as_uri())
                page.wait_for_load_state("load")
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
        finally:
            browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, help="folder of report files (searched recursively)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-shots-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for path in sorted(args.reports.rglob("*")):
            if path.is_file() and path.suffix.lower() in REPORT_SUFFIXES:
                shutil.copy(path, raw / path.name)
        warehouse, site = Path(tmp) / "warehouse" / "gongkai.duckdb", Path(tmp) / "site"
        _gongkai("run", "--raw", str(raw), "--warehouse", str(warehouse))
        _gongkai("report", "--warehouse", str(warehouse), "--raw", str(raw), "--out", str(site))
        for path in screenshots(site, args.out):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
