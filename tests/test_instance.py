"""The run's Dagster instance (stores on one held connection) records what Dagster's ephemeral instance records:
the same events, asset records, check evaluations and dynamic partitions; from another thread too."""

import threading

import dagster as dg

from gongkai.pipeline.instance import ephemeral_instance

PARTS = dg.DynamicPartitionsDefinition(name="files")


@dg.asset(partitions_def=PARTS)
def parsed(context) -> int:
    return len(context.partition_key)


@dg.asset(deps=[parsed])
def total() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=total)
def total_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN, metadata={"why": "planted"})


DEFS = dg.Definitions(assets=[parsed, total], asset_checks=[total_positive],
                      jobs=[dg.define_asset_job("all", selection=dg.AssetSelection.all())])


def _record(instance: dg.DagsterInstance) -> dict:
    instance.add_dynamic_partitions("files", ["a.txt", "bb.txt"])
    job = DEFS.resolve_job_def("all")
    runs = [job.execute_in_process(instance=instance, partition_key=key, raise_on_error=False)
            for key in ("a.txt", "bb.txt")]
    events = [[(e.dagster_event.event_type_value if e.dagster_event else "log", e.step_key)
               for e in instance.all_logs(r.run_id)] for r in runs]
    checks = instance.event_log_storage.get_asset_check_execution_history(total_positive.check_key, limit=10)
    records = instance.get_asset_records([parsed.key, total.key])
    return {
        "success": [r.success for r in runs],
        "events": events,
        "checks": [(c.status, c.evaluation.passed if c.evaluation else None) for c in checks],
        "materialized": sorted(r.asset_entry.asset_key.to_user_string() for r in records
                               if r.asset_entry.last_materialization),
        "partitions": instance.get_dynamic_partitions("files"),
        "runs": len(instance.get_runs()),
    }


def test_records_what_dagsters_ephemeral_instance_records():
    held = _record(ephemeral_instance())
    assert held == _record(dg.DagsterInstance.ephemeral())
    assert held["success"] == [True, True] and len(held["checks"]) == 2 and held["runs"] == 2
    assert held["materialized"] == ["parsed", "total"] and held["partitions"] == ["a.txt", "bb.txt"]


def test_another_thread_stores_and_reads():
    instance = ephemeral_instance()
    done = []

    def add() -> None:
        instance.add_dynamic_partitions("files", [f"t{i}" for i in range(20)])
        done.append(len(instance.get_dynamic_partitions("files")))

    threads = [threading.Thread(target=add) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(done)[-1] == 20 and instance.get_dynamic_partitions("files") == [f"t{i}" for i in range(20)]


def test_asks_the_asset_keys_columns_once(monkeypatch):
    from sqlalchemy.engine.reflection import Inspector

    asked = []
    columns = Inspector.get_columns

    def counted(self, table_name, *args, **kwargs):
        asked.append(table_name)
        return columns(self, table_name, *args, **kwargs)

    monkeypatch.setattr(Inspector, "get_columns", counted)
    held = _record(ephemeral_instance())
    held_asks = asked.count("asset_keys")
    asked.clear()
    assert held == _record(dg.DagsterInstance.ephemeral())
    assert held_asks == 1 and asked.count("asset_keys") > 10
