"""Make a bigger warehouse for query timing from a built one: every marts table × K (ids suffixed), no re-parse.

    python benchmarks/replicate.py SOURCE.duckdb TARGET.duckdb --times 5

A stand-in when a true N-report build is too slow for the machine at hand (the row counts and distributions of
the marts are K copies of the source's; department_id / report_id / department get a '~k' suffix so that
per-department windows and rankings see K× as many departments). Say so next to any figure measured on it.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

SUFFIXED = ("department_id", "report_id", "department", "canonical_name")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()
    import duckdb

    args.target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.source, args.target)
    con = duckdb.connect(str(args.target))
    tables = con.execute("select table_name from information_schema.tables where table_schema = 'marts' "
                         "and table_type = 'BASE TABLE'").fetchall()
    for (name,) in tables:
        cols = {c for (c,) in con.execute("select column_name from information_schema.columns where table_schema = "
                                          "'marts' and table_name = ?", [name]).fetchall()}
        replace = [f"{c} || '~' || k::varchar as {c}" for c in SUFFIXED if c in cols]
        select = f"select * replace ({', '.join(replace)})" if replace else "select *"
        con.execute(f'create table marts."{name}__x" as {select} from marts."{name}", range({args.times}) t(k) '
                    f"where k > 0 or true")
        if replace:
            con.execute(f'create or replace table marts."{name}" as select * exclude (k) from marts."{name}__x"')
        else:
            con.execute(f'create or replace table marts."{name}" as select * exclude (k) from marts."{name}__x"')
        con.execute(f'drop table marts."{name}__x"')
    con.execute("checkpoint")
    n = con.execute("select count(*) from marts.fct_report_summary").fetchone()[0]
    con.close()
    print(f"{args.target}: marts × {args.times} ({n} report rows)")


if __name__ == "__main__":
    main()
