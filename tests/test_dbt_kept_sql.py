"""The batches' kept SQL (gongkai.pipeline.dbt_kept_sql): the newest few kept, those in use kept longest."""

import os

from gongkai.pipeline import dbt_kept_sql
from gongkai.pipeline.dbt_manifests import KEPT_MANIFESTS

SUFFIX = ".tests.json"


def _age_all(project, seconds):
    for path in (project / dbt_kept_sql.MANIFEST_FOLDER).glob(f"*{SUFFIX}"):
        stat = path.stat()
        os.utime(path, (stat.st_atime - seconds, stat.st_mtime - seconds))


def test_kept_sql_read_by_a_run_outlives_newer_writes(tmp_path):
    for n in range(KEPT_MANIFESTS):
        dbt_kept_sql.write_kept(tmp_path, f"key{n}", SUFFIX, {"n": n})
        _age_all(tmp_path, 10)  # each older than the next
    assert dbt_kept_sql.read_kept(tmp_path, "key0", SUFFIX) == {"n": 0}  # the oldest, now in use
    dbt_kept_sql.write_kept(tmp_path, "key-new", SUFFIX, {"n": "new"})
    kept = {p.name.removesuffix(SUFFIX) for p in (tmp_path / dbt_kept_sql.MANIFEST_FOLDER).glob(f"*{SUFFIX}")}
    assert kept == {"key0", "key2", "key3", "key-new"}


def test_unreadable_kept_sql_is_none(tmp_path):
    path = dbt_kept_sql.kept_path(tmp_path, "k", SUFFIX)
    path.parent.mkdir(parents=True)
    path.write_text("[1, 2]", encoding="utf-8")
    assert dbt_kept_sql.read_kept(tmp_path, "k", SUFFIX) is None
    path.write_text("{not json", encoding="utf-8")
    assert dbt_kept_sql.read_kept(tmp_path, "k", SUFFIX) is None
