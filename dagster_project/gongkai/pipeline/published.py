"""Assets on the published warehouse, after ``warehouse``: what an analyst opens — the coverage grid in the Dagster UI
(``report_coverage``) and the department profiles site (``department_profiles``). Both read the live file
read-only.
"""

import dagster as dg

from gongkai.pipeline.coverage import read_coverage
from gongkai.pipeline.resources import PUBLISH_KEY, WAREHOUSE_POOL, WarehouseResource


@dg.asset(
    deps=[PUBLISH_KEY],
    pool=WAREHOUSE_POOL,
    group_name="publish",
    kinds={"duckdb"},
    description="Which reports the published warehouse holds: the department × year × kind grid (loaded, "
    "superseded, failed, missing) as a table in this asset's metadata.",
)
def report_coverage(context: dg.AssetExecutionContext, gongkai: WarehouseResource):
    live = gongkai.live_path()
    if not live.exists():
        context.log.warning(f"no published warehouse at {live}")
        return dg.MaterializeResult(metadata={"coverage": "no published warehouse"})
    import duckdb

    con = duckdb.connect(str(live), read_only=True)
    try:
        coverage = read_coverage(con)
    finally:
        con.close()
    return dg.MaterializeResult(metadata={**coverage.counts(), "coverage": dg.MetadataValue.md(coverage.markdown())})


@dg.asset(
    deps=[PUBLISH_KEY],
    pool=WAREHOUSE_POOL,
    group_name="publish",
    kinds={"html"},
    description="Department profiles: a static site (index.html and one page per department, charts as inline SVG) "
    "written from the published warehouse into the site/ folder next to it; opens from disk. A page whose rows and "
    "linked files did not change since the last build is kept.",
)
def department_profiles(context: dg.AssetExecutionContext, gongkai: WarehouseResource):
    from gongkai.site.build import build_site

    live = gongkai.live_path()
    if not live.exists():
        context.log.warning(f"no published warehouse at {live}")
        return dg.MaterializeResult(metadata={"pages": 0})
    import duckdb

    con = duckdb.connect(str(live), read_only=True)
    try:
        site = build_site(con, live.parent / "site", gongkai.raw_dir())
    finally:
        con.close()
    return dg.MaterializeResult(metadata={"pages": len(site.pages), "pages_written": len(site.written),
                                          "index": dg.MetadataValue.path(str(site.pages[0]))})


#: The assets a run builds after publishing (every run that publishes includes them).
PUBLISHED_KEYS = [report_coverage.key, department_profiles.key]
