"""Consistency (前后一致): the fiscal year printed in the cover, part titles and table headings is the report's year,
the date of a year-end figure (截至YYYY年12月31日) is the end of that year in a final, and a change is compared with
an earlier year (not 比2026年预算 in a 2026 budget).

The report's year is the year most of its titles print (the parsed identity breaks a tie), so one wrong title stands
out against the others; a year in running text (与2023年相比 …) is a comparison and is not judged.
"""

from __future__ import annotations

import re
from collections import Counter

from gongkai.extract.narrative_text import compact_line
from gongkai.extract.records import Line, Report, Table
from gongkai.review.findings import INFO, WARNING, Finding
from gongkai.review.prose import Prose

_TITLE_YEAR = re.compile(
    r"(?<![（(])(?P<y>(?:19|20)\d{2})年度?(?:[^，。；：、]{0,24}?)(?:部门|单位)(?:决算|预算)(?:情况说明|表|公开)?"
    r"|(?<![（(])(?P<y2>(?:19|20)\d{2})年度?[^，。；：、]{0,24}?(?:(?:决算|预算)(?:情况说明|[^，。；：、]{0,12}表)|绩效自评表)$")
_NOT_A_TITLE = re.compile(r"[，。；：]|比|与|较|相比|执行|上年|以前|之前|截至|截止")
_TITLE_MAX = 48
_PART_PREFIX = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\d+[.、．])")
_NAME_AFTER_YEAR = re.compile(r"\d{4}年度?(?P<name>[^，。；：、\d]{2,30}?)(?:部门|单位)(?:决算|预算)")
_ORG_END = re.compile(r"(?:局|委员会|委|院|厅|办公室|办|会|处|部|中心|所|学|校|站|馆|队|社|府|署|室)(?:（[^）]*）)?$")
_UNIT = re.compile(r"单位[:：]?(?:万元|元|千元|亿元)|[（(](?:万元|元)[）)]|金额单位|万元|元$")
_HEADER_LINES = 10
_TITLE_AT_PAGE_END = 2  # lines a title (and its wrapped tail) leaves on its page when the table starts on the next
_LISTED_TITLE = re.compile(r"表(?:\d*|[一二三四五六七八九十]*)$")
_COMPARED_YEAR = re.compile(r"(?:比|较|与)(?P<y>(?:19|20)\d{2})年度?(?:(?P<budget>(?:年初)?预算)|(?P<actual>相比|决算|同期))?")
_YEAR_AFTER = re.compile(r"(?:（[^）]{1,6}）)?(?:19|20)\d{2}年")
_LONG_NAME = 8
_CLAUSE_OPENERS = "，。；：,;:"
_OWN_NAME_AFTER = re.compile(r"（[^）]{1,6}）|\d|是|共有|本级|部门|机关")
_SAME_YEAR = re.compile(r"(?P<y1>(?:19|20)\d{2})年度?[^，。；,\d]{0,20}?(?:为|是|共)?\d[\d,]*(?:\.\d+)?(?:万元|元)[,，。]?"
                        r"(?:比|较|与)(?P<y2>(?:19|20)\d{2})年")
_YEAR_END = re.compile(r"截[至止](?P<y>(?:19|20)\d{2})年(?:12月31日|底|末)")


def review(lines: list[Line], report: Report | None, prose: Prose) -> list[Finding]:
    fiscal_year, kind = (report.fiscal_year, report.kind) if report else (None, None)
    findings = _table_units(lines, report.tables) if report else []
    titles = [(line, text, m) for line, text, m in _titles(lines)]
    year = _report_year([int(m.group("y") or m.group("y2")) for _, _, m in titles], fiscal_year)
    if year is None:
        return findings
    for line, text, m in titles:
        printed = int(m.group("y") or m.group("y2"))
        if printed != year:
            findings.append(Finding("year_mismatch", WARNING, line.page, line.line, text,
                                    f"{year}年（报告年度），而非{printed}年"))
    if kind == "final":
        findings += _year_end_dates(lines, year)
    names = _misspelt_names(lines, report.department) if report and report.department else []
    return findings + _department_names(titles) + _compared_years(prose, year, kind) + names


def _misspelt_names(lines: list[Line], department: str) -> list[Finding]:
    """The department's name printed with a character or two wrong (上海市普陀区财务局 for …财政局) where a name is
    expected: before a year (XX局2024年度…), after a field label (编制部门：…) or in a short title line, while the
    name itself is printed more often; another department's name differs in more than its middle (a misprint keeps
    the first two characters and the last one, with one wrong character in a short name, two in a long one)."""
    spots: list[tuple[Line, str, str]] = []
    printed = 0
    head, size = department[:2], len(department)
    for line in lines:
        text = compact_line(line.text)
        printed += text.count(department)
        start = text.find(head)  # a misprint keeps the first two characters: only there can a window be near
        while 0 <= start <= len(text) - size:
            window = text[start: start + size]
            if _near_name(window, department) and _name_expected(text, start, start + size):
                spots.append((line, text, window))
            start = text.find(head, start + 1)
    variants = Counter(window for _, _, window in spots)
    return [Finding("department_mismatch", WARNING, line.page, line.line, text,
                    f"“{window}”应为“{department}”（与报告其他各处一致）")
            for line, text, window in spots if variants[window] < printed]


