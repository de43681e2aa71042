"""What must hold before a run starts, so that a mistake never costs the warehouse: the raw folder exists and can be
read, the warehouse's folder can be written, the warehouse file is a DuckDB database, and a raw folder that holds
nothing does not silently empty a warehouse that holds reports. Each refusal is one line for the user."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

#: A DuckDB database file carries this magic at byte 8.
DUCKDB_MAGIC = b"DUCK"


class RunRefused(Exception):
    """The run was not started; the message says why in one line."""


def check_raw_folder(raw: Path) -> None:
    raw = Path(raw)
    if not raw.exists():
        raise RunRefused(f"gongkai: the raw folder {raw} does not exist (--raw / GONGKAI_RAW); nothing was run")
    if not raw.is_dir():
        raise RunRefused(f"gongkai: the raw folder {raw} is not a folder (--raw / GONGKAI_RAW); nothing was run")
    try:
        os.listdir(raw)
    except OSError as error:
        raise RunRefused(f"gongkai: cannot read the raw folder {raw}: {error.strerror or error}; nothing was run") \
            from None


def check_warehouse_path(warehouse: Path) -> None:
    """The warehouse's folder exists or can be made, a file can be written in it (build copies, staging, the lock
    live there), and an existing warehouse file is a DuckDB database."""
    warehouse = Path(warehouse)
    if warehouse.is_dir():
        raise RunRefused(f"gongkai: the warehouse path {warehouse} is a folder, not a file (--warehouse / "
                         "GONGKAI_WAREHOUSE); nothing was run")
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=warehouse.parent):
            pass
    except OSError as error:
        raise RunRefused(f"gongkai: cannot write in the warehouse folder {warehouse.parent}: "
                         f"{error.strerror or error}; nothing was run") from None
    if warehouse.exists():
        try:
            with open(warehouse, "rb") as handle:
                head = handle.read(12)
        except OSError as error:
            raise RunRefused(f"gongkai: cannot read the warehouse {warehouse}: {error.strerror or error}; "
                             "nothing was run") from None
        if head[8:12] != DUCKDB_MAGIC:
            raise RunRefused(f"gongkai: {warehouse} is not a DuckDB database (--warehouse / GONGKAI_WAREHOUSE); "
                             "nothing was run, and the file was left as it is")


def loaded_reports(warehouse: Path) -> int:
    """Reports the live warehouse holds now (0 if there is none yet or it cannot be read)."""
    import duckdb

    if not Path(warehouse).exists():
        return 0
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return con.execute("SELECT count(DISTINCT report_id) FROM raw.report_files "
                           "WHERE is_current AND status = 'loaded'").fetchone()[0]
    except duckdb.Error:
        return 0
    finally:
        con.close()


def check_not_emptying(raw: Path, files: list[str], warehouse: Path, *, allow_empty: bool) -> None:
    """Refuse a raw folder that holds no file when the warehouse holds reports (a wrong --raw, an unmounted disk)."""
    if files or allow_empty:
        return
    held = loaded_reports(warehouse)
    if held:
        raise RunRefused(f"gongkai: the raw folder {raw} holds no files, so this run would remove all {held} reports "
                         f"from {warehouse}; nothing was run (use `gongkai run --allow-empty` to empty it)")


def check_run(raw: Path, warehouse: Path, *, allow_empty: bool) -> list[str]:
    """Every check above; the raw folder's files (as listed by the pipeline) when the run may start."""
    from gongkai.warehouse.raw_folder import list_raw_files

    check_raw_folder(raw)
    check_warehouse_path(warehouse)
    files = list_raw_files(raw)
    check_not_emptying(raw, files, warehouse, allow_empty=allow_empty)
    return files
