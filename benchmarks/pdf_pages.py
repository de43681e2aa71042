"""Benchmark: pages/s on the real PDFs: gongkai's reader (PDFium) against pdfplumber's bare extract_text.

    python benchmarks/pdf_pages.py [PDF ...] [--runs N] [--profile]

Default PDFs: raw/*.pdf and /work/shared/corpus/**/*.pdf (when present), de-duplicated by content. Every measure
runs once per file per round, the measures alternating file by file and round after round (``--runs`` rounds), so a
busy shared machine slows them alike; CPU time of this process, summed over the rounds:

- ``gongkai``: the whole parse (parse_file: read_pdf → lines + geometry, tables, narrative, checks)
- ``read_pdf``: gongkai's page reader only (PDFium characters and paths → lines, words, rules; pages PDFium cannot
  read as pdfminer does are read with pdfminer)
- ``plumber chars``: pdfplumber ``page.chars`` + ``page.objects`` only (the reader before PDFium)
- ``bare``: pdfplumber ``page.extract_text()`` — the reference (target: read_pdf ≥ 8× faster)
- ``pdfium``: pypdfium2's raw inputs alone (every char's text, box and font size + every path's bounds)

Per file, and per kind (the folder: budget, final, …), with the pages the PDFium reader leaves to pdfminer.

``--profile`` prints where read_pdf's CPU goes by package (pypdfium2 / pdfminer / pdfplumber / gongkai / other).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import REPO, Row, format_table, machine_line, record  # noqa: E402

CORPUS = Path("/work/shared/corpus")
SPEEDUP_TARGET = 8.0  # read_pdf at least this many times faster than bare extract_text


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


def _fallback_pages(data: bytes, name: str, max_pages: int) -> list[int]:
    """The pages the PDFium reader leaves to pdfminer (read once, outside the measures)."""
    from gongkai.extract.pdf_chars import PdfiumReader

    reader = PdfiumReader(data, name)
    try:
        for index in range(min(len(reader), max_pages)):
            reader.read_page(index)
        return reader.fallback_pages
    finally:
        reader.close()


def _cpu(function) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


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
               else "pypdfium2" if "/pypdfium2/" in filename
               else "gongkai" if "/gongkai/" in filename else "other")
        out[key] = out.get(key, 0.0) + tottime
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="rounds (each measure once per file per round)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from gongkai.extract.parser import parse_file
    from gongkai.extract.pdf_document import MAX_PAGES, read_pdf

    paths = args.paths or default_pdfs()
    print(machine_line())
    data = {path: path.read_bytes() for path in paths}
    pages = {path: _bare(data[path], MAX_PAGES) for path in paths}
    fallback = {path: _fallback_pages(data[path], path.name, MAX_PAGES) for path in paths}
    measures = {
        "gongkai": lambda p: parse_file(p),
        "read_pdf": lambda p: read_pdf(p, data[p]),
        "chars": lambda p: _plumber_chars(data[p], MAX_PAGES),
        "bare": lambda p: _bare(data[p], MAX_PAGES),
        "pdfium": lambda p: _pdfium(data[p], MAX_PAGES),
    }
    cpu = {path: dict.fromkeys(measures, 0.0) for path in paths}
    for _ in range(args.runs):
        for path in paths:
            for key, function in measures.items():
                cpu[path][key] += _cpu(lambda: function(path))
    print(f"{'file':38} {'pages':>5} | CPU ms/page: {'gongkai':>8} {'read_pdf':>8} {'plumber':>8} {'bare':>8} "
          f"{'pdfium':>7} | bare/read_pdf | pages by pdfminer")
    for path in paths:
        per = {k: v * 1000 / args.runs / max(pages[path], 1) for k, v in cpu[path].items()}
        print(f"{path.name[:38]:38} {pages[path]:5d} | {'':12} {per['gongkai']:8.1f} {per['read_pdf']:8.1f} "
              f"{per['chars']:8.1f} {per['bare']:8.1f} {per['pdfium']:7.1f} | {per['bare'] / per['read_pdf']:6.1f}× "
              f"| {fallback[path] or ''}")
    for kind in sorted({path.parent.name for path in paths}):
        group = [path for path in paths if path.parent.name == kind]
        n = sum(pages[path] for path in group) * args.runs
        read, bare = (sum(cpu[path][key] for path in group) for key in ("read_pdf", "bare"))
        print(f"{kind}: {len(group)} files, {n // args.runs} pages ({sum(len(fallback[p]) for p in group)} by "
              f"pdfminer): read_pdf {read * 1000 / n:.1f} ms/page, bare {bare * 1000 / n:.1f}, {bare / read:.2f}×")
    all_pages = sum(pages.values()) * args.runs
    totals = {k: sum(cpu[p][k] for p in paths) for k in measures}
    label = (f"pdf ({len(paths)} files, {sum(pages.values())} pages, {sum(map(len, fallback.values()))} by pdfminer, "
             f"{args.runs} rounds)")
    rows = []
    if all_pages:
        for key, name in (("gongkai", "gongkai parse_file"), ("read_pdf", "read_pdf (PDFium)"),
                          ("chars", "pdfplumber chars+objects"), ("bare", "pdfplumber extract_text"),
                          ("pdfium", "pypdfium2 raw inputs")):
            rows.append(Row(label, f"{name}: pages/s (CPU)", all_pages / totals[key], "p/s",
                            cpu=f"{totals[key] * 1000 / all_pages:.1f} ms/p"))
        speedup = totals["bare"] / totals["read_pdf"]
        rows.append(Row(label, "speed-up read_pdf vs bare extract_text (CPU)", speedup, "×", f"≥ {SPEEDUP_TARGET:g}",
                        speedup >= SPEEDUP_TARGET))
        rows.append(Row(label, "speed-up gongkai parse_file vs bare extract_text (CPU)",
                        totals["bare"] / totals["gongkai"], "×"))
    if args.profile and paths:
        split = profile_by_package(paths[0])
        total = sum(split.values())
        print(f"read_pdf CPU by package on {paths[0].name} (cProfile, inflated): "
              + ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(split.items(), key=lambda kv: -kv[1])))
    record(rows, script="pdf_pages")
    print(format_table(rows))


if __name__ == "__main__":
    main()
