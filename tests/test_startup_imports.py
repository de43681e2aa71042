"""Loading the Dagster definitions (every `gongkai run`, `dagster dev`) imports what defining the assets uses: pandas
and Great Expectations come in only when a step validates a suite, dbt only when the dbt step runs (the dbt assets'
specs are read from dbt's manifest.json, without dagster-dbt)."""

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
