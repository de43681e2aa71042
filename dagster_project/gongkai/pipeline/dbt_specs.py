"""The dbt project's Dagster asset and check specs, read from dbt's manifest.json (no dagster-dbt, no dbt import).

One asset per model and seed (key: the model's configured schema and name, e.g. ``marts/fct_report_summary``); the dbt
sources (``source('raw', …)``) are the ``raw_tables`` asset, so staging models hang directly below the loader. Group:
``dbt_<folder>`` (the model's folder under models/), ``dbt_seeds``. One asset check per dbt test, on the model it is
attached to (a singular test over several models names its model in ``meta.dagster.ref``), blocking when the test's
severity is error. Description, metadata (materialization, table name, column schema), tags and code version are
those dagster-dbt gave the same nodes (the UI shows them the same way).
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._utils.tags import is_valid_tag_key

RAW_TABLES_KEY = dg.AssetKey("raw_tables")
ASSET_TYPES = frozenset({"model", "seed", "snapshot"})
#: Metadata keys as dagster-dbt named them (the UI and earlier runs' materializations know these names).
UNIQUE_ID = "dagster_dbt/unique_id"
MATERIALIZATION_TYPE = "dagster-dbt/materialization_type"

#: What a dbt test of dbt/tests/generic/checks.sql checks, by its name's prefix (shown in the UI's Checks tab).
DBT_CHECK_DESCRIPTIONS = {
    "checks_": "The model's keys, not-null columns, accepted values and relationships: a failure fails the build. "
               "When it fails, its metadata shows the failing rows (report, check, row, expected, actual, file, "
               "page; the first 20, with the count).",
    "warnings_": "Identities and ranges a department's own report can break (Σ parts = total, amounts ≥ 0, shares "
                 "0–100): a warning, never blocks publishing. Its metadata shows the failing rows (report, check, "
                 "row, expected, actual, file, page; the first 20, with the count).",
    "assert_": "A singular dbt test (dbt/tests/singular/): when it fails, its metadata shows the rows it returned.",
}


def load_manifest(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


@dataclass(frozen=True)
class DbtSpecs:
    """The manifest's nodes as Dagster sees them: asset keys, asset specs and check specs (清单 → 资产)."""

    manifest: Mapping[str, Any]

    @cached_property
    def key_by_unique_id(self) -> dict[str, dg.AssetKey]:
        """Every model, seed and source's asset key (every source is ``raw_tables``)."""
        keys = {uid: asset_key(node) for uid, node in self.manifest["nodes"].items() if is_asset(node)}
        keys.update({uid: RAW_TABLES_KEY for uid in self.manifest.get("sources", {})})
        return keys

    @cached_property
    def unique_id_by_key(self) -> dict[dg.AssetKey, str]:
        return {key: uid for uid, key in self.key_by_unique_id.items() if not uid.startswith("source.")}

    @cached_property
    def asset_ids(self) -> frozenset[str]:
        """The unique_ids of the models and seeds (the sources are ``raw_tables``, no asset of dbt's)."""
        return frozenset(self.unique_id_by_key.values())

    @cached_property
    def key_by_output_name(self) -> dict[str, dg.AssetKey]:
        """The multi-asset's output of each asset (named after its key) → the key."""
        return {key.to_python_identifier(): key for key in self.unique_id_by_key}

    @cached_property
    def check_key_by_test(self) -> dict[str, dg.AssetCheckKey]:
        """Each dbt test's check key: the test's name on the asset it is attached to."""
        found = {}
        for uid, node in self.manifest["nodes"].items():
            attached = self._attached_node(node) if node["resource_type"] == "test" else None
            if attached in self.asset_ids:
                found[uid] = dg.AssetCheckKey(self.key_by_unique_id[attached], node["name"])
        return found

    @cached_property
    def test_by_check_key(self) -> dict[dg.AssetCheckKey, str]:
        return {key: uid for uid, key in self.check_key_by_test.items()}

    def asset_specs(self) -> list[dg.AssetSpec]:
        adapter = self.manifest["metadata"].get("adapter_type")
        project_id = self.manifest["metadata"].get("project_id")
        return [self._asset_spec(node, adapter, project_id) for uid, node in self.manifest["nodes"].items()
                if uid in self.asset_ids]

    def check_specs(self) -> list[dg.AssetCheckSpec]:
        return [self._check_spec(uid, key) for uid, key in self.check_key_by_test.items()]

    def deps_of(self, node: Mapping[str, Any]) -> list[dg.AssetKey]:
        """The assets a node reads, each once (all sources are one asset), in the manifest's order."""
        keys: list[dg.AssetKey] = []
        parents = list(node.get("depends_on", {}).get("nodes", []))
        while parents:  # an ephemeral model is no asset: its own parents stand in for it
            uid = parents.pop(0)
            if uid in self.key_by_unique_id:
                keys.append(self.key_by_unique_id[uid])
            elif uid in self.manifest["nodes"] and self.manifest["nodes"][uid]["resource_type"] == "model":
                parents.extend(self.manifest["nodes"][uid].get("depends_on", {}).get("nodes", []))
        return list(dict.fromkeys(keys))

    def _asset_spec(self, node: Mapping[str, Any], adapter: str | None, project_id: str | None) -> dg.AssetSpec:
        metadata = {**node_metadata(node), UNIQUE_ID: node["unique_id"]}
        if adapter:
            metadata["dagster/storage_kind"] = adapter
        if project_id:
            metadata["dagster_dbt/project_id"] = dg.MetadataValue.text(project_id)
        return dg.AssetSpec(
            key=self.key_by_unique_id[node["unique_id"]],
            deps=self.deps_of(node),
            description=description(node),
            metadata=metadata,
            skippable=True,
            group_name=group_name(node),
            code_version=code_version(node),
            owners=owners(node),
            tags={tag: "" for tag in node.get("tags", []) if is_valid_tag_key(tag)},
            kinds={"dbt", adapter or "dbt"},
        )

    def _check_spec(self, test_id: str, key: dg.AssetCheckKey) -> dg.AssetCheckSpec:
        test = self.manifest["nodes"][test_id]
        parents = {self.key_by_unique_id[uid] for uid in self.manifest["parent_map"].get(test_id, [])
                   if uid in self.key_by_unique_id}
        severity = test.get("config", {}).get("severity") or "error"
        return dg.AssetCheckSpec(
            name=key.name,
            asset=key.asset_key,
            description=test.get("meta", {}).get("description") or check_description(key.name),
            additional_deps=sorted(parents - {key.asset_key}, key=lambda k: k.path),
            metadata={UNIQUE_ID: test_id},
            blocking=severity.lower() == "error",
        )

    def _attached_node(self, test: Mapping[str, Any]) -> str | None:
        """The model a test is about: a generic test's attached node, a singular test's only parent, or the model
        its ``meta.dagster.ref`` names."""
        parents = set(test["depends_on"]["nodes"])
        attached = next(iter(parents)) if len(parents) == 1 else test.get("attached_node")
        ref = ((test.get("config", {}).get("meta") or test.get("meta") or {}).get("dagster", {}).get("ref"))
        if ref:
            package = ref.get("package") or self.manifest["metadata"]["project_name"]
            attached = next((uid for uid, node in self.manifest["nodes"].items()
                             if (node["name"], node["package_name"], node.get("version"))
                             == (ref["name"], package, ref.get("version"))), None)
        return attached


