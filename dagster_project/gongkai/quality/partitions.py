"""The rows of a partitioned suite's table by report: the reports cut into batches of at most N rows, and the rows
of one batch (as a SQL relation, or read into pandas)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyarrow as pa

from gongkai.quality.specs import NULL_PARTITION
from gongkai.warehouse.duck import registered

if TYPE_CHECKING:
    import pandas as pd


def ids_table(report_ids: list[str]) -> pa.Table:
    return pa.table({"report_id": pa.array(report_ids, pa.string())})


def _partition(column: str) -> str:
    return f"coalesce({column}, '{NULL_PARTITION}')"


def all_reports(con, table: str, column: str) -> list[str]:
    """Every value of the partition column (NULL as :data:`NULL_PARTITION`), in order."""
    return [r for (r,) in con.execute(f"SELECT DISTINCT {_partition(column)} AS p FROM {table} ORDER BY p").fetchall()]


def report_batches(con, table: str, column: str, report_ids: list[str], batch_rows: int) -> list[tuple[list[str], int]]:
    """``report_ids`` (in order) cut into consecutive runs of at most ``batch_rows`` rows of ``table`` (a report with
    more rows alone), each with its number of rows; reports without rows are left out."""
    if not report_ids:
        return []
    with registered(con, "_gx_reports", ids_table(report_ids)):
        counts = dict(con.execute(f"SELECT {_partition(column)} AS p, count(*) FROM {table} WHERE "
                                  f"{_partition(column)} IN (SELECT report_id FROM _gx_reports) GROUP BY p").fetchall())
    batches: list[tuple[list[str], int]] = []
    for report in report_ids:
        if report not in counts:
            continue
        if not batches or batches[-1][1] + counts[report] > batch_rows:
            batches.append(([], 0))
        reports, rows = batches[-1]
        reports.append(report)
        batches[-1] = (reports, rows + counts[report])
    return batches


@contextmanager
def rows_of(con, table: str, column: str, report_ids: list[str]) -> Iterator[str]:
    """A relation of the rows of ``report_ids`` in ``table`` with their position in it (``_gx_rowid``: failing rows
    are listed in table order, the same on every run), for the length of the block."""
    with registered(con, "_gx_reports", ids_table(report_ids)):
        yield (f"(SELECT rowid AS _gx_rowid, * FROM {table} "
               f"WHERE {_partition(column)} IN (SELECT report_id FROM _gx_reports))")


def frame_of(con, table: str, column: str, report_ids: list[str]) -> pd.DataFrame:
    """The rows of ``report_ids`` in ``table``, read into pandas in table order."""
    with rows_of(con, table, column, report_ids) as relation:
        return con.execute(f"SELECT * EXCLUDE (_gx_rowid) FROM {relation} ORDER BY _gx_rowid").df()
