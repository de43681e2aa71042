"""Where things live: the raw folder, the warehouse file, the staging area and the per-run build copies.

``GONGKAI_RAW`` (default ``<repo>/raw``) and ``GONGKAI_WAREHOUSE`` (default ``<repo>/warehouse/gongkai.duckdb``) are
read on every call, so tests and the CLI can point the pipeline elsewhere by setting the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"


def raw_dir() -> Path:
    return Path(os.environ.get("GONGKAI_RAW") or REPO_ROOT / "raw").absolute()


def warehouse_path() -> Path:
    return Path(os.environ.get("GONGKAI_WAREHOUSE") or REPO_ROOT / "warehouse" / "gongkai.duckdb").absolute()


def staging_dir(warehouse: Path | None = None) -> Path:
    """Parsed reports staged as Parquet: ``<warehouse folder>/staging/<report_id>/<table>.parquet``."""
    return (warehouse or warehouse_path()).parent / "staging"


def build_dir(warehouse: Path | None = None) -> Path:
    """Per-run build copies of the warehouse (published by an atomic ``os.replace``)."""
    return (warehouse or warehouse_path()).parent / "build"


def dbt_build_path(warehouse: Path | None = None) -> Path:
    """The stable name under which dbt sees a run's build copy (a hard link to it, for the length of the dbt step).

    dbt re-parses the whole project when the profile's connection changes; a per-run file name would change it on
    every run. The file keeps the warehouse's own name, so its DuckDB catalog name is the live file's.
    """
    warehouse = warehouse or warehouse_path()
    return build_dir(warehouse) / "dbt" / warehouse.name
