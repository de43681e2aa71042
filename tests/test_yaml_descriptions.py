"""The dbt YAML documents every column in one piece: an unquoted comma inside a flow mapping ({name: x,
description: a, b}) cuts the description and adds a key "b" — docs/marts.md would print half a sentence."""

from __future__ import annotations

from pathlib import Path

import yaml

DBT = Path(__file__).resolve().parents[1] / "dbt"
COLUMN_KEYS = {"name", "description", "meta", "data_tests", "tests", "data_type", "quote", "constraints"}


def test_no_column_description_is_cut_at_a_comma():
    cut = []
    for path in sorted(DBT.glob("models/**/*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            for column in model.get("columns") or []:
                extra = set(column) - COLUMN_KEYS
                if extra:
                    cut.append((path.name, model["name"], column["name"], sorted(extra)))
    assert cut == []
