"""The Great Expectations 1.x file context under expectations/: GX imported once, the suites written as JSON, one
pandas datasource with a dataframe asset and a validation definition per suite, and the data docs site."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import sys
import threading
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gongkai.quality.specs import SuiteSpec
from gongkai.quality.suites import SUITES

REPO = Path(__file__).resolve().parents[3]
EXPECTATIONS_DIR = REPO / "expectations"  # the GX context root (great_expectations.yml, suites as JSON)
DEFAULT_DOCS_DIR = REPO / "warehouse" / "gx_docs"
DATASOURCE = "gongkai_pandas"
BATCH_DEFINITION = "whole_dataframe"
DOCS_SITE = "gongkai_docs"

_GX_SEVERITY = {"error": "critical", "warning": "warning"}
#: GX's context and stores are not thread-safe: every use of a context holds this lock
lock = threading.RLock()


#: Imported by Great Expectations at its import for expectations no suite here uses (the KL-divergence expectation
#: and the KS-test metrics: scipy.stats; that expectation's charts: altair), and only called inside their functions:
#: ≈ 30% of GX's import
DEFERRED_BY_GX = ("scipy.stats", "altair")


@functools.cache
def gx_module():
    """Import great_expectations once (it takes seconds); no usage statistics. The modules of
    :data:`DEFERRED_BY_GX` are imported when first used, not at GX's import."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    for name in DEFERRED_BY_GX:
        defer_import(name)
    import great_expectations as gx

    return gx


def defer_import(name: str) -> None:
    """Put a stand-in for module ``name`` in ``sys.modules``: an ``import`` naming it gets the stand-in, and the module
    is imported on the first use of one of its attributes. Nothing happens when it is imported already or not
    installed. (``importlib.util.LazyLoader`` loads a top-level module at the next ``import`` statement naming it.)"""
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)  # imports the parent package
    except (ImportError, ValueError):
        return
    if spec is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, stand_in)


class _Deferred(types.ModuleType):
    """A module's stand-in until one of its attributes is used (:func:`defer_import`)."""

    def __getattr__(self, attribute: str):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if parent and getattr(sys.modules[parent], child, None) is self:
                delattr(sys.modules[parent], child)
        return getattr(importlib.import_module(name), attribute)


_contexts: dict[tuple[str, str], Any] = {}


def get_context(root: str | Path = EXPECTATIONS_DIR, docs_dir: str | Path | None = None, *, sync: bool = True):
    """The GX file context rooted at ``root`` (expectations/ by default; scaffolded on first use), cached per root.

    ``gx.get_context(mode="file", context_root_dir=root)``: great_expectations.yml sits directly in ``root`` (with
    ``project_root_dir`` GX would add a ``gx/`` level). Suites are written as JSON to ``root/expectations/``,
    validation results to ``root/uncommitted/`` (not committed). Data docs are built into ``docs_dir``
    (default warehouse/gx_docs). With ``sync`` every suite of SUITES is written (add or update; unchanged
    expectations keep their ids, so the JSON files only change when the code does).
    """
    root = Path(root).resolve()
    docs = Path(docs_dir).resolve() if docs_dir is not None else DEFAULT_DOCS_DIR
    key = (str(root), str(docs))
    with lock:
        if key in _contexts:
            return _contexts[key]
        gx = gx_module()
        root.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", context_root_dir=str(root))
        _configure_docs(context, root, docs)
        if sync:
            sync_suites(context)
            for spec in SUITES.values():
                validation_definition(context, spec)
        _contexts[key] = context
        return context


