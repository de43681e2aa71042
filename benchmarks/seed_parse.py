"""Benchmark: parse time of a text-dump report (default: the bundled seed), median of many runs.

    python benchmarks/seed_parse.py [FILE] [--runs N]

Prints the median and percentiles for reading + parsing the whole report, and the split by stage.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from gongkai.extract.document import read_text_document
from gongkai.extract.identity import read_identity
from gongkai.extract.narrative import read_narrative_facts
from gongkai.extract.parser import parse_document
from gongkai.extract.performance import read_performance
from gongkai.extract.reconciliation import reconcile
from gongkai.extract.table_builder import TableBuilder
from gongkai.extract.tables import find_tables

DEFAULT = Path(__file__).resolve().parents[1] / "raw" / "000_c669139aa1fe8f20.txt"


def _median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    data = Path(args.file).read_bytes()
    document = read_text_document(args.file, data)
    report = parse_document(document)
    stages = {
        "read + split pages": lambda: read_text_document(args.file, data),
        "identity": lambda: read_identity(document.lines),
        "tables (find + solve)": lambda: TableBuilder(args.file).build(find_tables(document.lines)),
        "narrative facts": lambda: read_narrative_facts(document, report.fiscal_year),
        "performance tables": lambda: read_performance(document),
        "reconciliation": lambda: reconcile(report),
        "whole parse (read → report)": lambda: parse_document(read_text_document(args.file, data)),
    }
    print(f"file: {args.file} ({len(data):,} bytes, {len(document.lines):,} lines), runs: {args.runs}")
    for name, function in stages.items():
        print(f"  {name:<30} {_median_ms(function, args.runs):8.2f} ms (median)")
    whole = _median_ms(stages["whole parse (read → report)"], args.runs)
    print(f"reports per second (one process): {1000 / whole:,.0f}; target: whole parse < 20 ms")


if __name__ == "__main__":
    main()
