"""The parse step's worker pool (warehouse/workers.py) with stand-in tasks: long-lived workers take item after item;
a worker past an item's deadline is killed and replaced, as is one that dies, and the items after it are still done;
a worker that dies between items costs no item. Real files through the pool: test_reliability.py, test_hostile_files.py.
"""

from __future__ import annotations

import os
import signal
import time

from gongkai.warehouse import workers


def pid_of_worker(ready, value):
    """Answers (value, the worker's pid)."""
    ready()
    return value, os.getpid()


def sleep_or_answer(ready, seconds):
    ready()
    time.sleep(seconds)
    return os.getpid()


def die_or_answer(ready, die):
    ready()
    if die:
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def die_before_ready_once(ready, marker):
    """The first worker to see ``marker`` missing dies before it says ready (as a worker that dies between items)."""
    if not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    ready()
    return "done"


_KEPT: list[bytearray] = []


def grow_and_tell(ready, megabytes):
    """Keeps ``megabytes`` more memory alive in this worker (as a parser's caches would), answers its pid."""
    ready()
    _KEPT.append(bytearray(megabytes * 2**20))
    return os.getpid()


def collector_settings(ready):
    """The worker's garbage collector: (objects frozen, young-generation threshold)."""
    import gc

    ready()
    return gc.get_freeze_count(), gc.get_threshold()[0]


def run(task, items, **kwargs):
    kwargs.setdefault("workers", 2)
    kwargs.setdefault("timeout", 60)
    return workers.run_with_deadlines(task, items, **kwargs)


def test_workers_take_item_after_item():
    outcomes = run(pid_of_worker, [(i,) for i in range(12)])
    assert [o.value[0] for o in outcomes] == list(range(12)) and all(o.failure is None for o in outcomes)
    pids = {o.value[1] for o in outcomes}
    assert 1 <= len(pids) <= 2, pids  # two long-lived workers, not a process per item
    assert os.getpid() not in pids


def test_an_item_past_its_deadline_is_stopped_and_its_worker_replaced():
    started = time.monotonic()
    outcomes = run(sleep_or_answer, [(0.0,), (600.0,), (0.0,), (0.0,)], workers=1, timeout=3)
    assert time.monotonic() - started < 60
    assert [o.failure for o in outcomes] == [None, workers.TIMEOUT, None, None]
    assert outcomes[0].value != outcomes[2].value == outcomes[3].value  # the overrunning worker was replaced


def test_a_worker_that_dies_on_an_item_is_recorded_and_replaced():
    outcomes = run(die_or_answer, [(False,), (True,), (False,)], workers=1)
    assert [o.failure for o in outcomes] == [None, workers.DIED, None]
    assert outcomes[1].exitcode == -signal.SIGKILL
    assert outcomes[0].value != outcomes[2].value


def test_a_worker_that_dies_before_starting_an_item_costs_no_item(tmp_path):
    outcomes = run(die_before_ready_once, [(str(tmp_path / "marker"),)] * 3, workers=1)
    assert [(o.failure, o.value) for o in outcomes] == [(None, "done")] * 3


def test_a_worker_is_retired_after_its_share_of_items():
    outcomes = run(pid_of_worker, [(i,) for i in range(6)], workers=1, items_per_worker=2)
    pids = [o.value[1] for o in outcomes]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4] == pids[5]


def test_a_worker_grown_past_half_its_memory_cap_is_retired_after_its_item():
    outcomes = run(grow_and_tell, [(0,), (0,), (600,), (0,)], workers=1, memory_limit=2**30)
    assert [o.failure for o in outcomes] == [None] * 4
    pids = [o.value for o in outcomes]
    assert pids[0] == pids[1] == pids[2] != pids[3]  # retired after the item that took it past 512 MB


def test_a_worker_keeps_the_collector_off_what_it_was_forked_with():
    """The objects a worker starts with (the preloaded modules) are frozen, and young objects collected less often
    than Python's default (700): a full collection no longer walks the imported modules on every parse."""
    [outcome] = run(collector_settings, [()], preload=("json",))
    frozen, young = outcome.value
    assert frozen > 1000 and young == workers.YOUNG_COLLECTION_THRESHOLD > 700


def test_a_process_tunes_its_collector_once(monkeypatch):
    """A run's process (run_pipeline) tunes its collector as a worker does, once (a long-lived `--watch` process
    does not freeze what its earlier runs left), and what is garbage then is collected, not frozen."""
    import gc

    class Cycle:
        closed = False

        def __del__(self):
            Cycle.closed = True  # as a DuckDB connection closes its file when collected

    monkeypatch.setattr(workers, "_collector_tuned", False)
    thresholds = gc.get_threshold()
    try:
        garbage = Cycle()
        garbage.itself = garbage
        del garbage
        workers.tune_garbage_collector()
        assert Cycle.closed  # collected, not frozen
        frozen = gc.get_freeze_count()
        left_by_a_run = [[] for _ in range(1000)]
        workers.tune_garbage_collector()
        assert frozen > 1000 and gc.get_freeze_count() == frozen and left_by_a_run
        assert gc.get_threshold()[0] == workers.YOUNG_COLLECTION_THRESHOLD
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
