"""The dbt worker thread of a pipeline step: the step never leaves it running (pipeline.dbt_runner.DbtThread)."""

import os
import threading
import time
from types import SimpleNamespace

import pytest
from dbt_common.events import functions

from gongkai.pipeline.dbt_runner import DbtThread


def _message(name: str, n: int, level: str = "info"):
    return SimpleNamespace(info=SimpleNamespace(name=name, level=level, msg=f"message {n}"), n=n)


@pytest.fixture(autouse=True)
def plain_messages(monkeypatch):
    monkeypatch.setattr(functions, "msg_to_dict", lambda message: {"n": message.n})


def _slow_dbt(ended: threading.Event, results: int = 6):
    def invoke(on_event):
        for n in range(results):
            on_event(_message("LogModelResult", n))
            time.sleep(0.05)
        on_event(_message("MainReportArgs", -1, level="error"))
        ended.set()
        return "dbt result"

    return invoke


def _dbt_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dbt" and t.is_alive()]


def test_results_stream_then_outcome_and_environment_restored():
    ended = threading.Event()
    seen_env = []
    with DbtThread(lambda on_event: seen_env.append(os.environ.get("GONGKAI_TEST_DBT_ENV"))
                   or _slow_dbt(ended)(on_event), {"GONGKAI_TEST_DBT_ENV": "yes"}) as dbt:
        numbers = [raw["n"] for raw in dbt.results()]
    assert numbers == [0, 1, 2, 3, 4, 5]
    assert dbt.outcome == "dbt result" and dbt.errors == ["message -1"]
    assert seen_env == ["yes"] and "GONGKAI_TEST_DBT_ENV" not in os.environ


def test_a_reader_that_raises_waits_for_dbt_to_end():
    ended = threading.Event()
    with pytest.raises(RuntimeError, match="step's own code"):
        with DbtThread(_slow_dbt(ended), {}) as dbt:
            for _ in dbt.results():
                raise RuntimeError("the step's own code failed on the first result")
    assert ended.is_set() and not _dbt_threads()


def test_a_closed_step_generator_waits_for_dbt_to_end():
    ended = threading.Event()

    def step():
        with DbtThread(_slow_dbt(ended), {}) as dbt:
            yield from dbt.results()

    events = step()
    assert next(events) == {"n": 0}
    events.close()  # what Dagster does to a step whose consumer failed
    assert ended.is_set() and not _dbt_threads()


def test_an_invocation_that_raises_is_its_outcome():
    def broken(on_event):
        raise ValueError("dbt could not start")

    with DbtThread(broken, {}) as dbt:
        assert list(dbt.results()) == []
    assert isinstance(dbt.outcome, ValueError)
