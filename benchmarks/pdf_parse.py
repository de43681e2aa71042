"""Benchmark: gongkai's PDF reader (read_pdf_document + read_pdf_tables) against bare pdfplumber extract_text.

Usage: .venv/bin/python benchmarks/pdf_parse.py [--runs N] [PDF ...]   (default: every PDF under /work/shared/corpus)
Prints per file: pages, ms/page for gongkai (document, document+tables), ms/page for pdfplumber page.extract_text(),
and the ratio (median of N runs each).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dagster_project"))

import pdfplumber  # noqa: E402

from gongkai.extract.pdf_document import MAX_PAGES, read_pdf  # noqa: E402
from gongkai.extract.pdf_tables import read_pdf_tables  # noqa: E402

CORPUS = Path("/work/shared/corpus")


def _bare(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages[:MAX_PAGES]
        for page in pages:
            page.extract_text()
            page.close()
        return len(pages)


def _ours(path: Path) -> tuple[float, float]:
    start = time.perf_counter()
    document, geometry = read_pdf(path)
    mid = time.perf_counter()
    read_pdf_tables(document, geometry=geometry)
    return mid - start, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    paths = args.paths or sorted(CORPUS.rglob("*.pdf"))
    print(f"{'file':40} {'pages':>5} {'doc ms/p':>9} {'+tables':>9} {'bare ms/p':>9} {'ratio':>6}")
    ratios = []
    for path in paths:
        bare, doc, full = [], [], []
        pages = 0
        for _ in range(args.runs):
            t = time.perf_counter()
            pages = _bare(path)
            bare.append(time.perf_counter() - t)
            d, f = _ours(path)
            doc.append(d)
            full.append(f)
        pages = max(pages, 1)
        b, d, f = (statistics.median(x) * 1000 / pages for x in (bare, doc, full))
        ratios.append(f / b)
        print(f"{path.name[:40]:40} {pages:5d} {d:9.1f} {f:9.1f} {b:9.1f} {f / b:6.2f}")
    if ratios:
        print(f"median ratio (document+tables / bare extract_text): {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
