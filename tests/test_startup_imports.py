"""Loading the Dagster definitions (every `gongkai run`, `dagster dev`) imports what defining the assets uses: pandas
and Great Expectations come in only when a step validates a suite, dbt only when the dbt step runs (the dbt assets'
specs are read from dbt's manifest.json, without dagster-dbt)."""

import os
import shutil
import subprocess
import sys

LATE_IMPORTS = ("pandas", "great_expectations", "dagster_dbt", "dbt")
PROBE = (
    "import sys, warnings\n"
    "warnings.simplefilter('ignore')\n"
    "import gongkai.pipeline.definitions\n"
    f"print(' '.join(m for m in {LATE_IMPORTS!r} if m in sys.modules) or '-')\n"
)


def test_definitions_import_neither_pandas_gx_nor_dbt():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["-"], f"loaded while defining the assets: {out.strip()}"


RERUN = (
    "import sys, warnings\n"
    "warnings.simplefilter('ignore')\n"
    "from gongkai.pipeline.run import run_pipeline\n"
    "result, summary = run_pipeline()\n"
    "print('ok' if result.success else 'failed', 'dbt' in sys.modules)\n"
)


def test_a_run_with_nothing_new_imports_no_dbt(e2e, tmp_path):
    """A run that parses nothing skips dbt (its inputs unchanged) and neither imports dbt nor preloads it (a run that
    parses imports it in a background thread while its parse workers read: gongkai.pipeline.dbt_manifests.preload)."""
    shutil.copytree(e2e["raw"], tmp_path / "raw")
    shutil.copytree(e2e["warehouse"].parent, tmp_path / "warehouse", ignore=shutil.ignore_patterns("build"))
    env = {**os.environ, "GONGKAI_RAW": str(tmp_path / "raw"),
           "GONGKAI_WAREHOUSE": str(tmp_path / "warehouse" / e2e["warehouse"].name)}
    out = subprocess.run([sys.executable, "-c", RERUN], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split()[-2:] == ["ok", "False"], out[-2000:]


GX_PROBE = (
    "import sys, warnings\n"
    "warnings.simplefilter('ignore')\n"
    "from gongkai.quality.context import DEFERRED_BY_GX, gx_module\n"
    "gx_module()\n"
    "print(' '.join(type(sys.modules[m]).__name__ for m in DEFERRED_BY_GX))\n"
    "from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl\n"
    "print(round(float(kl.stats.entropy([0.5, 0.5], [0.9, 0.1])), 4), kl.alt.Chart.__name__)\n"
    "print(' '.join(type(sys.modules[m]).__name__ for m in DEFERRED_BY_GX))\n"
)


def test_gx_import_defers_scipy_stats_and_altair_until_used():
    """Great Expectations imports scipy.stats and altair for an expectation no suite uses (≈ 30% of its import):
    they come in when one of their attributes is first used, and then as themselves."""
    out = subprocess.run([sys.executable, "-c", GX_PROBE], capture_output=True, text=True, check=True,
                         env={**os.environ, "GX_ANALYTICS_ENABLED": "False"}).stdout.split("\n")
    assert out[0] == "_Deferred _Deferred"
    assert out[1] == "0.5108 Chart"
    assert out[2] == "module module"
