"""Benchmark: the whole pipeline on N generated reports — empty warehouse → every mart and check — then an
incremental run (one new report) and a no-change re-run, then the comparison queries.

    python benchmarks/end_to_end.py [--reports 100 1000 5000] [--no-incremental] [--no-queries] [--keep]
    python benchmarks/end_to_end.py --reports 1000 --incremental-only [--trials 3] [--watch [--watch-idle S]]

Each run is `run_pipeline()` (what `gongkai run` does) in a fresh child process, so the figures include Python,
Dagster and definitions start-up, like a real `gongkai run`. Measured per run: wall, CPU of the whole process tree
(user+sys, includes the parse pool; dbt runs inside the run's process), peak memory (summed RSS of the tree,
sampled every 0.2 s, and the largest single process), warehouse file and staging sizes, and the split across
Dagster steps (parse = parsed_report, load = raw_tables, dbt = gongkai_dbt, GX = the gx_* check steps, publish =
warehouse).

Corpora are generated once (synth.generate_corpus, 5 years per department, seed 7) under $GONGKAI_BENCH_DIR
(default /tmp/gongkai-bench; the truth beside it, synth.truth_dir_for) and the first N text reports are hard-linked
into raw-N/.
The default run also times one +1 in ``gongkai run --watch`` (below). ``--incremental-only`` reuses the warehouse a
previous run left in wh-N/: it is brought back to exactly the N reports once per wh-N/ (base-N/, the extra report's
staging removed so it is parsed again) and each trial copies that base and adds
the one new report — repeatable +1 figures without rebuilding the warehouse. With ``--watch`` each trial is
``gongkai run --watch`` (one process for every run): after its first run the new report is linked into the raw
folder and the figure is the time from that moment to the end of the run it sets off (detection, the settle
interval and the run), as a user of the watch mode sees it.
Targets (issue 14): 1,000 reports < 180 s; one new report into 1,000 < 12 s as a cold ``gongkai run``, < 6 s from the
file's arrival in ``gongkai run --watch``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import (  # noqa: E402
    BENCH_DIR, REPO, Row, dir_size, format_table, loadavg, machine_line, record, run_process, speed_ms,
)

from gongkai.synth import generate_corpus, truth_dir_for  # noqa: E402  (standard library only: no start-up cost)

YEARS = 5
SEED = 7
E2E_TARGET_S = {1000: 180.0}
INCREMENTAL_TARGET_S = 12.0
WATCH_TARGET_S = 6.0


# ------------------------------------------------------------------------------------------------------------------
# corpus


def corpus(n: int) -> Path:
    """raw-N/: the first N generated text reports (hard links into a generated corpus big enough for N)."""
    departments = max(1, math.ceil(n / YEARS))
    # one big corpus serves every smaller N (the first N files of a bigger corpus are the same reports)
    existing = sorted(BENCH_DIR.glob(f"gen-{SEED}-*x{YEARS}"), key=lambda p: int(p.name.split("-")[2].split("x")[0]))
    source = next((p for p in existing if int(p.name.split("-")[2].split("x")[0]) >= departments
                   and (truth_dir_for(p) / "corpus.truth.json").exists()), None)
    if source is None:
        source = BENCH_DIR / f"gen-{SEED}-{departments}x{YEARS}"
        t = time.perf_counter()
        generate_corpus(source, departments=departments, years=YEARS, seed=SEED)
        print(f"generated {departments * YEARS} reports in {time.perf_counter() - t:.1f} s → {source}", file=sys.stderr)
    files = sorted(source.glob("*.txt"), key=lambda p: (p.stem.split("_", 1)[1], p.stem))[:n]
    raw = BENCH_DIR / f"raw-{n}"
    if raw.exists() and len(list(raw.glob("*.txt"))) == n and not list(raw.glob("*extra*")):
        return raw
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    for f in files:
        os.link(f, raw / f.name)
    return raw


def extra_report() -> Path:
    """One report that is not in any raw-N/ (another seed)."""
    folder = BENCH_DIR / "extra"
    if not (truth_dir_for(folder) / "corpus.truth.json").exists():
        generate_corpus(folder, departments=1, years=1, seed=SEED + 1000)
    return sorted(folder.glob("*.txt"))[0]


# ------------------------------------------------------------------------------------------------------------------
# child: one in-process pipeline run, step timings as JSON on stdout


def child() -> None:
    t_start = time.perf_counter()
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger("dagster").setLevel(logging.ERROR)
    from gongkai.pipeline.command import start_early
    from gongkai.pipeline.preflight import check_run
    from gongkai.warehouse.paths import raw_dir, warehouse_path

    # as `gongkai run` does: the parse workers' server and the GX worker import beside Dagster's start-up
    start_early(check_run(raw_dir(), warehouse_path(), allow_empty=False), full_refresh=False)
    from gongkai.pipeline.instance import ephemeral_instance
    from gongkai.pipeline.run import run_pipeline

    t_imported = time.perf_counter()
    instance = ephemeral_instance()  # as `gongkai run`'s
    result, summary = run_pipeline(instance=instance, log_level="WARNING")
    extra = os.environ.get("GONGKAI_BENCH_WARM_EXTRA")
    if extra:  # what `gongkai run --watch` does on a change: the same process runs again
        link = Path(os.environ["GONGKAI_RAW"]) / f"zz_extra_{Path(extra).name}"
        os.link(extra, link)
        try:
            t_imported = time.perf_counter()
            result, summary = run_pipeline(instance=instance, log_level="WARNING")
        finally:
            link.unlink()
    t_run = time.perf_counter()
    steps: dict[str, dict[str, float]] = {}
    dbt_models: dict[str, float] = {}
    failures: dict[str, str] = {}
    parse_meta: dict[str, int] = {}
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        step = steps.setdefault(event.step_key, {})
        kind = event.event_type_value
        if kind == "STEP_START":
            step["start"] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            step["end"] = entry.timestamp
            step["status"] = kind
            if kind == "STEP_FAILURE":
                error = event.event_specific_data.error
                failures[event.step_key] = (error.message if error else "?")[-2000:]
        elif kind == "ASSET_MATERIALIZATION" and event.step_key.startswith("parsed_report"):
            meta = event.event_specific_data.materialization.metadata
            for name in ("files", "parsed", "from_cache"):  # the run's batch counts, on each partition
                if f"batch_{name}" in meta:
                    parse_meta[name] = int(meta[f"batch_{name}"].value)
        elif kind == "ASSET_MATERIALIZATION" and event.step_key.startswith("gongkai_dbt"):
            mat = event.event_specific_data.materialization
            duration = mat.metadata.get("Execution Duration")
            if duration is not None:
                dbt_models[mat.asset_key.to_user_string()] = float(duration.value)
    durations = {k: v["end"] - v["start"] for k, v in steps.items() if "start" in v and "end" in v}
    print(json.dumps({
        "import_s": t_imported - t_start,
        "run_s": t_run - t_imported,
        "success": summary["success"],
        "dbt_skipped": bool(summary.get("dbt_skipped")),
        "reports": summary.get("reports", {}),
        "marts": summary.get("marts", {}),
        "checks": summary["checks"],
        "failed_steps": summary.get("failed_steps", []),
        "failures": failures,
        "parse": parse_meta,
        "steps": durations,
        "step_spans": {k: [v["start"], v["end"]] for k, v in steps.items() if "start" in v and "end" in v},
        "dbt_models": dbt_models,
    }, ensure_ascii=False))
    if not os.environ.get("GONGKAI_BENCH_TEARDOWN"):  # end as `gongkai run` does
        from gongkai.cli import exit_without_teardown

        exit_without_teardown(0)


STAGES = ("parse", "load", "dbt", "gx", "publish", "other checks")


def stage_of(step_key: str) -> str:
    if step_key.startswith("parsed_report"):
        return "parse"
    if step_key == "raw_tables":
        return "load"
    if step_key.startswith("gongkai_dbt"):
        return "dbt"
    if step_key == "warehouse":
        return "publish"
    return "gx" if "gx_" in step_key else "other checks"


def stage_split(steps: dict[str, float]) -> dict[str, float]:
    split = dict.fromkeys(STAGES, 0.0)
    for key, seconds in steps.items():
        split[stage_of(key)] += seconds
    return split


def pipeline_run(raw: Path, warehouse: Path, label: str) -> tuple[dict, object]:
    env = dict(os.environ, GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(warehouse), DAGSTER_HOME="",
               GX_ANALYTICS_ENABLED="False")
    env.pop("DAGSTER_HOME")
    proc = run_process([sys.executable, __file__, "--child"], env=env, cwd=REPO)
    if proc.returncode != 0:
        print(proc.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"{label}: pipeline child failed (exit {proc.returncode})")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    if not info["success"]:
        print(f"WARNING {label}: run not successful; failed steps {info['failed_steps']}", file=sys.stderr)
        for step, message in info.get("failures", {}).items():
            print(f"  {step}: {message}", file=sys.stderr)
    return info, proc


def stage_peaks(spans: dict[str, list[float]], samples: list[tuple[float, float, float]]) -> dict[str, float]:
    """stage → the largest single-process RSS sampled while one of its steps ran (sampled every 0.2 s)."""
    peaks: dict[str, float] = {}
    for key, (start, end) in spans.items():
        stage = stage_of(key)
        during = [single for t, _, single in samples if start <= t <= end]
        if during:
            peaks[stage] = max(peaks.get(stage, 0.0), max(during))
    return peaks


def rows_for(n: int, label: str, info: dict, proc, warehouse: Path, target: float | None) -> list[Row]:
    bench = f"{label} n={n}"
    load = f"{proc.load_before} → {proc.load_after.split('/')[0]}"
    rows = [Row(bench, "wall (whole process)", proc.wall, "s", f"< {target:.0f} s" if target else "",
                (proc.wall < target) if target else None, f"{proc.cpu:.1f} s", load)]
    split = stage_split(info["steps"])
    rows.append(Row(bench, "start-up (imports+defs)", info["import_s"], "s", load=load))
    if info.get("parse"):
        p = info["parse"]
        rows.append(Row(bench, "files / from staging cache", f"{p.get('files', '?')} / {p.get('from_cache', '?')}"))
    for stage, seconds in split.items():
        if seconds:
            rows.append(Row(bench, f"step: {stage}", seconds, "s", load=load))
            if stage == "dbt" and info.get("dbt_skipped"):
                rows.append(Row(bench, "dbt skipped (its inputs as at the last build)", "yes"))
    overhead = info["run_s"] - sum(split.values())
    rows.append(Row(bench, "run overhead (Dagster)", overhead, "s", load=load))
    rows.append(Row(bench, "peak RSS, tree (sum)", proc.peak_tree_rss_mb, "MB", load=load))
    rows.append(Row(bench, "peak RSS, one process", proc.max_single_rss_mb, "MB", load=load))
    for stage, peak in stage_peaks(info.get("step_spans", {}), proc.samples).items():
        rows.append(Row(bench, f"peak RSS, one process, during {stage}", peak, "MB", load=load))
    if warehouse.exists():
        rows.append(Row(bench, "warehouse file", warehouse.stat().st_size / 2**20, "MB", load=load))
    staging = warehouse.parent / "staging"
    if staging.exists():
        rows.append(Row(bench, "staging (Parquet)", dir_size(staging) / 2**20, "MB", load=load))
    return rows


def bench_size(n: int, *, incremental: bool, queries: bool, query_runs: int) -> list[Row]:
    raw = corpus(n)
    work = BENCH_DIR / f"wh-{n}"
    shutil.rmtree(work, ignore_errors=True)
    warehouse = work / "gongkai.duckdb"
    work.mkdir(parents=True)
    info, proc = pipeline_run(raw, warehouse, f"e2e n={n}")
    rows = rows_for(n, "e2e", info, proc, warehouse, E2E_TARGET_S.get(n))
    reports = info["reports"]
    rows.append(Row(f"e2e n={n}", "reports loaded/failed/skipped",
                    f"{reports.get('loaded', 0)}/{reports.get('failed', 0)}/{reports.get('skipped', 0)}"))
    slow = sorted(info["dbt_models"].items(), key=lambda kv: -kv[1])[:3]
    for model, seconds in slow:
        rows.append(Row(f"e2e n={n}", f"dbt model {model}", seconds, "s"))
    steps = sorted(((k, v) for k, v in info["steps"].items() if "gx_" in k), key=lambda kv: -kv[1])[:3]
    for key, seconds in steps:
        rows.append(Row(f"e2e n={n}", f"GX {key.split('gx_', 1)[1]}", seconds, "s"))
    (work / "e2e.json").write_text(json.dumps(info, ensure_ascii=False, indent=1))
    if incremental:
        info2, proc2 = pipeline_run(raw, warehouse, f"no-change n={n}")
        rows += rows_for(n, "re-run, no change", info2, proc2, warehouse, None)[:10]
        new = extra_report()
        link = raw / f"zz_extra_{new.name}"
        os.link(new, link)
        try:
            info3, proc3 = pipeline_run(raw, warehouse, f"incremental n={n}")
        finally:
            link.unlink()
        rows += rows_for(n, "+1 report", info3, proc3, warehouse, INCREMENTAL_TARGET_S)[:10]
        (work / "incremental.json").write_text(json.dumps(info3, ensure_ascii=False, indent=1))
        rows += bench_watch(n, 1)
    if queries:
        from queries import run_queries

        rows += run_queries(warehouse, runs=query_runs, label=f"queries n={n}")
    return rows


def incremental_base(n: int) -> tuple[Path, Path, Path]:
    """base-N/: wh-N/ brought back to the first N reports (the extra report removed, its staging deleted), made in
    inc-N/ — the folder every trial runs in, so the dbt parse state the base keeps is valid for the trials. Made
    again when wh-N/ is newer or the parser changed since (a base whose staging is stale would parse all N again in
    every trial)."""
    from gongkai.warehouse.raw_folder import list_raw_files
    from gongkai.warehouse.staged import stale_files

    raw, base, work = corpus(n), BENCH_DIR / f"base-{n}", BENCH_DIR / f"inc-{n}"
    source = BENCH_DIR / f"wh-{n}"
    if not (source / "gongkai.duckdb").exists():
        raise SystemExit(f"--incremental-only needs {source} from a full run: end_to_end.py --reports {n}")
    if (base / "gongkai.duckdb").exists() and \
            (base / "gongkai.duckdb").stat().st_mtime >= (source / "gongkai.duckdb").stat().st_mtime and \
            not stale_files(raw, list_raw_files(raw), base / "staging"):
        return raw, base, work  # made from the warehouse wh-N/ holds now, staged by this parser
    shutil.rmtree(base, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work)
    pipeline_run(raw, work / "gongkai.duckdb", f"base n={n}")
    extra_sha = hashlib.sha256(extra_report().read_bytes()).hexdigest()
    shutil.rmtree(work / "staging" / extra_sha[:16], ignore_errors=True)
    shutil.copytree(work, base)
    return raw, base, work


def fresh_trials(n: int, trials: int):
    """(trial, raw folder, work folder) for each trial; the work folder a fresh copy of base-N/."""
    raw, base, work = incremental_base(n)
    for trial in range(1, trials + 1):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(base, work)
        yield trial, raw, work


def bench_incremental_only(n: int, trials: int) -> list[Row]:
    rows: list[Row] = []
    for trial, raw, work in fresh_trials(n, trials):
        new = extra_report()
        link = raw / f"zz_extra_{new.name}"
        speed = speed_ms()
        os.link(new, link)
        try:
            info, proc = pipeline_run(raw, work / "gongkai.duckdb", f"incremental n={n}")
        finally:
            link.unlink()
        rows += rows_for(n, f"+1 report (trial {trial})", info, proc, work / "gongkai.duckdb",
                         INCREMENTAL_TARGET_S)[:10]
        rows.append(Row(f"+1 report (trial {trial}) n={n}", "machine speed before (lower: faster)", speed, "ms"))
        (work / "incremental.json").write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return rows


def watch_trial(raw: Path, work: Path, interval: float = 0.5, idle: float = 0.0) -> dict[str, float]:
    """One ``gongkai run --watch`` on ``work``: (first run s, file-to-updated-marts latency s, second run s). The new
    file arrives ``idle`` seconds after the first run has ended (0: at once, while the watch still does what it
    does after a run — the worst case; a report that comes later finds that done)."""
    import signal
    import subprocess

    env = dict(os.environ, GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(work / "gongkai.duckdb"),
               GX_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    env.pop("DAGSTER_HOME", None)
    argv = [str(Path(sys.executable).parent / "gongkai"), "run", "--watch", "--interval", str(interval)]
    started = time.perf_counter()
    # SIGINT as a terminal sends it: a benchmark run as a background job inherits it ignored, and the watch would
    # then not stop on it (the wait below ran its whole timeout)
    proc = subprocess.Popen(argv, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def next_run() -> float:
        for line in proc.stdout:
            if line.startswith("run took "):
                return float(line.split()[2])
        raise SystemExit("gongkai run --watch ended early")

    new = extra_report()
    link = raw / f"zz_extra_{new.name}"
    try:
        first = next_run()
        first_wall = time.perf_counter() - started
        time.sleep(idle)
        t0 = time.perf_counter()
        os.link(new, link)
        second = next_run()
        latency = time.perf_counter() - t0
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=600)  # at load 15–19 it did not end within 60 s (before the GX worker too)
        link.unlink(missing_ok=True)
    return {"first_run_s": first, "first_wall_s": first_wall, "latency_s": latency, "run_s": second}


def bench_watch(n: int, trials: int, idle: float = 0.0) -> list[Row]:
    rows: list[Row] = []
    for trial, raw, work in fresh_trials(n, trials):
        load, speed = loadavg(), speed_ms()
        figures = watch_trial(raw, work, idle=idle)
        bench = f"+1 report, watch (trial {trial}{f', after {idle:g} s idle' if idle else ''}) n={n}"
        rows += [
            Row(bench, "first run (no change, cold start)", figures["first_wall_s"], "s", load=load),
            Row(bench, "new file → updated marts", figures["latency_s"], "s", f"< {WATCH_TARGET_S:.0f} s",
                figures["latency_s"] < WATCH_TARGET_S, load=f"{load} → {loadavg().split('/')[0]}"),
            Row(bench, "of which the run", figures["run_s"], "s", load=load),
            Row(bench, "machine speed before (lower: faster)", speed, "ms"),
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[100])
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--no-queries", action="store_true")
    parser.add_argument("--query-runs", type=int, default=20)
    parser.add_argument("--incremental-only", action="store_true",
                        help="only the +1 run, on a copy of the warehouse an earlier run left in wh-N/")
    parser.add_argument("--trials", type=int, default=1, help="with --incremental-only: how many +1 runs")
    parser.add_argument("--watch", action="store_true",
                        help="with --incremental-only: the +1 run in a warm `gongkai run --watch` process")
    parser.add_argument("--watch-idle", type=float, default=0.0,
                        help="with --watch: seconds the watch waits idle before the new report arrives (default 0)")
    parser.add_argument("--parse-in-process", action="store_true",
                        help="GONGKAI_PARSE_TIMEOUT=0: parse in the step's own process (no child per file, no "
                             "deadline) — isolates the per-file process cost")
    parser.add_argument("--with-teardown", action="store_true",
                        help="the run's process ends with Python's full teardown (as before `gongkai run` skipped it)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    if args.parse_in_process:
        os.environ["GONGKAI_PARSE_TIMEOUT"] = "0"
    if args.with_teardown:
        os.environ["GONGKAI_BENCH_TEARDOWN"] = "1"
    print(machine_line() + (" [GONGKAI_PARSE_TIMEOUT=0]" if args.parse_in_process else ""))
    rows: list[Row] = []
    for n in args.reports:
        if n > 1000 and os.getloadavg()[0] > 1.0 and not os.environ.get("GONGKAI_BENCH_FORCE"):
            print(f"note: load average {os.getloadavg()[0]:.2f} on a shared machine; running n={n} anyway "
                  "(figures will be noisy)", file=sys.stderr)
        if args.incremental_only:
            size_rows = bench_watch(n, args.trials, args.watch_idle) if args.watch else \
                bench_incremental_only(n, args.trials)
            record(size_rows, script="end_to_end", reports=n, incremental_only=True)
            rows += size_rows
            continue
        size_rows = bench_size(n, incremental=not args.no_incremental, queries=not args.no_queries,
                               query_runs=args.query_runs)
        record(size_rows, script="end_to_end", reports=n, parse_in_process=args.parse_in_process)
        rows += size_rows
    print(format_table(rows))


if __name__ == "__main__":
    main()
