"""Benchmark: each pipeline stage on its own, outside Dagster, with CPU time — at several corpus sizes (growth).

    python benchmarks/stages.py [--reports 100 1000 5000] [--workers 1 2] [--dbt-threads 1] [--skip-dbt] [--skip-gx]

Per N (generated reports, as in end_to_end.py):

- parse: ``stage_files(force=True)`` (parse + Parquet staging) with 1 and 2 worker processes → reports/s, CPU
- parse (cache hits): ``stage_files`` again — what every later run pays per unchanged file
- load: ``load_staged`` into an empty DuckDB file (the single writer), then again with ONE new report staged
  (what an incremental run pays: only reports whose staged version is not loaded yet are inserted)
- dbt: ``dbt build`` (models + tests) against that file, in a subprocess (CPU from rusage), own target path
- GX: ``validate_table`` for every suite whose table exists (GX import measured separately)

The machine is shared: CPU seconds are the figure to compare; wall is printed with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import BENCH_DIR, REPO, Row, format_table, loadavg, machine_line, record, timed  # noqa: E402


def _rusage_children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_parse(raw: Path, staging: Path, n: int, workers: list[int], sample: int) -> list[Row]:
    """Parse + stage: in this process (timeout=0: no deadline, no child), then as the pipeline does it (one child
    process per file, GONGKAI_PARSE_TIMEOUT deadline) with 1 and 2 workers on the first ``sample`` files (CPU of
    forkserver children is not visible to rusage, so only wall is given for those)."""
    from gongkai.warehouse.raw_folder import list_raw_files
    from gongkai.warehouse.staging import stage_files

    rel = list_raw_files(raw)
    rows = []
    shutil.rmtree(staging, ignore_errors=True)
    results, t = timed(lambda: stage_files(raw, rel, staging, force=True, workers=1, timeout=0))
    bad = sum(r.status != "loaded" for r, _ in results)
    rows.append(Row(f"stages n={n}", "parse+stage in-process (1 proc)", n / t.wall, "reports/s",
                    cpu=f"{t.cpu:.1f} s = {t.cpu * 1000 / n:.0f} ms/rep", load=t.load_before))
    if bad:
        rows.append(Row(f"stages n={n}", "reports not loaded", bad))
    subset = rel[: min(sample, len(rel))]
    for w in workers if subset else []:
        scratch = staging.with_name(f"staging-w{w}")
        shutil.rmtree(scratch, ignore_errors=True)
        _, t = timed(lambda w=w: stage_files(raw, subset, scratch, force=True, workers=w))
        rows.append(Row(f"stages n={n}", f"parse+stage, child per file, {w} worker(s), {len(subset)} files",
                        len(subset) / t.wall, "reports/s", cpu="(not visible)", load=t.load_before))
        shutil.rmtree(scratch, ignore_errors=True)
    _, t = timed(lambda: stage_files(raw, rel, staging, force=False, workers=1))
    rows.append(Row(f"stages n={n}", "cache hits (unchanged files)", t.wall * 1000 / n, "ms/file",
                    cpu=f"{t.cpu * 1000 / n:.1f} ms/file", load=t.load_before))
    return rows


def bench_load(raw: Path, staging: Path, db: Path, n: int) -> list[Row]:
    import duckdb

    from gongkai.warehouse.load import load_staged
    from gongkai.warehouse.staging import stage_file

    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    summary, t = timed(lambda: load_staged(con, staging, raw))
    con.close()
    rows = [Row(f"stages n={n}", "load (empty warehouse)", t.wall, "s", cpu=f"{t.cpu:.1f} s", load=t.load_before),
            Row(f"stages n={n}", "raw.table_cells rows", f"{summary.rows.get('table_cells', 0):,}")]
    # one new report: copy the file in, stage it, load again (as an incremental run would)
    from end_to_end import extra_report

    new = extra_report()
    link = raw / f"zz_extra_{new.name}"
    os.link(new, link)
    try:
        stage_file(raw, link.name, staging)
        copy = db.with_name("incremental.duckdb")
        t0 = time.perf_counter()
        shutil.copyfile(db, copy)  # what raw_tables does first (start_build fresh=True)
        copy_s = time.perf_counter() - t0
        con = duckdb.connect(str(copy))
        _, t = timed(lambda: load_staged(con, staging, raw))
        con.close()
        copy.unlink()
    finally:
        link.unlink()
    rows.append(Row(f"stages n={n}", "copy live → build file", copy_s, "s", load=loadavg()))
    rows.append(Row(f"stages n={n}", "load +1 report", t.wall, "s", cpu=f"{t.cpu:.1f} s",
                    load=t.load_before))
    rows.append(Row(f"stages n={n}", "warehouse after load", db.stat().st_size / 2**20, "MB"))
    return rows


def bench_dbt(db: Path, n: int, threads: int) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="dbt-bench-", dir=BENCH_DIR))
    copy = work / "gongkai.duckdb"
    shutil.copyfile(db, copy)
    dbt = Path(sys.executable).parent / "dbt"
    argv = [str(dbt), "build", "--project-dir", str(REPO / "dbt"), "--profiles-dir", str(REPO / "dbt"),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--threads", str(threads),
            "--quiet"]
    env = dict(os.environ, GONGKAI_WAREHOUSE=str(copy))
    load = loadavg()
    c0 = _rusage_children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    cpu = _rusage_children_cpu() - c0
    rows = [Row(f"stages n={n}", f"dbt build, {threads} thread{'s' if threads > 1 else ''}", wall, "s",
                cpu=f"{cpu:.1f} s", load=load)]
    if proc.returncode != 0:
        rows.append(Row(f"stages n={n}", "dbt build FAILED", proc.stdout[-200:].replace("\n", " ")))
    results = work / "target" / "run_results.json"
    if results.exists():
        nodes = json.loads(results.read_text())["results"]
        models = [r for r in nodes if r["unique_id"].startswith("model.")]
        tests = [r for r in nodes if r["unique_id"].startswith("test.")]
        rows.append(Row(f"stages n={n}", f"dbt: Σ {len(models)} models", sum(r["execution_time"] for r in models), "s"))
        rows.append(Row(f"stages n={n}", f"dbt: Σ {len(tests)} tests", sum(r["execution_time"] for r in tests), "s"))
        node_sum = sum(r["execution_time"] for r in nodes)
        rows.append(Row(f"stages n={n}", "dbt: start-up + parse + per-node overhead", wall - node_sum, "s"))
        for r in sorted(models, key=lambda r: -r["execution_time"])[:4]:
            rows.append(Row(f"stages n={n}", f"dbt model {r['unique_id'].split('.')[-1]}", r["execution_time"], "s"))
    shutil.copyfile(copy, db.with_name("built.duckdb"))
    shutil.rmtree(work, ignore_errors=True)
    return rows


def bench_gx(db: Path, n: int) -> list[Row]:
    import duckdb

    from gongkai.quality import SUITES, validate_table
    from gongkai.quality.context import get_context, gx_module

    _, t = timed(lambda: (gx_module(), get_context()))
    rows = [Row(f"stages n={n}", "GX import + context", t.wall, "s", cpu=f"{t.cpu:.1f} s", load=t.load_before)]
    con = duckdb.connect(str(db), read_only=True)
    existing = {f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables"
                                                   ).fetchall()}
    per_suite = []
    total_wall = total_cpu = 0.0
    for name, spec in SUITES.items():
        if spec.table not in existing:
            continue
        result, t = timed(lambda name=name: validate_table(con, name))
        per_suite.append((name, t.wall, t.cpu, result.rows))
        total_wall += t.wall
        total_cpu += t.cpu
    con.close()
    rows.append(Row(f"stages n={n}", f"GX: {len(per_suite)} suites", total_wall, "s", cpu=f"{total_cpu:.1f} s"))
    for name, wall, cpu, nrows in sorted(per_suite, key=lambda s: -s[1])[:3]:
        rows.append(Row(f"stages n={n}", f"GX {name} ({nrows:,} rows)", wall, "s", cpu=f"{cpu:.1f} s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[100])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--process-sample", type=int, default=10,
                        help="files parsed the pipeline's way (a child process per file) per worker count")
    parser.add_argument("--dbt-threads", type=int, nargs="+", default=[1])
    parser.add_argument("--skip-dbt", action="store_true")
    parser.add_argument("--skip-gx", action="store_true")
    args = parser.parse_args()
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from end_to_end import corpus

    print(machine_line())
    rows: list[Row] = []
    for n in args.reports:
        raw = corpus(n)
        work = BENCH_DIR / f"stages-{n}"
        work.mkdir(parents=True, exist_ok=True)
        staging, db = work / "staging", work / "loaded.duckdb"
        size_rows = bench_parse(raw, staging, n, args.workers, args.process_sample)
        print(format_table(size_rows), flush=True)
        size_rows += bench_load(raw, staging, db, n)
        if not args.skip_dbt:
            for threads in args.dbt_threads:
                size_rows += bench_dbt(db, n, threads)
        if not args.skip_gx:
            built = db.with_name("built.duckdb")
            size_rows += bench_gx(built if built.exists() else db, n)
        record(size_rows, script="stages", reports=n)
        rows += size_rows
        print(format_table(size_rows), flush=True)
    if len(args.reports) > 1:
        print()
        print(format_table(rows))


if __name__ == "__main__":
    main()
