"""The raw-folder sensor: new, changed or removed files → dynamic partitions + one run over all partitions.

Cursor: JSON ``{path: sha256}`` of what the raw folder held at the last tick (files are addressed by content, so a
touched-but-unchanged file triggers nothing). On a change the sensor adds partitions for new files, deletes those of
removed files, and requests ONE ``gongkai_all`` run over the partition range from the first new or changed file to the
last partition (new files are appended, so adding a report parses just that one; any file in the range whose content
is already staged is a cache hit) — and dbt runs once. When files were only removed, the run skips parsing.
"""


import hashlib
import json

import dagster as dg

from gongkai.pipeline.assets import DBT_KEYS, RAW_TABLES_KEY, report_files_partitions
from gongkai.pipeline.published import PUBLISHED_KEYS
from gongkai.pipeline.resources import PUBLISH_KEY, WarehouseResource
from gongkai.warehouse.raw_folder import partition_key_for, scan_raw

JOB_NAME = "gongkai_all"


def partition_range_tags(keys: list[str]) -> dict[str, str]:
    """Run tags selecting the partition range [first, last] of the dynamic partitions (in their stored order)."""
    return {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }


def parse_range(ordered_keys: list[str], stale_keys: set[str]) -> list[str]:
    """The partitions a run parses: from the first stale key (in stored order) to the last key; [] if none is stale."""
    first = next((i for i, key in enumerate(ordered_keys) if key in stale_keys), None)
    return [] if first is None else ordered_keys[first:]


def without_parsing() -> list[dg.AssetKey]:
    """Every asset but ``parsed_report``: a run that only reloads what is staged (files removed, nothing to parse)."""
    return [RAW_TABLES_KEY, *DBT_KEYS, PUBLISH_KEY, *PUBLISHED_KEYS]


@dg.sensor(
    name="raw_folder_sensor",
    job_name=JOB_NAME,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watch GONGKAI_RAW for new/changed/removed report files (by sha256) and rebuild the warehouse.",
)
def raw_folder_sensor(context: dg.SensorEvaluationContext, gongkai: WarehouseResource):
    previous: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    now = scan_raw(gongkai.raw_dir(), gongkai.staging_dir())
    changed = sorted(p for p, sha in now.items() if previous.get(p) != sha)
    removed = sorted(p for p in previous if p not in now)
    existing = list(context.instance.get_dynamic_partitions(report_files_partitions.name))
    known = set(existing)
    wanted = {partition_key_for(p) for p in now}
    to_add = sorted(key for key in wanted if key not in known)
    to_delete = sorted(k for k in existing if k not in wanted)
    if not changed and not removed and not to_add and not to_delete:
        return dg.SkipReason(f"no change in {len(now)} files")
    requests = []
    if to_add:
        requests.append(report_files_partitions.build_add_request(to_add))
    if to_delete:
        requests.append(report_files_partitions.build_delete_request(to_delete))
    keys = [k for k in existing if k in wanted] + to_add  # the stored order after the requests apply
    state = json.dumps(now, sort_keys=True, ensure_ascii=False)
    run_key = hashlib.sha256(state.encode()).hexdigest()[:20]
    tags = {"gongkai/changed_files": str(len(changed) + len(removed))}
    to_parse = parse_range(keys, {partition_key_for(p) for p in changed})
    if to_parse:
        run_request = dg.RunRequest(run_key=run_key, job_name=JOB_NAME, tags={**partition_range_tags(to_parse), **tags})
    else:
        run_request = dg.RunRequest(run_key=run_key, job_name=JOB_NAME, tags=tags,
                                    asset_selection=without_parsing())
    run_requests = [run_request] if keys or removed else []
    context.log.info(f"changed: {changed}; removed: {removed}; partitions +{len(to_add)} -{len(to_delete)}")
    return dg.SensorResult(run_requests=run_requests, dynamic_partitions_requests=requests, cursor=state)
