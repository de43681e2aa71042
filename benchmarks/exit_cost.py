"""Benchmark: what ending a run's process costs, with Python's teardown and without (cli.exit_without_teardown).

    python benchmarks/exit_cost.py [--pairs 2]

A child imports what a `gongkai run` imports (the Dagster definitions, dbt's runner, GX and gongkai.quality), builds
an ephemeral GX context, prints a line and ends; the parent times from that line to the child's end (waited for).
Normal exit and exit_without_teardown alternate, ``--pairs`` times.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import loadavg, machine_line  # noqa: E402

CHILD = """
import sys, warnings
warnings.filterwarnings("ignore")
import dbt.cli.main, great_expectations as gx, gongkai.pipeline.run, gongkai.quality
context = gx.get_context(mode="ephemeral")
print("ready", flush=True)
if sys.argv[1] == "without-teardown":
    from gongkai.cli import exit_without_teardown
    exit_without_teardown(0)
"""


def exit_seconds(way: str) -> float:
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, way], stdout=subprocess.PIPE, text=True, env=env)
    child.stdout.readline()
    started = time.monotonic()
    if child.wait() != 0:
        raise SystemExit(f"{way}: the child failed (exit {child.returncode})")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    print(machine_line())
    for _ in range(args.pairs):
        for way in ("normal", "without-teardown"):
            print(f"{way}: {exit_seconds(way):.2f} s from the last line to the end (load {loadavg()})", flush=True)


if __name__ == "__main__":
    main()