def _configure_docs(context, root: Path, docs: Path) -> None:
    """One data docs site, in ``docs``. The committed config holds the default as a path relative to the context
    root; another ``docs`` is set in memory only, so great_expectations.yml stays machine-independent."""
    default_rel = os.path.relpath(DEFAULT_DOCS_DIR, root)
    wanted = os.path.relpath(docs, root) if docs == DEFAULT_DOCS_DIR else str(docs)

    def site(base: str) -> dict:
        return {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": base},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }

    sites = context.list_data_docs_sites()
    changed = False
    if set(sites) != {DOCS_SITE} or sites[DOCS_SITE]["store_backend"]["base_directory"] != default_rel:
        for name in list(sites):
            context.delete_data_docs_site(name)
        context.add_data_docs_site(DOCS_SITE, site(default_rel))
        changed = True
    if context.variables.analytics_enabled is not False:
        context.variables.analytics_enabled = False
        changed = True
    bars = context.variables.progress_bars
    bars = bars if isinstance(bars, dict) else (vars(bars) if bars is not None else {})
    if bars.get("globally", True) or bars.get("metric_calculations", True):
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        changed = True
    if changed:
        context.variables.save()
    if wanted != default_rel:
        context.config.data_docs_sites[DOCS_SITE] = site(wanted)  # in memory only


def build_suite(spec: SuiteSpec):
    """The GX ExpectationSuite of a spec (severity error → GX 'critical', warning → 'warning'; ours kept in meta)."""
    gx = gx_module()
    expectations = [
        getattr(gx.expectations, exp.type)(
            **dict(exp.kwargs),
            severity=_GX_SEVERITY[exp.severity],
            meta={"gongkai_index": index, "gongkai_severity": exp.severity, "note": exp.note},
        )
        for index, exp in enumerate(spec.expectations)
    ]
    # Expectations go through the constructor: suite.add_expectation() would write straight into a stored suite of
    # the same name in whichever context is current.
    return gx.ExpectationSuite(
        name=spec.name, expectations=expectations, meta={"table": spec.table, "description": spec.description}
    )


def sync_suites(context, names: Iterable[str] | None = None) -> None:
    """Write the suites (as code in gongkai.quality.suites) to the context's store: expectations/expectations/*.json."""
    from great_expectations.exceptions import DataContextError

    for name in names or SUITES:
        suite = build_suite(SUITES[name])
        try:
            existing = context.suites.get(name)
        except DataContextError:
            existing = None
        if existing is not None:
            # keep the ids of unchanged expectations (GX compares ids too, so new objects never look equal)
            previous = {_config_key(e): e.id for e in existing.expectations}
            for expectation in suite.expectations:
                expectation.id = previous.get(_config_key(expectation), expectation.id)
            unchanged = [_config_key(e) for e in existing.expectations] == [_config_key(e) for e in suite.expectations]
            if unchanged and [e.id for e in existing.expectations] == [e.id for e in suite.expectations] \
                    and existing.meta == suite.meta:
                continue  # unchanged: don't rewrite the JSON
        context.suites.add_or_update(suite)


def _config_key(expectation) -> str:
    config = expectation.configuration.to_json_dict()
    config.pop("id", None)
    return json.dumps(config, sort_keys=True, default=str)


def validation_definition(context, spec: SuiteSpec):
    gx = gx_module()
    from great_expectations.exceptions import DataContextError

    try:
        datasource = context.data_sources.get(DATASOURCE)
    except (KeyError, ValueError, DataContextError):
        datasource = context.data_sources.add_pandas(DATASOURCE)
    try:
        asset = datasource.get_asset(spec.name)
    except LookupError:
        asset = datasource.add_dataframe_asset(name=spec.name)
    try:
        batch_definition = asset.get_batch_definition(BATCH_DEFINITION)
    except KeyError:
        batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)
    try:
        definition = context.validation_definitions.get(spec.name)
    except DataContextError:
        definition = None
    if definition is None:
        suite = context.suites.get(spec.name)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch_definition, suite=suite)
        )
    return definition



def build_docs(context=None) -> dict[str, str]:
    """Build the GX data docs (suites and stored validation results) into the docs dir; returns {site: url}."""
    context = context or get_context()
    with lock:
        return context.build_data_docs(site_names=[DOCS_SITE])
