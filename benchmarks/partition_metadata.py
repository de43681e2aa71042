"""Benchmark: per-partition materialization metadata of a single-run backfill of N dynamic partitions — Dagster's
``add_asset_metadata(partition_key=…)`` once per partition against gongkai's ``add_partition_metadata`` (one step).

    python benchmarks/partition_metadata.py [--partitions 100 1000] [--rounds 3]

Each trial is a fresh child process: an ephemeral instance with N dynamic partitions, one asset that adds a
report-like metadata dict per partition and returns; printed: CPU of the calls and of the whole run (the
materialization events included), and that every partition's materialization holds its own metadata.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def trial(n: int, mode: str) -> dict[str, float]:
    import dagster as dg

    parts = dg.DynamicPartitionsDefinition(name="files")
    keys = [f"dept-{i:05d}.pdf" for i in range(n)]
    spent: dict[str, float] = {}

    @dg.asset(partitions_def=parts, backfill_policy=dg.BackfillPolicy.single_run())
    def files(context):
        start = time.process_time()
        metadata = {key: {"path": key, "pages": i, "review": dg.MetadataValue.md("| a | b |\n|---|---|\n| 1 | 2 |")}
                    for i, key in enumerate(context.partition_keys)}
        if mode == "public":
            for key, values in metadata.items():
                context.add_asset_metadata(values, partition_key=key)
        else:
            from gongkai.pipeline.report_metadata import add_partition_metadata

            add_partition_metadata(context, metadata)
        spent["calls"] = time.process_time() - start
        return dg.MaterializeResult()

    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(parts.name, keys)
    start = time.process_time()
    assert dg.materialize([files], instance=instance, raise_on_error=True, tags={
        "dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}).success
    spent["run"] = time.process_time() - start
    records = instance.fetch_materializations(files.key, limit=n + 1).records
    spent["own_metadata"] = float(len(records) == n and all(
        r.asset_materialization.metadata["pages"].value == keys.index(r.partition_key) for r in records))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partitions", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--trial", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trial:
        print(json.dumps(trial(int(args.trial[0]), args.trial[1])))
        return
    for n in args.partitions:
        for round_ in range(args.rounds):
            for mode in ("public", "one_step"):
                out = subprocess.run([sys.executable, __file__, "--trial", str(n), mode], capture_output=True,
                                     text=True, check=True).stdout
                got = json.loads(out.strip().splitlines()[-1])
                print(f"n={n} round {round_ + 1} {mode:8s} calls {got['calls']:.3f} s CPU, run {got['run']:.2f} s CPU, "
                      f"own metadata: {'yes' if got['own_metadata'] else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
