"""The Dagster UI in a real browser: Debian's chromium, driven by Playwright, headless.

The pipeline is materialized once (in-process, on a temporary DAGSTER_HOME), then the UI is served from that
instance exactly as `make ui` serves it — a code server, `dagster-webserver` and `dagster-daemon` (what `dagster dev`
starts), with the repo's dagster.yaml — and the test looks for the assets, the partitions of `parsed_report`, the
results of the Great Expectations checks, the sensor and the schedule. Screenshots go to build/screenshots/ (with
GONGKAI_SCREENSHOTS=docs: to docs/, the ones docs/ui.md shows).

Processes are started separately instead of through `dagster dev` for one reason: the sensor's cursor must be set
(to the raw folder already materialized) before the daemon's first tick, or the sensor would rightly see two "new"
files and start a second, identical run while the browser looks at the first one.

Needs /usr/bin/chromium (`apt-get install chromium`; `make test` installs it when run as root) — skipped otherwise.
Never `playwright install`: the browser is Debian's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import environment, LIAONING, RAW, REPO, SHANGHAI, module_exists

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: Screenshots go to a build folder, so a test run leaves the repository unchanged; to refresh the ones docs/ shows,
#: run with GONGKAI_SCREENSHOTS=docs (tests/test_browser.py and tests/test_site_browser.py).
SHOTS = REPO / os.environ.get("GONGKAI_SCREENSHOTS", "build/screenshots")
LOCATION = "gongkai"
SENSOR = "raw_folder_sensor"
SCHEDULE = "daily_full_refresh"
BIN = Path(sys.executable).parent
START_TIMEOUT = 150  # s: code server (definitions load) + webserver
PAGE_TIMEOUT = 45_000  # ms: one page's expected text


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return (f"no chromium at {CHROMIUM}: install Debian's package (`apt-get install chromium`, done by "
                f"`make test` when run as root) or set GONGKAI_CHROMIUM")
    if not module_exists("playwright"):
        return "the Python package playwright is not installed (pip install -e .[dev])"
    if not module_exists("gongkai.extract.parser"):
        return "the extraction library (gongkai.extract.parser) is not there yet"
    return None


_reason = _skip_reason()
if _reason:
    pytestmark.append(pytest.mark.skip(reason=_reason))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(base: str, query: str, variables: dict | None = None, timeout: float = 30) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = json.load(response)
    assert "errors" not in payload, payload["errors"]
    return payload["data"]


def _wait(what: str, probe, timeout: float, procs: list[subprocess.Popen], interval: float = 1.0):
    """Poll ``probe()`` until it returns something truthy; fail early if one of ``procs`` died."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                pytest.fail(f"{what}: {proc.args[0]} exited with {proc.returncode} (see its log in {proc.log_path})")
        try:
            value = probe()
            if value:
                return value
            last = value
        except Exception as error:  # noqa: BLE001 - not up yet
            last = error
        time.sleep(interval)
    pytest.fail(f"{what}: not ready after {timeout:.0f}s (last: {last!r})")


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(args, env=env, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    proc.log_path, proc.log_handle = log, handle
    return proc


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group (the servers' own children: run workers, code servers), then SIGKILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is left
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)
    proc.log_handle.close()


SENSOR_SELECTOR = {"repositoryLocationName": LOCATION, "repositoryName": "__repository__", "sensorName": SENSOR}

SET_CURSOR = """
mutation ($selector: SensorSelector!, $cursor: String) {
  setSensorCursor(sensorSelector: $selector, cursor: $cursor) {
    __typename
    ... on Sensor { sensorState { status } }
    ... on PythonError { message }
  }
}"""

SENSOR_TICKS = """
query ($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 3) { status skipReason runIds error { message } } } }
  }
}"""

RELOAD = """
mutation ($name: String!) { reloadRepositoryLocation(repositoryLocationName: $name) { __typename } }"""

LOCATION_LOADED = """
{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def _run_pipeline(home: Path, raw: Path, warehouse: Path) -> dict:
    """One real run (both partitions, every check) recorded in the instance at ``home``; returns its summary."""
    import dagster as dg

    from gongkai.pipeline.run import run_pipeline

    with environment(GONGKAI_RAW=str(raw), GONGKAI_WAREHOUSE=str(warehouse)):
        with dg.DagsterInstance.from_config(str(home)) as instance:
            return run_pipeline(instance=instance)[1]


@pytest.fixture(scope="module")
def dagster_ui(request, tmp_path_factory):
    """A materialized instance served by a code server, the webserver and the daemon (what `dagster dev` runs).

    If the session's ``e2e`` run (conftest) recorded itself in a DAGSTER_HOME (``e2e["dagster_home"]``), the UI is
    served from it and nothing runs twice; otherwise the pipeline runs here once, into a fresh DAGSTER_HOME, while
    the servers load the definitions.
    """
    from gongkai.warehouse.raw_folder import scan_raw

    e2e = request.getfixturevalue("e2e")
    base = tmp_path_factory.mktemp("ui")
    if e2e.get("dagster_home"):
        home, raw, warehouse, summary = Path(e2e["dagster_home"]), e2e["raw"], e2e["warehouse"], e2e["summary"]
    else:
        raw, home, warehouse, summary = base / "raw", base / "dagster_home", base / "warehouse" / "gongkai.duckdb", None
        shutil.copytree(RAW, raw)
        home.mkdir()
        shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    grpc_port, web_port = _free_port(), _free_port()
    workspace = base / "workspace.yaml"
    workspace.write_text(f"load_from:\n  - grpc_server:\n      host: 127.0.0.1\n      port: {grpc_port}\n"
                         f"      location_name: {LOCATION}\n")
    env = {**os.environ, "GONGKAI_RAW": str(raw), "GONGKAI_WAREHOUSE": str(warehouse), "DAGSTER_HOME": str(home),
           "PYTHONWARNINGS": "ignore"}
    url = f"http://127.0.0.1:{web_port}"
    procs: list[subprocess.Popen] = []
    timings: dict[str, float] = {}
    started = time.monotonic()
    try:
        # 1. code server and webserver load the definitions (while the pipeline runs, if it has to)
        procs.append(_start([str(BIN / "dagster"), "code-server", "start", "-h", "127.0.0.1", "-p", str(grpc_port),
                             "-m", "gongkai.pipeline.definitions", "--location-name", LOCATION],
                            env, base / "code_server.log"))
        procs.append(_start([str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(web_port),
                             "-w", str(workspace)], env, base / "webserver.log"))
        if summary is None:
            summary = _run_pipeline(home, raw, warehouse)
            timings["materialize"] = time.monotonic() - started

        def location_loaded():
            # the webserver may ask before the code server has loaded the definitions: then it records a load
            # error, and we ask it to reload until the location is there (a real load error shows in the timeout)
            entries = _graphql(url, LOCATION_LOADED, timeout=10)["workspaceOrError"]["locationEntries"]
            entry = next((e for e in entries if e["name"] == LOCATION), None)
            if entry and entry["loadStatus"] == "LOADED" and entry["locationOrLoadError"]:
                if entry["locationOrLoadError"]["__typename"] != "PythonError":
                    return True
                _graphql(url, RELOAD, {"name": LOCATION}, timeout=60)
                raise RuntimeError(f"load error: {entry['locationOrLoadError']['message'][:1500]}")
            return False

        _wait("webserver with the gongkai code location", location_loaded, START_TIMEOUT, procs, interval=2)
        timings["ui_up"] = time.monotonic() - started

        # 2. the sensor's cursor = the folder already materialized, then the daemon (sensor and schedule)
        cursor = json.dumps(scan_raw(raw), sort_keys=True, ensure_ascii=False)
        state = _graphql(url, SET_CURSOR, {"selector": SENSOR_SELECTOR, "cursor": cursor})["setSensorCursor"]
        assert state["__typename"] == "Sensor", state
        assert state["sensorState"]["status"] == "RUNNING"  # default_status=RUNNING survives setting the cursor
        procs.append(_start([str(BIN / "dagster-daemon"), "run", "-w", str(workspace)], env, base / "daemon.log"))
        yield {"url": url, "summary": summary, "procs": procs, "base": base}
    finally:
        for proc in reversed(procs):
            _stop(proc)
        timings["total"] = time.monotonic() - started
        print(f"\nbrowser test timings (s): {', '.join(f'{k} {v:.0f}' for k, v in timings.items())}")


@pytest.fixture(scope="module")
def page(dagster_ui):
    from playwright.sync_api import sync_playwright

    profile = dagster_ui["base"] / "chromium-profile"  # a fresh user-data-dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1600, "height": 1000}, timeout=60_000,
        )
        try:
            page = context.new_page()
            page.set_default_timeout(PAGE_TIMEOUT)
            yield page
        finally:
            context.close()


def _open(page, url: str, *expected: str):
    """Go to ``url`` and wait until every ``expected`` text is visible; dismiss Dagster's first-visit dialog."""
    page.goto(url, wait_until="domcontentloaded")
    for text in expected:
        page.get_by_text(text, exact=True).first.wait_for(state="visible")
    _dismiss_dialog(page)


def _dismiss_dialog(page):
    skip = page.get_by_role("button", name="Skip")
    if skip.count() and skip.first.is_visible():
        skip.first.click()
        skip.first.wait_for(state="hidden")


def _shot(page, name: str):
    _dismiss_dialog(page)
    page.wait_for_timeout(500)  # let the graph's layout animation settle
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def _listed(page, url: str, group: str, *asset_paths: str):
    """Each asset is a row of the group's List tab (its lineage draws only the nodes in view)."""
    page.set_viewport_size({"width": 1600, "height": 3000})  # the list draws only the rows in view
    try:
        _open(page, f"{url}/locations/{LOCATION}/asset-groups/{group}/list")
        for path in asset_paths:
            link = page.locator(f"a[href$='/assets/{path}']").first
            link.wait_for(state="attached")
            link.scroll_into_view_if_needed()
            link.wait_for(state="visible")
    finally:
        page.set_viewport_size({"width": 1600, "height": 1000})


def test_assets_and_partitions(dagster_ui, page):
    """The ingest group's lineage: parsed_report (2 partitions, materialized) → raw_tables (checks) → dbt staging."""
    url = dagster_ui["url"]
    _open(page, f"{url}/locations/{LOCATION}/asset-groups/ingest", "parsed_report", "raw_tables")
    page.get_by_text("2 partitions").first.wait_for(state="visible")
    # dbt staging hangs beside raw_tables; the graph draws only the nodes in view, and which of ~18 are depends on
    # their number, so any staging model will do here (stg_table_cells is looked for in its group's list below)
    page.get_by_text(re.compile(r"^stg_")).first.wait_for(state="visible")
    page.get_by_text("Passed").first.wait_for(state="visible")  # raw_tables: "n / 7 Passed"
    _shot(page, "dagster-ui.png")
    _listed(page, url, "dbt_staging", "staging/stg_table_cells")

    # the two bundled report files are the partitions of parsed_report, both materialized
    _open(page, f"{url}/assets/parsed_report?view=partitions", LIAONING, SHANGHAI)
    page.get_by_text("Materialized (2)").first.wait_for(state="visible")
    assert page.get_by_text("Missing (0)").count() and page.get_by_text("Failed (0)").count()


def test_dbt_marts_listed(dagster_ui, page):
    """The dbt marts are assets of the same graph (group dbt_marts), each with its GX suite as a check. The group's
    List tab, not its lineage: the lineage of ~35 marts draws only the nodes in view."""
    url = dagster_ui["url"]
    _listed(page, url, "dbt_marts", "marts/fct_report_summary", "marts/fct_expenditure_by_function")
    _open(page, f"{url}/assets/marts/fct_report_summary?view=checks", "gx_fct_report_summary")


def test_check_results(dagster_ui, page):
    """raw_tables' checks tab: every GX suite on the raw schema and ingest_errors, with their results of the run."""
    _open(page, f"{dagster_ui['url']}/assets/raw_tables?view=checks", "ingest_errors")
    for name in ("gx_raw_report_files", "gx_raw_table_cells", "gx_raw_narrative_facts"):
        page.get_by_text(name, exact=True).first.wait_for(state="visible")
    # each check shows the outcome of the run: Succeeded, or Failed (e.g. a WARN suite with unexpected values)
    page.get_by_text("Succeeded", exact=True).first.wait_for(state="visible")
    failed = [e.split(":", 1)[1].split(" ")[0] for e in dagster_ui["summary"]["failed_checks"]
              if e.startswith("raw_tables:")]
    if failed:  # open the first failed check: "Failed" in the list and as its latest evaluation result
        _open(page, f"{dagster_ui['url']}/assets/raw_tables?view=checks&checkDetail={failed[0]}", failed[0])
        page.get_by_text("Evaluation result").first.wait_for(state="visible")
        page.get_by_text("Failed", exact=True).nth(1).wait_for(state="visible")
    else:
        page.get_by_text("Passed", exact=True).first.wait_for(state="visible")
    _shot(page, "dagster-ui-checks.png")


def test_sensor_and_schedule(dagster_ui, page):
    """Automation lists the sensor and the schedule; the daemon's sensor tick sees nothing new (no second run)."""
    _open(page, f"{dagster_ui['url']}/automation", SENSOR, SCHEDULE)

    def first_tick():
        sensor = _graphql(dagster_ui["url"], SENSOR_TICKS, {"selector": SENSOR_SELECTOR}, timeout=10)["sensorOrError"]
        ticks = [t for t in sensor["sensorState"]["ticks"] if t["status"] != "STARTED"]
        return sensor["sensorState"]["status"] == "RUNNING" and ticks and ticks[0]

    tick = _wait("the daemon's first sensor tick", first_tick, 90, dagster_ui["procs"], interval=2)
    assert tick["status"] == "SKIPPED" and not tick["runIds"], tick
    assert tick["skipReason"].startswith("no change in 2 files"), tick
