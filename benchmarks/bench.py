"""`make bench`: the default benchmark set, one table at the end. Heavy runs are behind flags / environment variables.

    python benchmarks/bench.py [--reports N ...] [--real-pdfs N ...] [--all-pdfs] [--stages] [--quick]
    make bench                                   # seed parse, bundled PDF, end-to-end on 100 reports (+1, queries),
                                                 # 50 real PDF reports end to end (when /work/shared/corpus is there)
    make bench BENCH_ARGS="--real-pdfs 1000"     # or GONGKAI_BENCH_REAL_PDFS=1000: the issue's real-PDF scale target
    make bench BENCH_ARGS="--reports 100 1000"   # or GONGKAI_BENCH_REPORTS="100 1000 5000" make bench
    make bench BENCH_ARGS="--stages --all-pdfs"  # per-stage CPU (growth) and every PDF of /work/shared/corpus

Every figure goes with the load average at the time (the machine may be shared) and, where the process can see it,
CPU seconds. Figures are also appended to $GONGKAI_BENCH_DIR/results.jsonl (default /tmp/gongkai-bench).
Individual scripts: seed_parse.py, pdf_parse.py, pdf_pages.py, pdf_reader_ab.py, stages.py, end_to_end.py, real_pdfs.py, queries.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import REPO, Row, format_table, machine_line, median_ms, record  # noqa: E402

SEED = REPO / "raw" / "000_c669139aa1fe8f20.txt"
SEED_TARGET_MS = 20.0
REAL_CORPUS = Path("/work/shared/corpus")  # real reports; not in a user's clone


def seed_rows(runs: int) -> list[Row]:
    from gongkai.extract.document import read_text_document
    from gongkai.extract.parser import parse_document

    data = SEED.read_bytes()
    parse_document(read_text_document(str(SEED), data))  # warm: first-call caches
    wall, cpu = median_ms(lambda: parse_document(read_text_document(str(SEED), data)), runs)
    return [
        Row("parse seed text", "whole parse (read → report)", cpu, "ms CPU", f"< {SEED_TARGET_MS:.0f} ms",
            cpu < SEED_TARGET_MS, f"wall {wall:.1f} ms"),
        Row("parse seed text", "reports/s, one process (CPU)", 1000 / cpu, "rep/s"),
    ]


def run_script(name: str, *args: str) -> None:
    """Run a benchmark script as its own process (its own table is printed as it goes)."""
    print(f"== benchmarks/{name} {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, str(Path(__file__).with_name(name)), *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env_reports = [int(x) for x in os.environ.get("GONGKAI_BENCH_REPORTS", "").split()]
    parser.add_argument("--reports", type=int, nargs="*", default=env_reports or [100],
                        help="end-to-end corpus sizes (default 100; 1000 and 5000 are the issue's targets)")
    env_real = [int(x) for x in os.environ.get("GONGKAI_BENCH_REAL_PDFS", "").split()]
    parser.add_argument("--real-pdfs", type=int, nargs="*", default=env_real or [50],
                        help="real PDF reports end to end, copies of /work/shared/corpus made distinct (default 50; "
                             "1000 is the issue's target; none: skipped)")
    parser.add_argument("--all-pdfs", action="store_true", default=bool(os.environ.get("GONGKAI_BENCH_ALL_PDFS")),
                        help="every PDF under /work/shared/corpus, not only raw/*.pdf")
    parser.add_argument("--stages", action="store_true", default=bool(os.environ.get("GONGKAI_BENCH_STAGES")),
                        help="also stages.py (each stage outside Dagster, CPU) at the same sizes")
    parser.add_argument("--quick", action="store_true", help="seed + PDF only (no pipeline runs)")
    args = parser.parse_args()

    print(machine_line(), flush=True)
    rows = seed_rows(runs=30)
    record(rows, script="bench:seed")
    print(format_table(rows), flush=True)

    pdfs = [] if args.all_pdfs else [str(p) for p in sorted((REPO / "raw").glob("*.pdf"))]
    run_script("pdf_pages.py", "--runs", "1", *pdfs)
    if args.quick:
        return
    if args.stages:
        run_script("stages.py", "--reports", *map(str, args.reports))
    run_script("end_to_end.py", "--reports", *map(str, args.reports))
    if args.real_pdfs and REAL_CORPUS.is_dir():
        run_script("real_pdfs.py", "--reports", *map(str, args.real_pdfs))


if __name__ == "__main__":
    main()
