"""Patterns built from the kept code answer exactly as ``re.compile``'s, a new process reads what an earlier one
kept, and a damaged or foreign file is ignored."""

import marshal
import re
import subprocess
import sys

import pytest

from gongkai.extract import pattern_cache

TEXT = "第二部分 2023年度部门决算 支出合计 1,234.56万元，比上年增加12.5%；ABC"
PATTERNS = [
    (r"(?P<v>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<u>万元|%)", 0),
    (r"^第[一二三四五六七八九十]+部分\s*(?P<year>(?:19|20)\d{2})年度?(?P<dept>[\u4e00-\u9fff]{2,40}?)决算", 0),
    (r"abc", re.IGNORECASE),
    (r"(?x) 增加 \s* (\d+) | (?<=[：:，,]) \d+ (?=%)", 0),
]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(pattern_cache, "_entries", None)
    monkeypatch.setattr(pattern_cache, "_new", {})
    monkeypatch.setattr(pattern_cache, "_used", set())
    monkeypatch.setattr(pattern_cache, "_checked", {})
    return tmp_path


def _answers(pattern: re.Pattern) -> tuple:
    found = pattern.search(TEXT)
    return (pattern.pattern, pattern.flags, pattern.groups, dict(pattern.groupindex),
            found and (found.span(), found.groups()), pattern.findall(TEXT), pattern.sub("N", TEXT))


def test_kept_code_answers_as_re_compile_in_a_new_process(cache_dir):
    for expr, flags in PATTERNS:
        assert _answers(pattern_cache.compiled(expr, flags)) == _answers(re.compile(expr, flags))
    pattern_cache._write()
    kept = pattern_cache.cache_file()
    assert kept.parent == cache_dir and len(marshal.loads(kept.read_bytes())[1]) == len(PATTERNS)
    probe = (
        "import re, sys\n"
        "from re import _compiler\n"
        "from gongkai.extract import pattern_cache\n"
        "_compiler.compile = None  # a pattern not read from the file fails here\n"
        f"for expr, flags in {PATTERNS!r}:\n"
        "    p = pattern_cache.compiled(expr, flags)\n"
        "    print(repr((p.pattern, p.flags, p.groups, p.search(sys.argv[1]) and p.search(sys.argv[1]).span())))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, TEXT], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "GONGKAI_CACHE_DIR": str(cache_dir)}).stdout
    expected = [repr((p.pattern, p.flags, p.groups, p.search(TEXT) and p.search(TEXT).span()))
                for p in (re.compile(e, f) for e, f in PATTERNS)]
    assert out.splitlines() == expected


def test_damaged_or_foreign_file_is_ignored(cache_dir):
    expr, flags = PATTERNS[1]
    kept = pattern_cache.cache_file()
    for content in (b"\x00garbage", marshal.dumps((("2.7", 0, 4), {(expr, flags): (0, [1, 2, 3], 0, {}, ())}))):
        kept.write_bytes(content)
        pattern_cache._entries, pattern_cache._new, pattern_cache._checked = None, {}, {}
        assert _answers(pattern_cache.compiled(expr, flags)) == _answers(re.compile(expr, flags))
    pattern_cache._write()
    assert marshal.loads(kept.read_bytes())[0] == pattern_cache._STAMP


def test_unwritable_folder_costs_only_the_cache(tmp_path, monkeypatch, cache_dir):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(blocker / "below"))
    expr, flags = PATTERNS[0]
    assert _answers(pattern_cache.compiled(expr, flags)) == _answers(re.compile(expr, flags))
    pattern_cache._write()  # no error: the folder cannot be made
    assert not (blocker / "below").exists()
