"""gongkai.json_text writes what ``json.dumps(value, ensure_ascii=False, indent=2)`` writes, byte for byte: a real
report as `gongkai parse` prints it (the seed, 辽宁省数据局 2024) and the values JSON treats specially."""

from __future__ import annotations

import json

import pytest

from gongkai.json_text import dumps_indented
from tests.conftest import LIAONING, RAW


def standard(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def test_a_parsed_report_is_written_as_json_writes_it():
    pytest.importorskip("gongkai.extract.serialize")
    from gongkai.extract.parser import parse_file
    from gongkai.extract.serialize import report_to_dict

    report = report_to_dict(parse_file(RAW / LIAONING))
    text = dumps_indented(report)
    assert text == standard(report)
    assert '"department": "辽宁省数据局"' in text


def test_the_values_json_treats_specially():
    value = {"empty list": [], "empty dict": {}, "nested": [{}, [[]], ()], 1: 2, 2.5: None, True: False, None: (1, 2),
             "numbers": [1.0, -0.0, 1e16, 1.5e-7, float("nan"), float("inf"), -float("inf"), 10**20, -3],
             "text": "\x00\t\n\u2028\"\\ 中文 \U0001f600"}
    assert dumps_indented(value) == standard(value)
    for scalar in ("", 0, 0.1, None, True, [], {}):
        assert dumps_indented(scalar) == standard(scalar)
    with pytest.raises(TypeError):
        dumps_indented({"a": {1, 2}})
