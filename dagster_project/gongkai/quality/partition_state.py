"""The partitioned suites' state in the warehouse, read once and written once for the suites of a step.

``quality.gx_partition_state`` says which version of each report a suite validated, under which suite fingerprint;
``quality.gx_partition_failures`` how many rows of each report failed each expectation, with the first of them (as
JSON). :class:`PartitionState` reads both for the suites it is given in two queries, keeps what each validation
changes, and writes it all in one transaction (:meth:`PartitionState.save`): a step of 20 suites runs 10 statements
for its state instead of ≈ 12 per suite. What a suite records is gongkai.quality.incremental's to say.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field

import pyarrow as pa

from gongkai.quality.fingerprint import suite_fingerprint
from gongkai.quality.results import first_failing_rows
from gongkai.warehouse.duck import registered, transaction

STATE_TABLE = "quality.gx_partition_state"
FAILURES_TABLE = "quality.gx_partition_failures"

_DDL = (
    "CREATE SCHEMA IF NOT EXISTS quality",
    f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
    "(suite VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, report_id VARCHAR NOT NULL, version VARCHAR NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {FAILURES_TABLE} (suite VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, "
    "report_id VARCHAR NOT NULL, expectation_index INTEGER NOT NULL, unexpected_count BIGINT NOT NULL)",
    f"ALTER TABLE {FAILURES_TABLE} ADD COLUMN IF NOT EXISTS failing_rows VARCHAR",  # JSON: the first failing rows
)

Failure = tuple[str, int, int, str]  # report_id, expectation index, unexpected rows, its first failing rows (JSON)


@dataclass
class _Change:
    """What one suite's validation changes: every recorded row of the suite goes (``cleared``) or those of
    ``dropped`` reports; ``validated`` (report → version) and ``failures`` come in."""

    cleared: bool
    dropped: list[str] = field(default_factory=list)
    validated: dict[str, str] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)


class PartitionState:
    """The recorded state of the partitioned suites ``names`` (under their current fingerprints) on ``con``."""

    def __init__(self, con, names: Iterable[str]):
        self.con = con
        self.fingerprints = {name: suite_fingerprint(name) for name in names}
        for statement in _DDL:
            con.execute(statement)
        self._validated: dict[str, dict[str, str]] = {name: {} for name in self.fingerprints}
        self._failures: dict[str, list[tuple[str, int, int, str | None]]] = {name: [] for name in self.fingerprints}
        self._changes: dict[str, _Change] = {}
        with registered(con, "_gx_suites", self._suites()):
            for suite, report, version in con.execute(
                    f"SELECT s.suite, s.report_id, s.version FROM {STATE_TABLE} s JOIN _gx_suites u "
                    "ON s.suite = u.suite AND s.fingerprint = u.fingerprint").fetchall():
                self._validated[suite][report] = version
            for suite, *failure in con.execute(
                    f"SELECT f.suite, f.report_id, f.expectation_index, f.unexpected_count, f.failing_rows "
                    f"FROM {FAILURES_TABLE} f JOIN _gx_suites u ON f.suite = u.suite AND f.fingerprint = u.fingerprint "
                    "ORDER BY f.suite, f.report_id").fetchall():
                self._failures[suite].append(tuple(failure))

    def _suites(self) -> pa.Table:
        return pa.table({"suite": pa.array(list(self.fingerprints), pa.string()),
                         "fingerprint": pa.array(list(self.fingerprints.values()), pa.string())})

    def validated(self, name: str) -> dict[str, str]:
        """report_id → the version of its rows suite ``name`` last validated."""
        return self._validated[name]

    def carried(self, name: str, report_ids: Collection[str]) -> dict[int, tuple[int, int, list[dict]]]:
        """expectation index → (reports failing it, unexpected rows, the first failing rows) among ``report_ids``, as
        recorded."""
        wanted = set(report_ids)
        found: dict[int, tuple[set[str], int, list[str]]] = {}
        for report, index, count, rows in self._failures[name]:
            if report not in wanted:
                continue
            reports, total, samples = found.setdefault(int(index), (set(), 0, []))
            reports.add(report)
            if rows is not None:
                samples.append(rows)
            found[int(index)] = (reports, total + int(count), samples)
        return {index: (len(reports), total, first_failing_rows(row for r in samples for row in json.loads(r)))
                for index, (reports, total, samples) in found.items()}

    def record(self, name: str, versions: Mapping[str, str], todo: list[str], full: bool,
               failures: list[Failure] | None) -> None:
        """Suite ``name`` validated the reports ``todo`` of ``versions`` (all of them when ``full``) with these
        ``failures``; None: failures not attributable to reports — validate everything next time."""
        if failures is None:
            self._changes[name] = _Change(cleared=True)
            return
        gone = [report for report in self._validated[name] if report not in versions]
        self._changes[name] = _Change(cleared=full, dropped=[*todo, *gone],
                                      validated={report: versions[report] for report in todo}, failures=failures)

    def save(self) -> None:
        """Write what :meth:`record` was told, in one transaction."""
        if not self._changes:
            return
        changes = self._changes
        fingerprints = self.fingerprints
        suites = pa.table({"suite": pa.array(list(changes), pa.string()),
                           "fingerprint": pa.array([fingerprints[s] for s in changes], pa.string()),
                           "cleared": pa.array([c.cleared for c in changes.values()], pa.bool_())})
        dropped = [(s, r) for s, c in changes.items() if not c.cleared for r in c.dropped]
        validated = [(s, r, v) for s, c in changes.items() for r, v in c.validated.items()]
        failed = [(s, *f) for s, c in changes.items() for f in c.failures]
        tables = {
            "_gx_changed": suites,
            "_gx_dropped": pa.table({"suite": pa.array([d[0] for d in dropped], pa.string()),
                                     "report_id": pa.array([d[1] for d in dropped], pa.string())}),
            "_gx_state": pa.table({"suite": pa.array([v[0] for v in validated], pa.string()),
                                   "report_id": pa.array([v[1] for v in validated], pa.string()),
                                   "version": pa.array([v[2] for v in validated], pa.string())}),
            "_gx_failed": pa.table({"suite": pa.array([f[0] for f in failed], pa.string()),
                                    "report_id": pa.array([f[1] for f in failed], pa.string()),
                                    "expectation_index": pa.array([f[2] for f in failed], pa.int32()),
                                    "unexpected_count": pa.array([f[3] for f in failed], pa.int64()),
                                    "failing_rows": pa.array([f[4] for f in failed], pa.string())}),
        }
        con = self.con
        with ExitStack() as views:
            for name, table in tables.items():
                views.enter_context(registered(con, name, table))
            with transaction(con):
                for target in (STATE_TABLE, FAILURES_TABLE):
                    con.execute(f"DELETE FROM {target} t USING _gx_changed c WHERE t.suite = c.suite "
                                "AND (c.cleared OR t.fingerprint <> c.fingerprint)")
                    con.execute(f"DELETE FROM {target} t USING _gx_dropped d WHERE t.suite = d.suite "
                                "AND t.report_id = d.report_id")
                con.execute(f"INSERT INTO {STATE_TABLE} SELECT s.suite, c.fingerprint, s.report_id, s.version "
                            "FROM _gx_state s JOIN _gx_changed c USING (suite)")
                con.execute(f"INSERT INTO {FAILURES_TABLE} (suite, fingerprint, report_id, expectation_index, "
                            "unexpected_count, failing_rows) SELECT f.suite, c.fingerprint, f.report_id, "
                            "f.expectation_index, f.unexpected_count, f.failing_rows FROM _gx_failed f "
                            "JOIN _gx_changed c USING (suite)")
        self._changes = {}