def is_asset(node: Mapping[str, Any]) -> bool:
    return node["resource_type"] in ASSET_TYPES and node.get("config", {}).get("materialized") != "ephemeral"


def asset_key(node: Mapping[str, Any]) -> dg.AssetKey:
    """``meta.dagster.asset_key`` if set, else the model's configured schema (if any) and its name."""
    configured = (node.get("config", {}).get("meta") or node.get("meta") or {}).get("dagster", {}).get("asset_key")
    if configured:
        return dg.AssetKey(configured)
    if node.get("version"):
        return dg.AssetKey([node["alias"]])
    schema = node["config"].get("schema")
    return dg.AssetKey([schema, node["name"]] if schema is not None else [node["name"]])


def group_name(node: Mapping[str, Any]) -> str:
    """``dbt_<folder>`` of a model (its first folder under models/), ``dbt_seeds`` of a seed."""
    if node["resource_type"] == "seed":
        return "dbt_seeds"
    fqn = node.get("fqn") or []
    return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


def description(node: Mapping[str, Any]) -> str:
    """The model's dbt description (or "dbt model <name>") and its raw SQL."""
    code = textwrap.indent(node.get("raw_code") or "", "    ")
    text = node.get("description") or f"dbt {node['resource_type']} {node['name']}"
    return f"{text}\n\n#### Raw SQL:\n```sql\n{code}\n```"


def code_version(node: Mapping[str, Any]) -> str | None:
    """A hash of the node's raw SQL (a seed: dbt's checksum of its file)."""
    code = node.get("raw_code")
    if code:
        return hashlib.sha1(code.encode("utf-8")).hexdigest()
    return node.get("checksum", {}).get("checksum")


def owners(node: Mapping[str, Any]) -> list[str] | None:
    return node.get("meta", {}).get("dagster", {}).get("owners") or None


def node_metadata(node: Mapping[str, Any]) -> dict[str, Any]:
    """Materialization, the relation's name (database.schema.table) and the documented columns."""
    columns = node.get("columns") or {}
    schema = dg.TableSchema(columns=[
        dg.TableColumn(name=name, type=column.get("data_type") or "?", description=column.get("description"),
                       tags={tag: "" for tag in column.get("tags", [])})
        for name, column in columns.items()]) if columns else None
    relation = ".".join(part for part in (node.get("database"), node.get("schema"), node.get("alias")) if part)
    metadata: dict[str, Any] = {}
    materialized = node.get("config", {}).get("materialized")
    if materialized:
        metadata[MATERIALIZATION_TYPE] = materialized
    if schema is not None:
        metadata["dagster/column_schema"] = schema
    if relation:
        metadata["dagster/table_name"] = relation
    return metadata


def check_description(name: str) -> str | None:
    return next((text for prefix, text in DBT_CHECK_DESCRIPTIONS.items() if name.startswith(prefix)), None)

