"""Benchmark: the parse step's worker pool against parsing in one process, side by side (issue 14 item 2).

    python benchmarks/parse_pool.py [--reports 1000] [--files 200] [--rounds 3]

On the first ``--files`` generated text reports of raw-N/ (as end_to_end.py makes them), each round runs, one after
the other on the same files (alternating, so that a change in the machine's speed hits every way alike):

- in-process: ``stage_files(timeout=0)`` — parse + Parquet staging in this process, no deadline
- pool, 1 worker: ``stage_files(workers=1)`` — the pipeline's way, one long-lived worker (one core)
- pool, 2 workers: ``stage_files(workers=2)``

Then, in this process, the split of one report's cost: parse + review (``parse_and_review``) against staging its
rows (``stage_file`` with the report already parsed). Per way: CPU ms per report of this process plus its workers
(the forkserver's reaped children, /proc; Linux) — in-process over the pool's is the pool's throughput per core — and
reports/s wall, which on a loaded machine favours the pool (two processes get two shares of the CPU). The parser's
imports, here and in the forkserver, are paid once before the rounds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import BENCH_DIR, Row, format_table, loadavg, machine_line, record, speed_ms, timed  # noqa: E402


def _workers_cpu() -> float:
    """CPU seconds of the workers the forkserver has reaped so far (its cutime + cstime, /proc; Linux)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _run_way(raw: Path, files: list[str], kwargs: dict) -> tuple[float, float]:
    """(reports/s wall, CPU ms per report of this process and its workers) of one stage_files call."""
    from gongkai.warehouse.staging import stage_files

    scratch = BENCH_DIR / "parse-pool-staging"
    shutil.rmtree(scratch, ignore_errors=True)
    workers_before = _workers_cpu()
    results, t = timed(lambda: stage_files(raw, files, scratch, force=True, **kwargs))
    time.sleep(0.5)  # the forkserver reaps the stopped workers
    assert all(r.status == "loaded" for r, _ in results), [r.summary() for r, _ in results if r.status != "loaded"]
    cpu = t.cpu + _workers_cpu() - workers_before
    return len(files) / t.wall, cpu * 1000 / len(files)


def throughput_rounds(raw: Path, files: list[str], rounds: int) -> list[Row]:
    ways = {"in-process (1 process, no deadline)": {"workers": 1, "timeout": 0},
            "pool, 1 worker": {"workers": 1}, "pool, 2 workers": {"workers": 2}}
    rates: dict[str, list[float]] = {way: [] for way in ways}
    cpus: dict[str, list[float]] = {way: [] for way in ways}
    loads: list[str] = []
    for kwargs in ways.values():  # one-time costs out of the rounds: the parser's imports here and in the forkserver
        _run_way(raw, files[:1], kwargs)
    for round_no in range(rounds):
        loads.append(loadavg())
        print(f"round {round_no + 1}: speed {speed_ms():.0f} ms, load {loads[-1]}", flush=True)
        for way, kwargs in ways.items():
            rate, cpu = _run_way(raw, files, kwargs)
            rates[way].append(rate)
            cpus[way].append(cpu)
            print(f"  {way}: {rate:.1f} reports/s, {cpu:.1f} ms CPU/report", flush=True)
    shutil.rmtree(BENCH_DIR / "parse-pool-staging", ignore_errors=True)
    base = statistics.median(cpus["in-process (1 process, no deadline)"])
    rows = []
    for way in ways:
        per_core = base / statistics.median(cpus[way])  # throughput per core, relative to in-process
        rows.append(Row(f"parse pool, {len(files)} files", way, statistics.median(cpus[way]), "ms CPU/report (median)",
                        target="≥ 90 % of in-process per core" if way == "pool, 1 worker" else "",
                        ok=(per_core >= 0.9) if way == "pool, 1 worker" else None,
                        cpu=f"{per_core:.0%} of in-process per core; wall reports/s "
                            + " / ".join(f"{v:.1f}" for v in rates[way]),
                        load=" ; ".join(loads)))
    return rows


def cost_split(raw: Path, files: list[str]) -> list[Row]:
    """CPU ms per report: parse + review, then staging the parsed report's rows (Parquet, _meta.json)."""
    from gongkai.review.review import parse_and_review
    from gongkai.warehouse.staging import stage_file

    scratch = BENCH_DIR / "parse-pool-split"
    shutil.rmtree(scratch, ignore_errors=True)
    parse_cpu = stage_cpu = 0.0
    for rel in files:
        started = time.process_time()
        report = parse_and_review(raw / rel)
        parse_cpu += time.process_time() - started
        started = time.process_time()
        stage_file(raw, rel, scratch, parse=lambda _path, report=report: report)
        stage_cpu += time.process_time() - started
    shutil.rmtree(scratch, ignore_errors=True)
    n = len(files)
    return [Row(f"parse pool, {n} files", "parse + review, one report", parse_cpu * 1000 / n, "ms CPU"),
            Row(f"parse pool, {n} files", "staging its rows (read + hash the file, Parquet, _meta.json)",
                stage_cpu * 1000 / n, "ms CPU", target="≤ parse", ok=stage_cpu <= parse_cpu)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000, help="the generated corpus raw-N/ to take files from")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from end_to_end import corpus

    from gongkai.warehouse.raw_folder import list_raw_files

    print(machine_line())
    raw = corpus(args.reports)
    files = list_raw_files(raw)[: args.files]
    rows = throughput_rounds(raw, files, args.rounds) + cost_split(raw, files)
    record(rows, script="parse_pool", files=len(files))
    print(format_table(rows))


if __name__ == "__main__":
    main()
