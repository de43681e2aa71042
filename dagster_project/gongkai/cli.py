"""The ``gongkai`` command: parse one file, run the whole pipeline, query or export the warehouse.

    gongkai parse FILE [FILE…] [--summary]  the report as JSON, or a line per file (unreadable: stderr, exit 2)
    gongkai synth --departments N --years M --out DIR [--seed S] [--pdf] [--budgets]
    gongkai run [--raw DIR] [--warehouse F] parse every file, load, build dbt, run checks, publish; print a summary
    gongkai run --watch [--interval S]      run, then run again whenever the raw folder's content changes
    gongkai query "SQL" [--format table|csv|json]   run SQL against the warehouse, read-only
    gongkai export MART|--sql "SQL" --format csv|parquet|xlsx --out PATH   xlsx: Chinese labels and units as row 2
    gongkai report --out DIR [--raw DIR]    department profiles: index.html and a page per department, with charts
    gongkai review FILE [FILE…] [--xlsx OUT]  the disclosure review of each file: a table of findings (审核意见)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXIT_UNREADABLE = 2
EXIT_BUSY = 3
EXIT_ERROR = 1


def _err(message: str) -> None:
    print(message.replace("\n", " "), file=sys.stderr)


# ------------------------------------------------------------------------------------------------------------------
# parse


def _parse_one(path: Path):
    """(report, None) or (None, one-line error)."""
    from gongkai.extract.parser import ParseError, parse_file

    if not path.is_file():
        return None, f"gongkai: cannot read {path}: no such file"
    try:
        return parse_file(path), None
    except ParseError as error:
        return None, f"gongkai: cannot read {path}: [{error.kind}] {error}"
    except Exception as error:  # noqa: BLE001 - never a traceback for bad input
        return None, f"gongkai: cannot read {path}: [{type(error).__name__}] {error}"


def _summary_line(path: Path, report, seconds: float) -> str:
    """One line per file: identity, then the coverage a user checks on a new province's folder — table set, tables
    found of expected, cells read, checks pass / fail / not run, time."""
    from gongkai.extract.serialize import summarize
    from gongkai.extract.table_sets import table_set

    counts = summarize(report)
    head = f"{path}: {report.department} {report.fiscal_year} {report.kind}"
    name, expected = table_set(report)
    cells = sum(1 for t in report.tables for r in t.rows for c in r.cells if c.value is not None)
    projects = f"{counts['projects']} projects"
    if report.kind == "budget":
        projects += f", {counts['targets']} target tables"
    return (f"{head}: {name} set, {counts['tables']} of {expected} tables, {counts['table_rows']} table rows, "
            f"{cells} cells, {counts['narrative_facts']} narrative facts, {projects}; checks "
            f"{counts['checks_passed']} pass / {counts['checks_failed']} fail / {counts['checks_not_run']} not run; "
            f"{seconds:.1f} s")


def cmd_parse(args: argparse.Namespace) -> int:
    from gongkai.extract.serialize import report_to_dict
    from gongkai.json_text import dumps_indented

    status = 0
    for name in args.files:
        started = time.perf_counter()
        report, error = _parse_one(Path(name))
        if error:
            _err(error)
            status = EXIT_UNREADABLE
        elif args.summary or len(args.files) > 1:
            print(_summary_line(Path(name), report, time.perf_counter() - started))
        else:
            print(dumps_indented(report_to_dict(report)))
    return status


def cmd_synth(args: argparse.Namespace) -> int:
    from gongkai.synth.cli import main as synth_main

    argv = ["--departments", str(args.departments), "--years", str(args.years), "--out", args.out,
            "--seed", str(args.seed)] + (["--pdf"] if args.pdf else []) + (["--budgets"] if args.budgets else [])
    return synth_main(argv)


# ------------------------------------------------------------------------------------------------------------------
# run


def _set_paths(args: argparse.Namespace) -> None:
    if getattr(args, "raw", None):
        os.environ["GONGKAI_RAW"] = str(Path(args.raw).absolute())
    if getattr(args, "warehouse", None):
        os.environ["GONGKAI_WAREHOUSE"] = str(Path(args.warehouse).absolute())


def cmd_run(args: argparse.Namespace) -> int:
    _set_paths(args)
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    if not args.verbose:
        logging.getLogger("dagster").setLevel(logging.WARNING)
    if not args.watch:
        return _run_once(args, wait=args.wait)
    from gongkai.pipeline.command import watch_raw_folder

    try:
        watch_raw_folder(lambda instance: _run_once(args, wait=True, instance=instance), interval=args.interval,
                         on_change=lambda: print(f"[{time.strftime('%H:%M:%S')}] raw folder changed"))
    except KeyboardInterrupt:
        print("gongkai: watch stopped")
    return 0


def _run_once(args: argparse.Namespace, *, wait: bool, instance=None) -> int:
    def waiting(holder: str) -> None:
        _err(f"gongkai: another `gongkai run` is running on this warehouse ({holder}); waiting for it to finish")

    from gongkai.pipeline.command import run_once
    from gongkai.pipeline.preflight import RunRefused
    from gongkai.pipeline.run_lock import RunLocked

    try:
        result, summary, captured, seconds = run_once(full_refresh=args.full_refresh, wait=wait, on_wait=waiting,
                                                      instance=instance, verbose=args.verbose,
                                                      allow_empty=args.allow_empty)
    except RunLocked as locked:
        _err(str(locked))
        return EXIT_BUSY
    except RunRefused as refused:
        _err(str(refused))
        return EXIT_UNREADABLE
    from gongkai.pipeline.summary import format_summary

    if not result.success and captured:
        print("\n".join(captured.splitlines()[-40:]))
    print(format_summary(summary))
    print(f"run took {seconds:.1f} s", flush=True)
    return 0 if result.success else EXIT_ERROR


# ------------------------------------------------------------------------------------------------------------------
# query / export


def _open_warehouse():
    """(read-only connection, 0), or (None, exit code) after a one-line message: busy, or no warehouse yet."""
    from gongkai.warehouse.paths import warehouse_path
    from gongkai.warehouse.read_only import WarehouseBusy, connect_read_only

    try:
        return connect_read_only(warehouse_path()), 0
    except WarehouseBusy as busy:
        _err(str(busy))
        return None, EXIT_BUSY
    except FileNotFoundError as error:
        _err(f"gongkai: {error}")
        return None, EXIT_ERROR


def cmd_query(args: argparse.Namespace) -> int:
    from gongkai import export
    from gongkai.warehouse.read_only import QueryFailed, fetch

    _set_paths(args)
    con, status = _open_warehouse()
    if con is None:
        return status
    try:
        columns, rows = fetch(con, args.sql)
    except QueryFailed as failed:
        _err(f"gongkai: {failed}")
        return EXIT_ERROR
    finally:
        con.close()
    if not columns:
        return 0
    if args.format == "json":
        print(export.to_json(columns, rows))
    elif args.format == "csv":
        sys.stdout.write(export.to_csv(columns, rows))
    else:
        print(export.to_text_table(columns, rows))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import pandas as pd

    from gongkai import export
    from gongkai.warehouse.read_only import QueryFailed, fetch, is_table_name, mart_query

    _set_paths(args)
    if bool(args.mart) == bool(args.sql):
        _err("gongkai: export takes a mart name or --sql \"SELECT …\" (one of them)")
        return EXIT_ERROR
    if args.mart and not is_table_name(args.mart):
        _err(f"gongkai: not a table name: {args.mart!r}")
        return EXIT_ERROR
    con, status = _open_warehouse()
    if con is None:
        return status
    try:
        sql, table = (args.sql, None) if args.sql else mart_query(con, args.mart)
        columns, rows = fetch(con, sql)
    except QueryFailed as failed:
        _err(f"gongkai: {failed}")
        return EXIT_ERROR
    finally:
        con.close()
    out = Path(args.out)
    export.write_file(pd.DataFrame(rows, columns=columns), out, args.format, table=table,
                      sheet=(table or "query").split(".")[-1])
    print(f"wrote {len(rows)} rows of {table or 'the query'} to {out}")
    return 0


# ------------------------------------------------------------------------------------------------------------------
# review


def cmd_report(args: argparse.Namespace) -> int:
    from gongkai.site.build import build_site
    from gongkai.warehouse.paths import raw_dir

    _set_paths(args)
    con, status = _open_warehouse()
    if con is None:
        return status
    try:
        site = build_site(con, Path(args.out), raw_dir())
    finally:
        con.close()
    print(f"wrote {len(site.written)} of {len(site.pages)} pages to {args.out} (the others unchanged; "
          f"open {Path(args.out) / 'index.html'})")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from gongkai.extract.document import DocumentError
    from gongkai.review.review import review_file
    from gongkai.review.sheet import format_text, write_xlsx

    status, reviews = 0, []
    for name in args.files:
        try:
            review = review_file(Path(name))
        except DocumentError as error:
            _err(f"gongkai: cannot read {name}: [{error.kind}] {error}")
            status = EXIT_UNREADABLE
            continue
        reviews.append(review)
        print(format_text(review))
    if args.xlsx and reviews:
        print(f"wrote the review sheets of {len(reviews)} reports to {write_xlsx(reviews, args.xlsx)}")
    return status


# ------------------------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="Chinese department final-accounts warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse report files: one file as JSON, or a summary line per file")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--summary", action="store_true", help="one line per file: tables, rows, checks pass/fail")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("synth", help="generate synthetic reports with their truth (tests, benchmarks)")
    p.add_argument("--departments", type=int, default=3)
    p.add_argument("--years", type=int, default=2)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pdf", action="store_true", help="also render each report to PDF")
    p.add_argument("--budgets", action="store_true", help="also write each final's budget of the same year (PDF)")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("run", help="run the whole pipeline in-process and print a summary")
    p.add_argument("--raw", help="raw folder (default: $GONGKAI_RAW or <repo>/raw)")
    p.add_argument("--warehouse", help="warehouse file (default: $GONGKAI_WAREHOUSE or <repo>/warehouse/gongkai.duckdb)")
    p.add_argument("--full-refresh", action="store_true", help="re-parse every file and dbt build --full-refresh")
    p.add_argument("-v", "--verbose", action="store_true", help="show Dagster's run log")
    p.add_argument("--wait", action="store_true",
                   help="if another run holds this warehouse's run lock, wait for it (default: refuse, exit 3)")
    p.add_argument("--watch", action="store_true",
                   help="keep running: run again whenever the raw folder's content changes (Ctrl-C stops); runs "
                        "after the first skip Python, Dagster and GX start-up")
    p.add_argument("--interval", type=float, default=0.5,
                   help="with --watch: seconds between looks at the raw folder (at most: on Linux a change in it is "
                        "looked at at once)")
    p.add_argument("--allow-empty", action="store_true",
                   help="let a raw folder with no loadable report empty a warehouse that holds reports "
                        "(refused otherwise)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("query", help="run SQL against the warehouse (read-only)")
    p.add_argument("sql")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="an aligned table (default), CSV or JSON (a list of objects) on stdout")
    p.add_argument("--warehouse")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", help="export a mart, or a query's result, to csv, parquet or xlsx")
    p.add_argument("mart", nargs="?", help="a mart (marts.<name> or <name>), or use --sql")
    p.add_argument("--sql", help="export the result of this read-only query instead of a mart")
    p.add_argument("--format", choices=["csv", "parquet", "xlsx"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--warehouse")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="write the department profiles (a static site with charts) from the warehouse")
    p.add_argument("--out", required=True, help="folder for index.html and one page per department")
    p.add_argument("--warehouse")
    p.add_argument("--raw", help="raw folder the report links open (default: $GONGKAI_RAW or <repo>/raw)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("review", help="review report files: every defect a reviewer would flag, with its page")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--xlsx", metavar="OUT", help="also write the review sheets (one sheet per report) to this xlsx")
    p.set_defaults(func=cmd_review)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


def run_command() -> None:
    """The ``gongkai`` command: :func:`main`, then the process ends without the interpreter's teardown."""
    try:
        status = main()
    except BrokenPipeError:  # the reader stopped reading (`gongkai parse FILE | head`): no traceback
        status = EXIT_ERROR
    exit_without_teardown(status)


def exit_without_teardown(status: int) -> None:
    """End the process without the interpreter's teardown: after a run, freeing dbt's, Dagster's and GX's objects
    module by module takes seconds and writes nothing. The exit hooks still run first (multiprocessing's, temporary
    folders', dbt-duckdb's, logging's), and Python's own buffers are flushed; by then the run has closed its DuckDB
    connections and published."""
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`gongkai query … | head`)
            pass
    os._exit(status)


if __name__ == "__main__":
    run_command()
