"""Benchmark: the PDF reader (PDFium → characters, ruling paths) of a git revision (A) against the working tree's (B).

    python benchmarks/pdf_reader_ab.py [--against REV] [--runs N] [PDF ...]

A is ``pdf_chars``, ``pdf_paths``, ``pdf_path_points`` and ``pdfium_calls`` as at REV (default: main; a module REV
did not have is B's), imported from a temporary copy; B is the working tree's. Each reads every page of every PDF
(default: the corpus PDFs of ``pdf_pages``) from a fresh open, the two alternating file by file and round after
round, so a busy machine slows them alike; the figure is the CPU time of this process per page, with the load
average. Before timing, every page's output (each character's
text, box, baseline, size and font; each path; the images; the pages left to pdfminer) is compared: a change
meant to be a pure speed-up must print ``identical: yes``.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import REPO, loadavg  # noqa: E402
from pdf_pages import default_pdfs  # noqa: E402

from gongkai.extract import pdf_chars  # noqa: E402
from gongkai.extract.pdf_document import MAX_PAGES  # noqa: E402

READER = ("pdf_chars", "pdf_paths", "pdf_path_points", "pdfium_calls")


def reader_at(revision: str, folder: Path):
    """The reader module as at ``revision``, as package ``reader_a`` in ``folder``."""
    package = folder / "reader_a"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in READER:
        shown = subprocess.run(["git", "show", f"{revision}:dagster_project/gongkai/extract/{name}.py"], cwd=REPO,
                               capture_output=True, text=True)
        if shown.returncode:  # a module the reader did not have then
            continue
        source = shown.stdout
        for other in READER:
            source = source.replace(f"from gongkai.extract import {other}", f"from reader_a import {other}")
            source = source.replace(f"from gongkai.extract.{other} import", f"from reader_a.{other} import")
        (package / f"{name}.py").write_text(source)
    sys.path.insert(0, str(folder))
    return importlib.import_module("reader_a.pdf_chars")


def read_all(module, data: bytes, name: str) -> tuple[int, list, list[int]]:
    reader = module.PdfiumReader(data, name)
    try:
        pages = [reader.read_page(index) for index in range(min(len(reader), MAX_PAGES))]
        return len(pages), pages, reader.fallback_pages
    finally:
        reader.close()


def _shape(pages: list) -> list:
    return [(page.width, page.height, page.images,
             [(c.text, c.x0, c.x1, c.top, c.bottom, c.baseline, c.size, c.font) for c in page.chars],
             [(p.kind, p.x0, p.x1, p.top, p.bottom) for p in page.paths]) for page in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--against", default="main", help="the git revision of reader A (default: main)")
    parser.add_argument("--runs", type=int, default=3, help="rounds (each reader once per file per round)")
    args = parser.parse_args()
    paths = args.paths or default_pdfs()
    files = [(path.read_bytes(), path.name) for path in paths]
    with tempfile.TemporaryDirectory() as folder:
        readers = {"A": reader_at(args.against, Path(folder)), "B": pdf_chars}
        different = []
        for data, name in files:  # the outputs compared (and both readers warmed up)
            (_, pages_a, fallback_a), (_, pages_b, fallback_b) = (read_all(m, data, name) for m in readers.values())
            if _shape(pages_a) != _shape(pages_b) or fallback_a != fallback_b:
                different.append(name)
        load_before = loadavg()
        cpu = dict.fromkeys(readers, 0.0)
        pages = 0
        for round_ in range(args.runs):
            for data, name in files:
                for key in ("A", "B") if round_ % 2 == 0 else ("B", "A"):
                    start = time.process_time()
                    count, _, _ = read_all(readers[key], data, name)
                    cpu[key] += time.process_time() - start
                pages += count
    a, b = (cpu[key] * 1000 / max(pages, 1) for key in ("A", "B"))
    print(f"reader A ({args.against}) against B (working tree): {len(files)} PDFs, {pages // max(args.runs, 1)} pages, "
          f"{args.runs} rounds, load {load_before} → {loadavg()}")
    print(f"CPU ms/page: A {a:.2f}, B {b:.2f}; B/A {b / a:.3f}" if a else "no pages")
    print("identical: yes" if not different else f"identical: NO ({', '.join(different)})")


if __name__ == "__main__":
    main()
