"""The reference sets helper columns look codes and names up in, and the helpers that need Python: a code known
through its parents printed in the same report, a printed name against the classification reference (the raw
suites' SQL joins them in per distinct input, gongkai.quality.raw_columns)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any


from gongkai.quality.specs import DIMENSION_TABLES

if TYPE_CHECKING:
    import pandas as pd

SEED_CODES = Path(__file__).resolve().parents[3] / "dbt" / "seeds" / "observed_classification_codes.csv"


@dataclass
class Lookups:
    """Reference sets some suites check membership against. Missing sets are loaded lazily: from the warehouse
    when a connection is given (marts.dim_*), else from the dbt seed CSV (codes seen in real reports)."""

    function_codes: set[str] | None = None
    economic_codes: set[str] | None = None
    con: Any = None  # duckdb connection
    use_dims: bool = False
    #: kind → code → the names the classification reference gives it (normalized), from the seed
    reference_names: dict[str, dict[str, set[str]]] | None = None

    def codes(self, kind: str) -> set[str]:
        attr = f"{kind}_codes"
        cached = getattr(self, attr)
        if cached is not None:
            return cached
        found: set[str] | None = None
        if self.con is not None and self.use_dims:
            try:
                found = {r[0] for r in self.con.execute(f"select code from {DIMENSION_TABLES[kind]}").fetchall()}
            except Exception:  # dims not built yet
                found = None
        if found is None:
            found = set(self.names(kind))
        setattr(self, attr, found)
        return found

    def names(self, kind: str) -> dict[str, set[str]]:
        """code → normalized names of the classification reference (dbt seed observed_classification_codes)."""
        if self.reference_names is None:
            import pandas as pd

            seed = pd.read_csv(SEED_CODES, dtype=str, keep_default_na=False)
            self.reference_names = {}
            for k, code, name in zip(seed["kind"], seed["code"], seed["name_as_printed"]):
                by_code = self.reference_names.setdefault(k, {})
                by_code.setdefault(code.replace(" ", ""), set()).add(normalize_class_name(name))
        return self.reference_names.get(kind, {})


def normalize_class_name(name: str | None) -> str:
    """A classification name for comparison: no whitespace, full-width brackets (as the dbt macro of that name)."""
    return re.sub(r"\s", "", name or "").replace("(", "（").replace(")", "）")


def strip_code(label: str | None) -> str:
    """A row label without its leading classification code ("2010601 行政运行" → "行政运行")."""
    return re.sub(r"^\s*\d{3}(?:\s*\d{2}){0,2}\s*", "", label or "").strip()


def _parent(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


def code_known(df: pd.DataFrame, code_column: str, known: set[str]) -> pd.Series:
    """A classification code (类/款/项) is known when the reference has it, or when each of its parents up to one
    the reference has is printed in the same report (a standard 项 under a known 款 the reference lacks): True /
    False; None where the row has no code."""
    import pandas as pd

    printed = df.dropna(subset=[code_column]).groupby("report_id")[code_column].agg(set).to_dict()

    def known_in(report_id: str, code: str | None) -> bool | None:
        if code is None or (isinstance(code, float) and math.isnan(code)):
            return None
        in_report = printed.get(report_id, set())
        while code not in known:
            code = _parent(code)
            if code is None or code not in in_report:
                return False
        return True

    return pd.Series([known_in(r, c) for r, c in zip(df["report_id"], df[code_column])], index=df.index,
                     dtype=object)


def name_consistent(codes: pd.Series, labels: pd.Series, reference: dict[str, set[str]]) -> pd.Series:
    """The printed name agrees with a name the reference gives the code (one may be the other cut short, a wrapped
    row): True / False; None where the code is not in the reference or the row prints no name."""
    import pandas as pd


    def consistent(code, label) -> bool | None:
        names = reference.get(code) if isinstance(code, str) else None
        name = normalize_class_name(strip_code(label if isinstance(label, str) else None))
        if not names or not name:
            return None
        return any(name.startswith(n) or n.startswith(name) for n in names)

    return pd.Series([consistent(c, lb) for c, lb in zip(codes, labels)], index=codes.index, dtype=object)

