"""Benchmark: N real-size PDF reports end to end — empty warehouse → every mart and check, `gongkai run`'s way —
with the pdfplumber reader's figure beside it (issue 14 item 5; target: 1,000 reports < 4 min on 2 cores).

    python benchmarks/real_pdfs.py [--reports 50 1000] [--baseline-files 8]

The reports are copies of the real PDFs of /work/shared/corpus (final/ and budget/; the blank template is not a
report), taken in turn, each copy made distinct by pdf_copies.py (another department's name in its text: a
different sha256, report identity and content fingerprint; the same pages, tables and numbers). They are written
once to $GONGKAI_BENCH_DIR/raw-pdf-N/. The run is end_to_end.py's: `run_pipeline()` in a fresh child process
(parse in a child process per file, as `gongkai run` does), measured wall, CPU of the whole process tree, the
Dagster steps, pages/s.

Baseline, side by side: before the run, the same `parse_file` on one copy of each of ``--baseline-files`` sources
(spread over the corpus by size), once with the PDFium reader and once with the pdfplumber reader (the reader before
PDFium), alternating file by file, CPU of this process. The pdfplumber figures for the run are extrapolated: wall =
the run's wall with its parse step × (pdfplumber CPU / PDFium CPU on the sample); CPU = the run's CPU + its pages ×
(pdfplumber − PDFium CPU per page on the sample). On a shared machine the CPU figures are the ones to compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import BENCH_DIR, Row, format_table, loadavg, machine_line, record, speed_ms  # noqa: E402
from end_to_end import pipeline_run, rows_for, stage_split  # noqa: E402
from pdf_copies import Renamer, plan_copies, replacements  # noqa: E402

CORPUS = Path("/work/shared/corpus")
TARGET_S = {1000: 240.0}


def sources() -> list[tuple[Path, str, str]]:
    """(file, department, the character its copies rename) of every real PDF report that can be copied; the plan is
    kept in $GONGKAI_BENCH_DIR/real-pdfs.plan.json (by sha256)."""
    plan_file = BENCH_DIR / "real-pdfs.plan.json"
    plan = json.loads(plan_file.read_text()) if plan_file.exists() else {}
    found = []
    for path in sorted(CORPUS.glob("final/*.pdf")) + sorted(CORPUS.glob("budget/*.pdf")):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if sha not in plan:
            planned = plan_copies(path)
            plan[sha] = list(planned) if planned else None
            if planned is None:
                print(f"note: {path.name}: no character of its department's name renames cleanly; not copied",
                      file=sys.stderr)
        if plan[sha]:
            found.append((path, *plan[sha]))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    plan_file.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    return found


def corpus(n: int, planned: list[tuple[Path, str, str]]) -> tuple[Path, int]:
    """raw-pdf-N/: N distinct copies (the sources in turn) and their total page count."""
    import pypdfium2 as pdfium

    pages = {path: len(pdfium.PdfDocument(path)) for path, _, _ in planned}
    raw = BENCH_DIR / f"raw-pdf-{n}"
    names = []
    marks = replacements((n + len(planned) - 1) // len(planned))
    for i in range(n):
        path, _department, char = planned[i % len(planned)]
        names.append((path, char, marks[i // len(planned)], f"{path.stem}~{i // len(planned):03d}.pdf"))
    if not (raw.exists() and sorted(p.name for p in raw.glob("*.pdf")) == sorted(name for *_, name in names)):
        raw.mkdir(parents=True, exist_ok=True)
        for old in raw.glob("*"):
            old.unlink()
        t = time.perf_counter()
        renamers = {path: Renamer(path.read_bytes(), char) for path, _, char in planned}
        for path, _char, mark, name in names:
            (raw / name).write_bytes(renamers[path].copy(mark))
        print(f"wrote {n} copies in {time.perf_counter() - t:.1f} s → {raw}", file=sys.stderr)
    return raw, sum(pages[path] for path, *_ in names)


def baseline(planned: list[tuple[Path, str, str]], files: int) -> dict[str, float]:
    """CPU seconds and pages of parse_file with each reader on ``files`` sources spread by size, alternating."""
    import gongkai.extract.pdf_document as pdf_document
    from gongkai.extract.parser import parse_file
    from gongkai.extract.pdf_plumber import PdfplumberReader

    by_size = sorted((path for path, _, _ in planned), key=lambda p: p.stat().st_size)
    step = max(1, len(by_size) // max(1, files))
    sample = by_size[::step][:files]
    pdfium_open = pdf_document.open_pdf
    cpu = {"pdfium": 0.0, "pdfplumber": 0.0}
    pages = 0
    for path in sample:
        for reader, opener in (("pdfium", pdfium_open), ("pdfplumber", PdfplumberReader)):
            pdf_document.open_pdf = opener
            try:
                start = time.process_time()
                report = parse_file(path)
                cpu[reader] += time.process_time() - start
            finally:
                pdf_document.open_pdf = pdfium_open
        pages += len(report.pages)
    return {**cpu, "pages": pages, "files": len(sample)}


def bench(n: int, planned: list[tuple[Path, str, str]], base: dict[str, float]) -> list[Row]:
    raw, pages = corpus(n, planned)
    work = BENCH_DIR / f"wh-pdf-{n}"
    if work.exists():
        import shutil

        shutil.rmtree(work)
    work.mkdir(parents=True)
    speed = speed_ms()
    info, proc = pipeline_run(raw, work / "gongkai.duckdb", f"real PDFs n={n}")
    label = f"real PDFs n={n}"
    rows = rows_for(n, "real PDFs", info, proc, work / "gongkai.duckdb", TARGET_S.get(n))
    reports = info["reports"]
    rows.append(Row(label, "reports loaded/failed/skipped",
                    f"{reports.get('loaded', 0)}/{reports.get('failed', 0)}/{reports.get('skipped', 0)}"))
    load = f"{proc.load_before} → {proc.load_after.split('/')[0]}"
    rows.append(Row(label, f"pages/s ({pages:,} pages), wall", pages / proc.wall, "p/s",
                    cpu=f"{proc.cpu * 1000 / pages:.1f} ms/p CPU", load=load))
    parse = stage_split(info["steps"])["parse"]
    ratio = base["pdfplumber"] / base["pdfium"]
    rows.append(Row(label, "parse step, pdfplumber reader (extrapolated: × sample ratio)", parse * ratio, "s",
                    cpu=f"measured {parse:.0f} s × {ratio:.2f}"))
    rows.append(Row(label, "wall, pdfplumber reader (extrapolated)", proc.wall - parse + parse * ratio, "s",
                    load=load))
    extra = pages * (base["pdfplumber"] - base["pdfium"]) / base["pages"]
    rows.append(Row(label, "CPU, pdfplumber reader (extrapolated: + pages × sample's CPU/page difference)",
                    proc.cpu + extra, "s", cpu=f"measured {proc.cpu:.0f} s + {extra:.0f} s"))
    rows.append(Row(label, "machine speed before (lower: faster)", speed, "ms"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[50])
    parser.add_argument("--baseline-files", type=int, default=8,
                        help="sources parsed with both readers for the baseline ratio")
    args = parser.parse_args()
    print(machine_line(), flush=True)
    planned = sources()
    if not planned:
        raise SystemExit(f"no real PDF report under {CORPUS}")
    load = loadavg()
    base = baseline(planned, args.baseline_files)
    label = f"parse_file, {base['files']:.0f} real PDFs ({base['pages']:.0f} pages)"
    rows = [Row(label, f"{reader} reader: CPU ms/page", base[reader] * 1000 / base["pages"], "ms",
                load=f"{load} → {loadavg().split('/')[0]}") for reader in ("pdfium", "pdfplumber")]
    rows.append(Row(label, "pdfplumber / PDFium (CPU)", base["pdfplumber"] / base["pdfium"], "×"))
    print(format_table(rows), flush=True)
    for n in args.reports:
        size_rows = bench(n, planned, base)
        record(size_rows, script="real_pdfs", reports=n)
        rows += size_rows
        print(format_table(size_rows), flush=True)
    record(rows[:3], script="real_pdfs:baseline")
    print(format_table(rows))


if __name__ == "__main__":
    main()
