"""Loading the Dagster definitions (every `gongkai run`, `dagster dev`) imports what defining the assets uses: pandas
and Great Expectations come in only when a step validates a suite."""

import subprocess
import sys

PROBE = (
    "import sys, warnings\n"
    "warnings.simplefilter('ignore')\n"
    "import gongkai.pipeline.definitions\n"
    "print(' '.join(m for m in ('pandas', 'great_expectations') if m in sys.modules) or '-')\n"
)


def test_definitions_import_neither_pandas_nor_gx():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["-"], f"loaded while defining the assets: {out.strip()}"
