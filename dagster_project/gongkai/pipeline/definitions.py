"""The Dagster code location ([tool.dagster] module_name): assets, checks, sensor, schedule, job, resources."""

from __future__ import annotations

import dagster as dg
from gongkai.pipeline.assets import all_assets
from gongkai.pipeline.checks import all_checks
from gongkai.pipeline.published import department_profiles, report_coverage
from gongkai.pipeline.resources import WarehouseResource
from gongkai.pipeline.schedules import daily_full_refresh
from gongkai.pipeline.sensors import JOB_NAME, raw_folder_sensor

#: Run tag of every run that writes (and publishes) the warehouse.
WRITER_TAG = "gongkai/warehouse_writer"

#: Everything: parse (partitioned) → raw_tables → dbt → checks → warehouse (publish).
gongkai_all = dg.define_asset_job(
    JOB_NAME,
    selection=dg.AssetSelection.all(include_sources=False),
    # Lets dagster.yaml queue whole runs: concurrency.runs.tag_concurrency_limits [{key: WRITER_TAG, limit: 1}]
    # (docs/reliability.md). Steps that open DuckDB are serialized by the pool gongkai_warehouse regardless.
    tags={WRITER_TAG: "true"},
    description="Parse the selected report partitions, load the raw schema, build the dbt models, run the checks "
    "and publish the warehouse.",
)


def build_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[*all_assets(), report_coverage, department_profiles],
        asset_checks=all_checks(),
        jobs=[gongkai_all],
        sensors=[raw_folder_sensor],
        schedules=[daily_full_refresh],
        resources={"gongkai": WarehouseResource()},
    )


defs = build_definitions()
