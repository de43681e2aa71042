"""Resources: where the raw folder and the warehouse are, and the build-then-publish life cycle of a run.

Readers must never see a half-written warehouse. Every run writes into its own copy,
``<warehouse dir>/build/<run_id>.duckdb`` (a copy of the live file made when the run's first writing step starts, or
begun while the run parses);
dbt builds into that copy too; the ``warehouse`` asset publishes it with ``os.replace`` — an atomic rename on the
same filesystem — once raw tables, dbt models and the blocking checks have succeeded. A reader that opened the old
file keeps reading the old file; the next reader opens the new one. See docs/pipeline.md.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from gongkai.warehouse import paths

#: Every step that writes or reads a build copy runs in this pool; its limit is 1 (dagster.yaml), so DuckDB
#: never sees two writers (nor a reader next to a writer) on one file.
WAREHOUSE_POOL = "gongkai_warehouse"
#: Asset key of the publishing asset; a run that does not include it publishes after each writing step instead.
PUBLISH_KEY = dg.AssetKey("warehouse")
#: A build copy left by a run that ended without publishing is removed after this many seconds.
STALE_BUILD_SECONDS = 6 * 3600
#: Build copies being made by start_build_in_background: build path → its thread.
_BUILDS_UNDER_WAY: dict[str, threading.Thread] = {}


class WarehouseResource(dg.ConfigurableResource):
    """Paths of the raw folder and of the warehouse; empty means the environment (GONGKAI_RAW, GONGKAI_WAREHOUSE)."""

    raw: str = ""
    warehouse: str = ""

    # -- paths ---------------------------------------------------------------------------------------------------
    def raw_dir(self) -> Path:
        return Path(self.raw).absolute() if self.raw else paths.raw_dir()

    def live_path(self) -> Path:
        return Path(self.warehouse).absolute() if self.warehouse else paths.warehouse_path()

    def staging_dir(self) -> Path:
        return paths.staging_dir(self.live_path())

    def build_path(self, run_id: str) -> Path:
        return paths.build_dir(self.live_path()) / f"{run_id}.duckdb"

    # -- build / publish ----------------------------------------------------------------------------------------
    def start_build(self, run_id: str, *, fresh: bool = False) -> Path:
        """Return this run's build copy, creating it from the live warehouse if needed (or anew if ``fresh``, unless
        :meth:`start_build_in_background` made it for this run in this process: waited for)."""
        build = self.build_path(run_id)
        under_way = _BUILDS_UNDER_WAY.pop(str(build), None)
        if under_way is not None:
            under_way.join()
            if build.exists():
                return build
        build.parent.mkdir(parents=True, exist_ok=True)
        if build.exists() and not fresh:
            return build
        return self._copy_live(build)

    def start_build_in_background(self, run_id: str) -> None:
        """Make this run's build copy from the live warehouse in a thread (the copy is the kernel's: it leaves the
        process its CPU), for the run's first writing step, which :meth:`start_build` then waits for. Runs on one
        warehouse are serialized (run_lock), so the live file does not change until this run publishes. A copy that
        fails is made again, or fails, in the step."""
        build = self.build_path(run_id)
        if str(build) in _BUILDS_UNDER_WAY:
            return
        build.parent.mkdir(parents=True, exist_ok=True)
        thread = threading.Thread(target=self._copy_live, args=(build,), name="build-copy", daemon=True)
        _BUILDS_UNDER_WAY[str(build)] = thread
        thread.start()

    def _copy_live(self, build: Path) -> Path:
        live = self.live_path()
        tmp = build.with_suffix(f".copy-{os.getpid()}")
        _owner_file(build).write_text(str(os.getpid()))
        try:
            if live.exists():
                shutil.copyfile(live, tmp)
        except BaseException:  # disk full, killed: no half copy is left behind
            tmp.unlink(missing_ok=True)
            raise
        if not live.exists() and tmp.exists():
            tmp.unlink()
        if tmp.exists():
            os.replace(tmp, build)
        elif build.exists():
            build.unlink()
        return build

    def publish(self, run_id: str) -> Path | None:
        """Atomically replace the live warehouse by this run's build copy. Returns the live path (None if no build)."""
        import duckdb

        build = self.build_path(run_id)
        if not build.exists():
            return None
        if build.with_name(build.name + ".wal").exists():  # the last writer's close usually checkpointed already
            con = duckdb.connect(str(build))
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()
        live = self.live_path()
        live.parent.mkdir(parents=True, exist_ok=True)
        os.replace(build, live)
        build.with_name(build.name + ".wal").unlink(missing_ok=True)
        _owner_file(build).unlink(missing_ok=True)
        return live

    def discard_stale_builds(self, instance: dg.DagsterInstance | None, keep: str) -> list[Path]:
        """Remove what runs that ended left in build/: their build copies with their .wal and owner files, half
        copies and orphan .wal files. A build copy is left when its run ended (disk full, killed, a blocking check)
        and goes once that run is known to have finished, or — a run this instance does not know (``gongkai run``
        uses a fresh one each time) — once the process that made it is gone, or after STALE_BUILD_SECONDS. Never
        touches the live file."""
        removed = []
        folder = paths.build_dir(self.live_path())
        if not folder.is_dir():
            return removed
        for path in folder.glob("*.duckdb"):
            run_id = path.stem
            if run_id == keep:
                continue
            run = instance.get_run_by_id(run_id) if instance is not None else None
            finished = run is not None and run.is_finished
            old = time.time() - path.stat().st_mtime > STALE_BUILD_SECONDS
            if finished or (run is None and (old or not _owner_alive(path))):
                for leftover in (path, path.with_name(path.name + ".wal"), _owner_file(path)):
                    if leftover.exists():
                        leftover.unlink(missing_ok=True)
                        removed.append(leftover)
        for path in folder.iterdir():
            if _orphan_leftover(path):
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    @contextmanager
    def stable_build_name(self, run_id: str):
        """This run's build copy under the stable name dbt's profile points at (:func:`paths.dbt_build_path`): a hard
        link made for the length of a block, so dbt's partial parsing holds across runs. Where hard links are not
        supported the build copy's own path is used (dbt then parses the whole project)."""
        import duckdb

        build = self.start_build(run_id)
        stable = paths.dbt_build_path(self.live_path())
        wal = stable.with_name(stable.name + ".wal")
        stable.parent.mkdir(parents=True, exist_ok=True)
        stable.unlink(missing_ok=True)  # left by a run that was killed: runs that write are serialized
        wal.unlink(missing_ok=True)
        try:
            os.link(build, stable)
        except OSError:
            yield build
            return
        try:
            yield stable
        finally:
            if wal.exists():  # fold a write-ahead log into the file before the name goes away
                con = duckdb.connect(str(stable))
                try:
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
            stable.unlink(missing_ok=True)

    @contextmanager
    def connect(self, run_id: str | None = None, *, read_only: bool = False):
        """A DuckDB connection to this run's build copy (if it exists), else to the live warehouse."""
        import duckdb

        target = self.build_path(run_id) if run_id else None
        if target is None or not target.exists():
            target = self.live_path()
        con = duckdb.connect(str(target), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


def _owner_file(build: Path) -> Path:
    """The pid of the process that made a build copy, next to it."""
    return build.with_name(build.stem + ".owner")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_alive(build: Path) -> bool:
    """The process that made ``build`` still runs (unknown owner: assumed alive, the age rule applies)."""
    try:
        return _pid_alive(int(_owner_file(build).read_text().strip()))
    except (OSError, ValueError):
        return True


def _orphan_leftover(path: Path) -> bool:
    """A half copy whose process is gone, or a .wal / owner file whose build copy is gone."""
    if ".copy-" in path.name:
        pid = path.name.rsplit(".copy-", 1)[1]
        return pid.isdigit() and not _pid_alive(int(pid))
    if path.name.endswith(".duckdb.wal"):
        return not path.with_name(path.name[: -len(".wal")]).exists()
    if path.suffix == ".owner":
        return not path.with_suffix(".duckdb").exists()
    return False


def run_publishes_at_end(context) -> bool:
    """True when this run includes the ``warehouse`` asset (which publishes); otherwise each writing step publishes."""
    selection = context.run.asset_selection
    if selection:  # an empty selection means "the whole job"
        return PUBLISH_KEY in selection
    steps = context.run.step_keys_to_execute
    return steps is None or PUBLISH_KEY.to_python_identifier() in steps


@contextmanager
def temporary_env(**values: str):
    """Set environment variables for the duration of a block (dbt reads GONGKAI_WAREHOUSE from the environment)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
