"""The Dagster instance of ``gongkai run``: ephemeral, as ``DagsterInstance.ephemeral()`` (runs and events in memory,
gone with the process), with its two in-memory stores each on one held SQLite connection.

Dagster's in-memory run and event stores open a new SQLite connection, and set two PRAGMAs on it, for every read and
write, and the event log asks SQLite whether a table exists (on one more new connection) before most writes: a +1
run into 200 reports makes ≈ 3,400 connections (its ≈ 700 events, the asset records each materialization's data
version reads, the planned events, the dynamic partitions). Here every statement goes to one connection per store,
opened once (foreign keys on, as Dagster sets them), serialized by a lock, a use inside another joining its
transaction; a table's existence, and the asset keys table's columns, are asked once. What is stored, and read back, is Dagster's own doing, unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster import DagsterInstance
from dagster._core.instance.types import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.event_log.schema import AssetKeyTable
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage
from sqlalchemy.pool import StaticPool


class _OneConnection:
    """Every use of an in-memory SQLite database on one connection: one at a time (a lock); a use inside another
    (same thread) is given the open connection and its transaction."""

    def __init__(self, url: db.engine.URL) -> None:
        self._engine = db.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        db.event.listen(self._engine, "connect", _foreign_keys_on)
        self._lock = threading.RLock()
        self._open: db.engine.Connection | None = None

    @contextmanager
    def connect(self) -> Iterator[db.engine.Connection]:
        with self._lock:
            if self._open is not None:
                yield self._open
                return
            with self._engine.connect() as conn, conn.begin():
                self._open = conn
                try:
                    yield conn
                finally:
                    self._open = None

    def dispose(self) -> None:
        self._engine.dispose()


def _foreign_keys_on(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


class HeldEventLogStorage(InMemoryEventLogStorage):
    """Dagster's in-memory event log on one held connection."""

    def __init__(self, inst_data=None, preload=None) -> None:
        self._one = None
        self._tables: dict[str, bool] = {}
        self._asset_key_columns: frozenset[str] | None = None
        super().__init__(inst_data, preload)
        self._one = _OneConnection(self._engine.url)

    @contextmanager
    def _connect(self):
        if self._one is None:  # Dagster's __init__ (its preload) runs before the connection is opened
            with super()._connect() as conn:
                yield conn
            return
        with self._one.connect() as conn:
            yield conn

    def has_table(self, table_name: str) -> bool:
        """Dagster asks before most writes (a new connection each time); the tables of a store made in this
        process are those Dagster created, and stay."""
        if table_name not in self._tables:
            self._tables[table_name] = super().has_table(table_name)
        return self._tables[table_name]

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        """Dagster inspects the asset keys table's columns (PRAGMA table_info) before each asset event and asset
        record read (≈ 490 times in a +1); they are the columns Dagster created, and stay."""
        if self._asset_key_columns is None:
            self._asset_key_columns = frozenset(c["name"] for c in db.inspect(conn).get_columns(AssetKeyTable.name))
        return column_name in self._asset_key_columns

    def dispose(self) -> None:
        super().dispose()
        self._one.dispose()


class HeldRunStorage(InMemoryRunStorage):
    """Dagster's in-memory run storage on one held connection."""

    def __init__(self, preload=None) -> None:
        self._one = None
        super().__init__(preload)
        self._one = _OneConnection(self._engine.url)

    @contextmanager
    def connect(self):
        if self._one is None:
            with super().connect() as conn:
                yield conn
            return
        with self._one.connect() as conn:
            yield conn

    def dispose(self) -> None:
        super().dispose()
        self._one.dispose()


def ephemeral_instance() -> DagsterInstance:
    """``DagsterInstance.ephemeral()`` with the run and event stores above."""
    return DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=HeldRunStorage(),
        event_storage=HeldEventLogStorage(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