def _near_name(window: str, name: str) -> bool:
    if window == name or window[:2] != name[:2] or window[-1] != name[-1] \
            or not all("\u4e00" <= ch <= "\u9fff" for ch in window):
        return False
    return sum(a != b for a, b in zip(window, name)) <= (2 if len(name) >= _LONG_NAME else 1)


def _name_expected(text: str, start: int, end: int) -> bool:
    """Where the report names itself: before a year, after 编制部门：, in a title line, or opening a clause as its
    subject (上海市财政局是…, 截至…，上海市财政局共有…) or a table row (广州市统计局（本级） 5,673.23 …)."""
    return bool(_YEAR_AFTER.match(text, end)) or text[max(0, start - 1): start] in ("：", ":") \
        or len(text) <= _TITLE_MAX and not _NOT_A_TITLE.search(text) \
        or (start == 0 or text[start - 1] in _CLAUSE_OPENERS) and bool(_OWN_NAME_AFTER.match(text, end))


def _compared_years(prose: Prose, year: int, kind: str | None) -> list[Finding]:
    """A change compared with the report's own year or a later one (比2026年预算增加 … in a 2026 budget; 与2024年度
    相比 in a 2024 final): the year compared with is the one before. A final's 与2024年度预算相比 compares its own
    budget and is right. An earlier year's amount compared with that same year (2025年“三公”经费预算 13.85 万元，
    比2025年减少 … in a 2026 budget) names the wrong year for the report's own amount."""
    findings = []
    for m in _COMPARED_YEAR.finditer(prose.text):
        compared = int(m.group("y"))
        own_year_wrong = compared == year and (
            (kind == "budget" and m.group("budget")) or (kind == "final" and m.group("actual")))
        if compared > year or own_year_wrong:
            line = prose.line_at(m.start())
            findings.append(Finding("year_mismatch", WARNING, line.page, line.line, prose.quote(m.start(), m.end()),
                                    f"应与{year - 1}年（上年）相比，而非{compared}年"))
    for m in _SAME_YEAR.finditer(prose.text):
        if m.group("y1") == m.group("y2") and int(m.group("y1")) < year:
            line = prose.line_at(m.start())
            findings.append(Finding("year_mismatch", WARNING, line.page, line.line, prose.quote(m.start(), m.end()),
                                    f"{m.group('y1')}年的数不能与{m.group('y2')}年相比：应为{year}年（报告年度）"
                                    f"与{year - 1}年相比"))
    return findings


def _department_names(titles) -> list[Finding]:
    """The department named in the titles (第三部分 XX局 2024 年度部门决算情况说明 …) is the same in each: a name
    printed in a minority of titles that is not a shortening of the usual one is flagged."""
    named = [(line, text, name) for line, text, m in titles if (name := _title_name(text, m))]
    counts = Counter(name for _, _, name in named)
    if len(counts) < 2:
        return []
    usual, seen = counts.most_common(1)[0]
    if seen < 2 or list(counts.values()).count(seen) > 1:
        return []
    return [Finding("department_mismatch", INFO if _shortening(name, usual) else WARNING, line.page, line.line, text,
                    f"部门名称应为“{usual}”（与其他标题一致）")
            for line, text, name in named if name != usual and name not in usual and usual not in name]


def _shortening(name: str, usual: str) -> bool:
    """省检察院 of 江苏省人民检察院: every character of ``name`` in ``usual``, in order (a short form, not a slip)."""
    rest = iter(usual)
    return all(ch in rest for ch in name)


def _title_name(text: str, m: re.Match[str]) -> str | None:
    """The department a title names: the words before the year, or between the year and 部门决算/预算."""
    before = _PART_PREFIX.sub("", text[: m.start()])
    after = _NAME_AFTER_YEAR.match(text[m.start():])
    for name in (before, after.group("name") if after else ""):
        if len(name) >= 4 and _ORG_END.search(name):
            return name
    return None


def _table_units(lines: list[Line], tables: list[Table]) -> list[Finding]:
    """Each table prints the unit of its amounts (单位：万元 / 元) under its title or in its header."""
    index = {(line.page, line.line): i for i, line in enumerate(lines)}
    findings = []
    for table in tables:
        at = index.get((table.source.page, table.source.line))
        if at is None or table.is_empty:
            continue
        header = [compact_line(line.text) for line in _header_lines(lines, at)]
        if len(header) > 1 and _LISTED_TITLE.search(header[1]):
            continue  # a list of the tables' titles (目录, 公开表目录), not the table
        if not any(_UNIT.search(text) for text in header):
            findings.append(Finding("unit_missing", WARNING, table.source.page, table.source.line, table.title,
                                    "表头应注明金额单位（单位：万元或元）"))
    return findings


def _header_lines(lines: list[Line], at: int) -> list[Line]:
    """The lines under a table's title on its page, or on the next page where the title ends its page."""
    following = lines[at: at + _HEADER_LINES]
    same_page = [line for line in following if line.page == lines[at].page]
    return following if len(same_page) <= _TITLE_AT_PAGE_END else same_page


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
