"""Benchmark: the raw GX suites of a full build on a built warehouse, side by side with another copy of the code.

    python benchmarks/gx_suites.py WAREHOUSE.duckdb [--other /path/to/other/checkout/dagster_project] [--rounds 2]

Each measurement is a fresh child process on its own copy of the warehouse: it imports gongkai.quality, opens a GX
context on a temporary copy of expectations/ (measured apart: the import and the context), then validates every
raw suite of the warehouse in full (``validate_changed_reports(..., full=True)``, what a full build's
``gx_raw_suites`` step does) and reports its CPU and wall time and its peak RSS. With ``--other`` the same child
runs on that code (PYTHONPATH) in alternation with this checkout's, ``--rounds`` times.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lib import REPO, loadavg, machine_line  # noqa: E402

CHILD = """
import json, resource, shutil, sys, tempfile, time, warnings
from pathlib import Path
warnings.filterwarnings("ignore")
import duckdb
t0, c0 = time.perf_counter(), time.process_time()
import gongkai.quality as quality
from gongkai.warehouse.load import loaded_versions
root = Path(tempfile.mkdtemp()) / "expectations"
shutil.copytree(Path(quality.EXPECTATIONS_DIR), root, ignore=shutil.ignore_patterns("uncommitted"))
context = quality.get_context(root, docs_dir=root.parent / "docs")
setup = (time.perf_counter() - t0, time.process_time() - c0)
con = duckdb.connect(sys.argv[1])
versions = loaded_versions(con)
t0, c0 = time.perf_counter(), time.process_time()
failed = {}
for name, spec in quality.SUITES.items():
    if spec.table.startswith("raw.") and spec.partition_column:
        result = quality.validate_changed_reports(con, name, versions, context, full=True)
        failed[name] = sum(r.unexpected_count or 0 for r in result.failed)
out = {"setup_wall": setup[0], "setup_cpu": setup[1], "wall": time.perf_counter() - t0,
       "cpu": time.process_time() - c0, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
       "unexpected": failed}
print(json.dumps(out))
"""


def measure(warehouse: Path, code: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "w.duckdb"
        shutil.copyfile(warehouse, copy)
        env = {**os.environ, "GX_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(code)}
        child = subprocess.run([sys.executable, "-c", CHILD, str(copy)], capture_output=True, text=True, env=env)
    if child.returncode != 0:
        raise SystemExit(f"{code}: the child failed\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--other", type=Path, help="another checkout's dagster_project/ to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    print(machine_line())
    sides = [("this", REPO / "dagster_project")] + ([("other", args.other)] if args.other else [])
    for round_ in range(1, args.rounds + 1):
        for label, code in sides if round_ % 2 else reversed(sides):
            load = loadavg()
            m = measure(args.warehouse, code)
            print(f"round {round_} {label:5}: raw suites {m['cpu']:.1f} s CPU, {m['wall']:.1f} s wall, peak RSS "
                  f"{m['peak_mb']:.0f} MB; import + context {m['setup_cpu']:.1f} s CPU; unexpected rows "
                  f"{sum(m['unexpected'].values())} {json.dumps(m['unexpected'])}; load {load}", flush=True)


if __name__ == "__main__":
    main()
