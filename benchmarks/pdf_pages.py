"""Benchmark: pages/s on the real PDFs, against pdfplumber's bare extract_text, and what pypdfium2 would give.

    python benchmarks/pdf_pages.py [PDF ...] [--runs N] [--profile]

Default PDFs: raw/*.pdf and /work/shared/corpus/**/*.pdf (when present), de-duplicated by content. Per file (median
of N runs, CPU time of this process, so a busy shared machine inflates wall but not CPU):

- ``gongkai``: the whole parse (parse_file: read_pdf → lines + geometry, tables, narrative, checks)
- ``read_pdf``: gongkai's page reader only (page.chars + page.objects → lines, words, rules)
- ``plumber chars``: pdfplumber ``page.chars`` + ``page.objects`` only — pdfminer's layout + pdfplumber's
  conversion, the floor for any reader built on pdfplumber
- ``bare``: pdfplumber ``page.extract_text()`` — the reference (target: gongkai ≤ 1.3× bare)
- ``pdfium``: pypdfium2 (already installed with pdfplumber): every char's text, box and font size + every path
  object's bounds (the rules) — the same inputs gongkai's reader uses, from PDFium (C++) instead of pdfminer

``--profile`` prints where read_pdf's CPU goes by package (pdfminer / pdfplumber / gongkai / other).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import REPO, Row, format_table, machine_line, record  # noqa: E402

CORPUS = Path("/work/shared/corpus")
RATIO_TARGET = 1.3


def default_pdfs() -> list[Path]:
    found, seen = [], set()
    for path in sorted((REPO / "raw").glob("*.pdf")) + sorted(CORPUS.rglob("*.pdf")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            found.append(path)
    return found


def _bare(data: bytes, max_pages: int) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages[:max_pages]
        for page in pages:
            page.extract_text()
            page.close()
        return len(pages)


def _plumber_chars(data: bytes, max_pages: int) -> int:
    import pdfplumber

    n = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[:max_pages]:
            n += len(page.chars)
            page.objects  # noqa: B018 - lines and rects, as gongkai's reader asks for them
            page.close()
    return n


def _pdfium(data: bytes, max_pages: int) -> int:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    n = 0
    pdf = pdfium.PdfDocument(data)
    try:
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            text = page.get_textpage()
            count = text.count_chars()
            chars = text.get_text_range()
            boxes = [text.get_charbox(i) for i in range(count)]
            sizes = [raw.FPDFText_GetFontSize(text.raw, i) for i in range(count)]
            rules = [obj.get_bounds() for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH])]
            n += len(chars) + len(boxes) + len(sizes) + len(rules) * 0
            text.close()
            page.close()
    finally:
        pdf.close()
    return n


def _median(function, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        c, t = time.process_time(), time.perf_counter()
        function()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def profile_by_package(path: Path) -> dict[str, float]:
    from gongkai.extract.pdf_document import read_pdf

    profiler = cProfile.Profile()
    profiler.enable()
    read_pdf(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    out: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = ("pdfminer" if "/pdfminer/" in filename else "pdfplumber" if "/pdfplumber/" in filename
               else "gongkai" if "/gongkai/" in filename else "other")
        out[key] = out.get(key, 0.0) + tottime
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from gongkai.extract.parser import parse_file
    from gongkai.extract.pdf_document import MAX_PAGES, read_pdf

    paths = args.paths or default_pdfs()
    print(machine_line())
    print(f"{'file':38} {'pages':>5} | CPU ms/page: {'gongkai':>8} {'read_pdf':>8} {'plumber':>8} {'bare':>8} "
          f"{'pdfium':>7} | {'ratio':>5} {'pdfium×':>7}")
    totals = {k: [0.0, 0.0] for k in ("gongkai", "read_pdf", "chars", "bare", "pdfium")}
    all_pages = 0
    ratios = []
    for path in paths:
        data = path.read_bytes()
        pages = _bare(data, MAX_PAGES)
        measured = {
            "gongkai": _median(lambda: parse_file(path), args.runs),
            "read_pdf": _median(lambda: read_pdf(path), args.runs),
            "chars": _median(lambda: _plumber_chars(data, MAX_PAGES), args.runs),
            "bare": _median(lambda: _bare(data, MAX_PAGES), args.runs),
            "pdfium": _median(lambda: _pdfium(data, MAX_PAGES), args.runs),
        }
        all_pages += pages
        for key, (wall, cpu) in measured.items():
            totals[key][0] += wall
            totals[key][1] += cpu
        per = {k: v[1] * 1000 / max(pages, 1) for k, v in measured.items()}
        ratio = per["gongkai"] / per["bare"]
        ratios.append(ratio)
        print(f"{path.name[:38]:38} {pages:5d} | {'':12} {per['gongkai']:8.1f} {per['read_pdf']:8.1f} "
              f"{per['chars']:8.1f} {per['bare']:8.1f} {per['pdfium']:7.1f} | {ratio:5.2f} "
              f"{per['bare'] / per['pdfium']:7.1f}")
    rows = []
    if all_pages:
        for key, label in (("gongkai", "gongkai parse_file"), ("read_pdf", "read_pdf only"),
                           ("chars", "pdfplumber chars+objects"), ("bare", "pdfplumber extract_text"),
                           ("pdfium", "pypdfium2 chars+boxes+paths")):
            wall, cpu = totals[key]
            rows.append(Row(f"pdf ({len(paths)} files, {all_pages} pages)", f"{label}: pages/s (CPU)",
                            all_pages / cpu, "p/s", cpu=f"{cpu * 1000 / all_pages:.1f} ms/p",
                            load="") )
            rows[-1].load = __import__("_lib").loadavg()
        overall = totals["gongkai"][1] / totals["bare"][1]
        rows.append(Row(f"pdf ({len(paths)} files, {all_pages} pages)", "ratio gongkai / bare extract_text (CPU)",
                        overall, "×", f"≤ {RATIO_TARGET}", overall <= RATIO_TARGET))
        rows.append(Row(f"pdf ({len(paths)} files, {all_pages} pages)", "ratio plumber chars / bare (floor)",
                        totals["chars"][1] / totals["bare"][1], "×"))
        rows.append(Row(f"pdf ({len(paths)} files, {all_pages} pages)", "ratio pdfium / bare",
                        totals["pdfium"][1] / totals["bare"][1], "×"))
    if args.profile and paths:
        split = profile_by_package(paths[0])
        total = sum(split.values())
        print(f"read_pdf CPU by package on {paths[0].name} (cProfile, inflated): "
              + ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(split.items(), key=lambda kv: -kv[1])))
    record(rows, script="pdf_pages")
    print(format_table(rows))


if __name__ == "__main__":
    main()
