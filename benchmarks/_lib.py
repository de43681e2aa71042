"""Shared helpers for the benchmarks: machine description, load average, CPU/wall timers, peak memory, tables.

Not a benchmark itself (the leading underscore keeps it out of ``make bench``'s list).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "dagster_project"))

#: Where generated corpora, warehouses and results live (outside the repo; override with GONGKAI_BENCH_DIR).
BENCH_DIR = Path(os.environ.get("GONGKAI_BENCH_DIR", "/tmp/gongkai-bench"))
RESULTS = BENCH_DIR / "results.jsonl"


# ------------------------------------------------------------------------------------------------------------------
# machine


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}/{five:.2f}/{fifteen:.2f}"


def speed_ms() -> float:
    """This machine's speed now: the best of 5 runs of a fixed pure-Python workload, in ms (lower is faster). The
    shared VM's speed varies over a session (the same dbt build took 12.5 s and 18 s an hour apart); figures taken at
    different times compare only after scaling by this."""
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {"nproc": str(os.cpu_count()), "memory": mem, "cpu": cpu, "python": platform.python_version(),
            "load": loadavg(), "speed_ms": f"{speed_ms():.0f}"}


def machine_line() -> str:
    m = machine()
    return (f"machine: nproc={m['nproc']}, memory={m['memory']}, cpu={m['cpu']}, python {m['python']}, load {m['load']}, "
            f"speed {m['speed_ms']} ms (fixed Python workload; lower is faster)")


# ------------------------------------------------------------------------------------------------------------------
# timing


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


@dataclass
class Timing:
    wall: float
    cpu: float  # this process + waited-for children
    load_before: str
    load_after: str


def timed(function: Callable[[], object]) -> tuple[object, Timing]:
    load = loadavg()
    c0 = cpu_seconds() + cpu_seconds(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    value = function()
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() + cpu_seconds(resource.RUSAGE_CHILDREN) - c0
    return value, Timing(wall, cpu, load, loadavg())


def median_ms(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median wall ms, median CPU ms of this process) over ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        function()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


# ------------------------------------------------------------------------------------------------------------------
# memory: sum of RSS over a process tree, sampled (no psutil needed)


def _children(pid: int) -> list[int]:
    out = []
    task = Path(f"/proc/{pid}/task")
    try:
        for tid in task.iterdir():
            try:
                out += [int(c) for c in (tid / "children").read_text().split()]
            except OSError:
                pass
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_s(pid: int) -> float:
    """user+sys CPU seconds of one process itself (not its children), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_rss_kb(root: int) -> int:
    return sum(tree_rss_by_pid_kb(root).values())


def tree_rss_by_pid_kb(root: int) -> dict[int, int]:
    """pid → RSS (kB) of every process of the tree under ``root``."""
    out, stack = {}, [root]
    while stack:
        pid = stack.pop()
        if pid in out:
            continue
        out[pid] = _rss_kb(pid)
        stack += _children(pid)
    return out


@dataclass
class ProcessRun:
    returncode: int
    wall: float
    cpu: float  # user+sys of the tree: waited-for children, or sampled from /proc when more (pool workers)
    peak_tree_rss_mb: float  # sampled every 0.2 s: sum over the tree
    max_single_rss_mb: float  # largest single process (ru_maxrss of children)
    load_before: str
    load_after: str
    stdout: str
    stderr: str
    #: (epoch seconds, summed RSS of the tree, largest single RSS) in MB, every sample
    samples: list[tuple[float, float, float]] = field(default_factory=list)


def run_process(argv: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
                interval: float = 0.2) -> ProcessRun:
    """Run a command; measure wall, CPU of the tree, peak summed RSS of the tree (sampled) and peak single RSS."""
    load = loadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(argv), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    samples: list[tuple[float, float, float]] = []
    cpu_by_pid: dict[int, float] = {}  # last CPU seen of every process of the tree (a pool's workers are not waited for)
    done = threading.Event()

    def sample():
        while not done.is_set():
            by_pid = tree_rss_by_pid_kb(proc.pid)
            cpu_by_pid.update({pid: _cpu_s(pid) or cpu_by_pid.get(pid, 0.0) for pid in by_pid})
            total = sum(by_pid.values())
            peak[0] = max(peak[0], total)
            samples.append((time.time(), total / 1024, max(by_pid.values(), default=0) / 1024))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(waited, sum(cpu_by_pid.values()))
    return ProcessRun(proc.returncode, wall, cpu, peak[0] / 1024, after.ru_maxrss / 1024, load, loadavg(),
                      stdout, stderr, samples)


# ------------------------------------------------------------------------------------------------------------------
# output


@dataclass
class Row:
    benchmark: str
    measure: str
    value: float | str
    unit: str = ""
    target: str = ""
    ok: bool | None = None
    cpu: str = ""
    load: str = field(default_factory=loadavg)

    def cells(self) -> list[str]:
        value = f"{self.value:,.3g}" if isinstance(self.value, float) and abs(self.value) < 100 else (
            f"{self.value:,.0f}" if isinstance(self.value, float) else str(self.value))
        verdict = "" if self.ok is None else ("ok" if self.ok else "MISS")
        return [self.benchmark, self.measure, f"{value} {self.unit}".strip(), self.cpu, self.target, verdict, self.load]


HEADER = ["benchmark", "measure", "value", "cpu", "target", "", "load 1/5/15"]


def format_table(rows: Iterable[Row]) -> str:
    body = [r.cells() for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(HEADER)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(HEADER), line(["-" * w for w in widths])] + [line(b) for b in body])


def record(rows: Iterable[Row], **extra) -> None:
    """Append rows (and the machine) to BENCH_DIR/results.jsonl, so figures can be collected into docs."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    m = machine()
    with RESULTS.open("a", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S"), **r.__dict__, **extra, "machine": m},
                                 ensure_ascii=False, default=str) + "\n")


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total
