"""Consistency (前后一致): the fiscal year printed in the cover, part titles and table headings is the report's year,
and the date of a year-end figure (截至YYYY年12月31日) is the end of that year in a final.

The report's year is the year most of its titles print (the parsed identity breaks a tie), so one wrong title stands
out against the others; a year in running text (与2023年相比 …) is a comparison and is not judged.
"""

from __future__ import annotations

import re
from collections import Counter

from gongkai.extract.narrative import compact_line
from gongkai.extract.records import Line
from gongkai.review.findings import WARNING, Finding

_TITLE_YEAR = re.compile(
    r"(?P<y>(?:19|20)\d{2})年度?(?:[^，。；：、]{0,24}?)(?:部门|单位)(?:决算|预算)(?:情况说明|表|公开)?"
    r"|(?P<y2>(?:19|20)\d{2})年度?[^，。；：、]{0,24}?(?:决算|预算)(?:情况说明|表)$")
_NOT_A_TITLE = re.compile(r"[，。；：]|比|与|较|相比|执行|上年|以前|之前|截至|截止")
_TITLE_MAX = 48
_YEAR_END = re.compile(r"截[至止](?P<y>(?:19|20)\d{2})年(?:12月31日|底|末)")


def review(lines: list[Line], fiscal_year: int | None, kind: str | None) -> list[Finding]:
    titles = [(line, text, m) for line, text, m in _titles(lines)]
    year = _report_year([int(m.group("y") or m.group("y2")) for _, _, m in titles], fiscal_year)
    if year is None:
        return []
    findings = []
    for line, text, m in titles:
        printed = int(m.group("y") or m.group("y2"))
        if printed != year:
            findings.append(Finding("year_mismatch", WARNING, line.page, line.line, text,
                                    f"{year}年（报告年度），而非{printed}年"))
    if kind == "final":
        findings += _year_end_dates(lines, year)
    return findings


def _titles(lines: list[Line]):
    for line in lines:
        if "年" not in line.text:
            continue
        text = compact_line(line.text)
        if len(text) > _TITLE_MAX or _NOT_A_TITLE.search(text):
            continue
        m = _TITLE_YEAR.search(text)
        if m:
            yield line, text, m


def _report_year(years: list[int], fiscal_year: int | None) -> int | None:
    if not years:
        return fiscal_year
    counts = Counter(years).most_common()
    best = [y for y, n in counts if n == counts[0][1]]
    return fiscal_year if fiscal_year in best else (best[0] if len(best) == 1 else None)


def _year_end_dates(lines: list[Line], year: int) -> list[Finding]:
    findings = []
    for line in lines:
        if "截" not in line.text:
            continue
        text = compact_line(line.text)
        for m in _YEAR_END.finditer(text):
            if int(m.group("y")) != year:
                findings.append(Finding("year_mismatch", WARNING, line.page, line.line, text,
                                        f"截至{year}年12月31日（报告年度末），而非{m.group('y')}年"))
    return findings
