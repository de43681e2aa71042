"""Patterns compiled on first use answer exactly as the compiled ones, and the parser's import compiles none of them."""

import pickle
import re
import subprocess
import sys

from gongkai.extract.lazy_pattern import LazyPattern, lazy_pattern

TEXT = "2023年度部门决算 支出合计 1,234.56万元，比上年增加12.5%"
EXPR = r"(?P<v>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<u>万元|%)"


def test_answers_as_the_compiled_pattern():
    lazy, compiled = lazy_pattern(EXPR), re.compile(EXPR)
    assert lazy.pattern == compiled.pattern
    assert lazy.search(TEXT).group("v") == compiled.search(TEXT).group("v") == "1,234.56"
    assert [m.span() for m in lazy.finditer(TEXT)] == [m.span() for m in compiled.finditer(TEXT)]
    assert lazy.findall(TEXT) == compiled.findall(TEXT)
    assert lazy.sub("N", TEXT) == compiled.sub("N", TEXT)
    assert lazy.match(TEXT) is None and lazy.fullmatch("12.5%") is not None
    assert lazy.groupindex == compiled.groupindex


def test_flags_equality_and_pickle():
    lazy = lazy_pattern("abc", re.IGNORECASE)
    assert lazy.search("xABCx").group() == "ABC"
    assert lazy == lazy_pattern("abc", re.IGNORECASE) != lazy_pattern("abc")
    assert hash(lazy) == hash(lazy_pattern("abc", re.IGNORECASE))
    again = pickle.loads(pickle.dumps(lazy))
    assert isinstance(again, LazyPattern) and again.search("ABC")


def test_importing_the_parser_compiles_no_lazy_pattern():
    probe = (
        "import gongkai.extract.lazy_pattern as lp\n"
        "compiled = []\n"
        "real = lp.compiled\n"
        "lp.compiled = lambda *a: compiled.append(a) or real(*a)\n"
        "import sys, gongkai.extract.parser\n"
        "lazy = [v for name, m in list(sys.modules.items()) if name.startswith('gongkai.')\n"
        "        for v in vars(m).values() if isinstance(v, lp.LazyPattern)]\n"
        "print(len(compiled), len(lazy))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    compiled, lazy = map(int, out.split())
    assert compiled == 0 and lazy > 50
