"""The partitioned GX suites' state (gongkai.quality.partition_state) written once a step."""

import duckdb

from gongkai.quality.partition_state import STATE_TABLE, PartitionState
from gongkai.quality.suites import SUITES


def test_saved_though_the_step_left_a_result_half_read_on_its_connection():
    """A check's count(*)…fetchone() before the save left DuckDB's result unfinished, and register() refused every
    +1's raw suites' state ('connection has an unfinished result'): the next run validated those reports again."""
    con = duckdb.connect()
    suite = next(name for name, spec in SUITES.items() if spec.partition_column)
    state = PartitionState(con, [suite])
    state.record(suite, {"r1": "v1", "r2": "v2"}, ["r1", "r2"], full=True, failures=[])
    con.execute("SELECT * FROM range(3)").fetchone()
    state.save()
    assert con.execute(f"SELECT suite, report_id, version FROM {STATE_TABLE} ORDER BY report_id").fetchall() == [
        (suite, "r1", "v1"), (suite, "r2", "v2")]
