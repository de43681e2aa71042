"""The disclosure review on every real report of ../shared/corpus against its golden (tests/data/review/*.json):
the findings equal the golden exactly — the real defects, each verified on its page render, and no false finding.

A golden lists every finding with the rule, severity, page, line and the text quoted. A report with an empty list
was read through with no finding; the rules that cannot tell a slip from a layout quirk stay silent there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SHARED_CORPUS
from gongkai.review.findings import RULES
from gongkai.review.review import review_file

GOLDENS = sorted((Path(__file__).parent / "data" / "review").glob("*.json"))


def _golden(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=GOLDENS, ids=lambda p: p.stem)
def reviewed(request):
    golden = _golden(request.param)
    path = SHARED_CORPUS / golden["file"]
    if not path.is_file():
        pytest.skip(f"{golden['file']} is not available (../shared/corpus)")
    return golden, review_file(path)


def test_findings_equal_the_golden(reviewed):
    golden, review = reviewed
    found = [(f.rule, f.severity, f.page, f.line, f.quote) for f in review.findings]
    expected = [(g["rule"], g["severity"], g["page"], g["line"], g["quote"]) for g in golden["findings"]]
    assert found == expected


def test_every_golden_finding_is_a_known_rule_and_was_verified():
    for path in GOLDENS:
        for finding in _golden(path)["findings"]:
            assert finding["rule"] in RULES
            assert finding["verified"]


def test_goldens_cover_the_whole_corpus():
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    files = {p.relative_to(SHARED_CORPUS).as_posix() for p in SHARED_CORPUS.glob("*/*") if p.suffix in (".pdf", ".txt")}
    assert files == {_golden(p)["file"] for p in GOLDENS}


def test_the_real_shanghai_defect_is_found():
    """Page 21 of the Putuo finance bureau's 2024 final: 财政拨款收入支出总计 0.3 万元 (the table: 2,961.68 总计)."""
    golden = _golden(Path(__file__).parent / "data" / "review" / "2024_shpt-czj_final.json")
    assert [(g["rule"], g["page"], g["line"]) for g in golden["findings"]] == [("narrative_vs_table", 21, 14)]
