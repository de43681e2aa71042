"""Daily full refresh: re-parse every report file (ignoring the staging cache) and ``dbt build --full-refresh``."""


import dagster as dg

from gongkai.pipeline.assets import FULL_REFRESH_TAG, report_files_partitions
from gongkai.pipeline.sensors import JOB_NAME, partition_range_tags


@dg.schedule(
    name="daily_full_refresh",
    cron_schedule="30 3 * * *",
    execution_timezone="Asia/Shanghai",
    job_name=JOB_NAME,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 03:30 Beijing time: a full refresh over every report partition.",
)
def daily_full_refresh(context: dg.ScheduleEvaluationContext):
    keys = list(context.instance.get_dynamic_partitions(report_files_partitions.name))
    if not keys:
        return dg.SkipReason("no report partitions yet (the raw folder sensor adds them)")
    return dg.RunRequest(
        run_key=None,
        job_name=JOB_NAME,
        tags={**partition_range_tags(keys), FULL_REFRESH_TAG: "true"},
    )
