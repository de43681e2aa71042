"""FamilySet.match rules out a line without 表 before trying any title pattern: every family's pattern must require
it (a literal 表 in every way the pattern can match), or a title without one would be missed."""

import re._parser as sre_parse

import pytest

from gongkai.extract.budget_families import BUDGET_TABLES
from gongkai.extract.families import FINAL_TABLES, TITLE_WORD

_WORD = ord(TITLE_WORD)


def _requires(items) -> bool:
    """Whether every match of the parsed sequence holds the literal word."""
    for op, arg in items:
        if op is sre_parse.LITERAL and arg == _WORD:
            return True
        if op is sre_parse.SUBPATTERN and _requires(arg[-1]):
            return True
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and arg[0] >= 1 and _requires(arg[2]):
            return True
        if op is sre_parse.BRANCH and all(_requires(branch) for branch in arg[1]):
            return True
    return False


@pytest.mark.parametrize("family", FINAL_TABLES.families + BUDGET_TABLES.families, ids=lambda f: f.key)
def test_every_title_pattern_requires_the_word(family):
    assert _requires(sre_parse.parse(family.pattern.pattern))


def test_the_check_sees_an_optional_word():
    assert not _requires(sre_parse.parse("^收入决算(?:表)?$"))
    assert not _requires(sre_parse.parse("^收入决算表$|^收入决算$"))
    assert _requires(sre_parse.parse("^收入决算表$|^收入表$"))


def test_a_line_without_the_word_is_no_title():
    assert FINAL_TABLES.match("收入决算表").key == "income"
    assert FINAL_TABLES.match("收入决算") is None
