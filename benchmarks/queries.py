"""Benchmark: comparison queries on a built warehouse (read-only), median of N runs each, warm.

    python benchmarks/queries.py [WAREHOUSE] [--runs N] [--sql-file FILE]

WAREHOUSE defaults to $GONGKAI_BENCH_DIR/wh-5000 (else the largest wh-N there, else the repo's warehouse).
The queries are the comparisons an analyst runs (docs/comparison.md, when it exists, supersedes them: any ```sql
block in it is timed too): top departments by expenditure per year, year-on-year change per department, SME
share ranking, expenditure by function class across departments. Each is timed on a fresh read-only connection
(first run: cold, includes opening the file) and then warm (median). Target: < 100 ms each.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import BENCH_DIR, REPO, Row, format_table, machine_line, median_ms, record  # noqa: E402

TARGET_MS = 100.0

QUERIES: dict[str, str] = {
    "top 10 departments by expenditure, per year": """
        select year, department, expenditure_total from (
            select year, department, expenditure_total,
                   row_number() over (partition by year order by expenditure_total desc nulls last) as rank
            from marts.fct_report_summary where kind = 'final'
        ) where rank <= 10 order by year, rank""",
    "year-on-year change per department": """
        select department_id, year, expenditure_total,
               expenditure_total - lag(expenditure_total) over w as change,
               round(100 * (expenditure_total / nullif(lag(expenditure_total) over w, 0) - 1), 2) as change_pct
        from marts.fct_report_summary
        window w as (partition by department_id order by year)
        order by abs(change) desc nulls last limit 50""",
    "SME share ranking (latest year)": """
        select department, year, procurement_total, sme_amount, sme_share_pct,
               rank() over (order by sme_share_pct desc nulls last) as rank
        from marts.fct_report_summary
        where year = (select max(year) from marts.fct_report_summary) and procurement_total > 0
        order by rank limit 50""",
    "expenditure by function class (类) across departments": """
        select year, function_code, any_value(function_name) as name, count(distinct department_id) as departments,
               sum(total) as total, median(total) as median_total
        from marts.fct_expenditure_by_function
        where scope = 'all_funds' and level = 1
        group by year, function_code order by year, total desc""",
    "one department's functions over the years": """
        select year, function_code, function_name, total, basic, project
        from marts.fct_expenditure_by_function
        where department_id = (select min(department_id) from marts.fct_report_summary) and scope = 'all_funds'
        order by function_code, year""",
}


def doc_queries() -> dict[str, str]:
    path = REPO / "docs" / "comparison.md"
    if not path.exists():
        return {}
    found = {}
    for i, block in enumerate(re.findall(r"```sql\n(.*?)```", path.read_text(encoding="utf-8"), re.S)):
        first = block.strip().splitlines()[0]
        name = first.lstrip("- ").strip() if first.startswith("--") else f"docs/comparison.md #{i + 1}"
        found[f"doc: {name[:50]}"] = block
    return found


def default_warehouse() -> Path:
    sizes = sorted((int(p.name.split("-")[1]), p) for p in BENCH_DIR.glob("wh-*") if (p / "gongkai.duckdb").exists())
    if sizes:
        return sizes[-1][1] / "gongkai.duckdb"
    return REPO / "warehouse" / "gongkai.duckdb"


def run_queries(warehouse: Path, *, runs: int = 20, label: str = "queries", extra: dict[str, str] | None = None
                ) -> list[Row]:
    import duckdb

    queries = {**QUERIES, **doc_queries(), **(extra or {})}
    rows: list[Row] = []
    t = time.perf_counter()
    con = duckdb.connect(str(warehouse), read_only=True)
    open_ms = (time.perf_counter() - t) * 1000
    reports = con.execute("select count(*) from marts.fct_report_summary").fetchone()[0]
    rows.append(Row(label, f"open read-only ({reports} reports)", open_ms, "ms"))
    try:
        for name, sql in queries.items():
            cold = time.perf_counter()
            try:
                n = len(con.execute(sql).fetchall())
            except duckdb.Error as error:
                rows.append(Row(label, name, f"ERROR {str(error).splitlines()[0][:60]}"))
                continue
            cold_ms = (time.perf_counter() - cold) * 1000
            wall, cpu = median_ms(lambda sql=sql: con.execute(sql).fetchall(), runs)
            rows.append(Row(label, f"{name} ({n} rows; first run {cold_ms:.0f} ms)", wall, "ms", f"< {TARGET_MS:.0f} ms",
                            wall < TARGET_MS, f"{cpu:.1f} ms"))
    finally:
        con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sql-file", type=Path, help="also time the statements in this file (split on ';')")
    args = parser.parse_args()
    warehouse = args.warehouse or default_warehouse()
    if not warehouse.exists():
        raise SystemExit(f"no warehouse at {warehouse}: run benchmarks/end_to_end.py or `make run` first")
    extra = {}
    if args.sql_file:
        for i, stmt in enumerate(s for s in args.sql_file.read_text().split(";") if s.strip()):
            extra[f"{args.sql_file.name} #{i + 1}"] = stmt
    print(machine_line())
    print(f"warehouse: {warehouse}")
    rows = run_queries(warehouse, runs=args.runs, extra=extra)
    record(rows, script="queries", warehouse=str(warehouse))
    print(format_table(rows))


if __name__ == "__main__":
    main()
