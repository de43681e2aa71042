"""Report identity: department (部门), fiscal year, kind (决算 final / 预算 budget), the units in scope (单位构成)
and the date the report prints as its own (落款/封面日期).

The department is read from the cover and title ("上海市普陀区财政局 2024年度部门决算"), the scope sentence
("纳入辽宁省数据局 2024年部门决算编制范围") and the tables' "部门：…" lines — the most frequent reading wins, so
a later heading that names the department differently does not override the cover.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.records import Line
from gongkai.extract.text import squeeze

_ORG = r"[\u4e00-\u9fff（）()XＸ×]{2,40}?"
_YEAR = r"(?P<year>(?:19|20)\d{2})年度?"
_KIND = r"(?:区级|市级|省级|县级)?(?:部门|单位)(?P<kind>决算|预算)"
_TITLES = (  # the department before or after the year
    lazy_pattern(rf"(?P<dept>{_ORG}){_YEAR}{_KIND}"),
    lazy_pattern(rf"{_YEAR}(?P<dept>{_ORG}){_KIND}"),
    lazy_pattern(rf"{_YEAR}{_KIND}"),
)
_COVER_LINES = 10
_COVER_DEPARTMENT = lazy_pattern(rf"(?:预算主管部门|主管部门|预算单位|决算单位)[:：](?P<dept>{_ORG})(?=$|\d|目录|第)")
_NOT_A_DEPARTMENT = lazy_pattern(r"第[一二三四五六七八九十]+部分|目录|说明|[一二三四五六七八九十]、")
_SCOPE_MARK = lazy_pattern(r"[（(](?:汇总|本级|部门汇总)[）)]$")
_PLACEHOLDER = lazy_pattern(r"XX|ＸＸ|××|xx|某某")
_DUTIES_SUBJECT = lazy_pattern(r"^(?P<dept>[\u4e00-\u9fff]{2,20}?(?:局|厅|委员会|委|办公室|办|院|部|署|中心))"
                               r"(?:贯彻|是|负责|主要职责|的主要职责)")
_YEAR_KIND = lazy_pattern(r"(?P<year>(?:19|20)\d{2})年度?(?:[\u4e00-\u9fff]{0,3}?(?:部门|单位))?(?P<kind>决算|预算)(?!数)")
_TABLE_TITLE_YEAR = lazy_pattern(r"^(?P<year>(?:19|20)\d{2})年度?[\u4e00-\u9fff“”\"（）()]{2,30}(?:决算|预算)")
_SCOPE = lazy_pattern(r"纳入(?P<dept>[\u4e00-\u9fff（）()]{2,40}?)(?P<year>(?:19|20)\d{2})年度?部门(?:决算|预算)编制范围")
_TABLE_DEPARTMENT = lazy_pattern(r"(?:部门|单位名称|编制部门|编制单位)[:：]\s*(?P<dept>[\u4e00-\u9fff（）()]{2,40})")
_PART_HEADING = lazy_pattern(r"^第[一二三四五六七八九十]+部分(?P<dept>[\u4e00-\u9fff]{2,40}?)(?:(?:19|20)\d{2})?年度?部门")
_COVER_KIND = lazy_pattern(r"^(?:(?:19|20)\d{2})?年度?[\u4e00-\u9fff]{0,3}?部门(?P<kind>决算|预算)(?:公开|报告)?$")
_TABLE_KIND = lazy_pattern(r"(?P<kind>决算|预算)(?:总|明细)?表$")
_GOVERNMENT_ACCOUNTS = lazy_pattern(r"总决算|[（(]\d{2}表[）)]")
_NEXT_SECTION = lazy_pattern(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")
_NOT_A_UNIT = lazy_pattern(r"纳入|包括|序号|编制范围|[，。：:]$")
_SUB_HEADING = lazy_pattern(r"^[（(][一二三四五六七八九十]+[）)]")
_NOT_A_NAME = lazy_pattern(r"决算|预算")  # a sentence about the accounts, wrapped onto its own line
_UNIT_SENTENCE = lazy_pattern(r"(?:反映|包括|包含)(?P<names>[\u4e00-\u9fff（）、]{4,200}?)(?:的经费收支|等\d*个?单位|。)")
_UNIT_LINE = lazy_pattern(r"^(?:\d{1,3}(?:[.、．]|\s)\s*)?(?P<name>[\u4e00-\u9fff（）()0-9]{3,40}?)(?:\s+.*)?$")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_DATE_LINE = lazy_pattern(r"(?P<year>(?:19|20)\d{2}|[二][〇○零一二三四五六七八九]{3})年"
                          r"(?P<month>\d{1,2}|[一二三四五六七八九十]{1,2})月"
                          r"(?:(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})日)?")
_UNIT_SUFFIX = lazy_pattern(r"(本级|局|厅|委|办|中心|所|站|院|校|学|馆|网|队|会|室|部|处|社|台|园|场|团|署|庭|宫)"
                            r"(（[\u4e00-\u9fff]{1,20}）)?$")  # 本级（机关）, 西安市人民医院（西安市第四医院）


@dataclass(slots=True)
class Identity:
    department: str | None = None
    fiscal_year: int | None = None
    kind: str | None = None
    units_in_scope: list[str] = field(default_factory=list)
    is_government_accounts: bool = False
    is_template: bool = False
    printed_date: str | None = None


@dataclass(slots=True)
class _Title:
    """What the report's own title (封面) says: the strongest reading of department, year and kind."""

    department: str | None = None
    year: int | None = None
    kind: str | None = None


def read_identity(lines: list[Line]) -> Identity:
    departments: Counter[str] = Counter()
    years: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    title = read_title(lines)
    head = lines[:12]
    _read_cover_lines(head, departments, years, kinds)
    government_accounts = 0
    for line in lines:
        text = line.text
        if "算" not in text and "部" not in text and "单" not in text and "表" not in text:
            continue  # every reading below names 决算/预算, 部门, 单位 or a table
        compact = squeeze(text)
        _count_departments(text, compact, departments)
        table_kind = _TABLE_KIND.search(compact) if len(compact) < 40 and compact.endswith("表") else None
        if table_kind:
            kinds[table_kind.group("kind")] += 1
            if found := _TABLE_TITLE_YEAR.match(compact):
                years[int(found.group("year"))] += 2
        if "年" in compact and "算" in compact:
            weight = 10 if line.page == 1 else 1
            for found in _YEAR_KIND.finditer(compact):
                years[int(found.group("year"))] += weight
                kinds[found.group("kind")] += weight
        if ("总决算" in compact or "表" in compact) and _GOVERNMENT_ACCOUNTS.search(compact):
            government_accounts += 1
    kind = title.kind or (kinds.most_common(1)[0][0] if kinds else None)
    department = title.department or (departments.most_common(1)[0][0] if departments else None)
    if department is None:
        department = _department_in_duties(lines)
    department = _without_scope_mark(department)
    return Identity(
        department=department,
        fiscal_year=title.year or (years.most_common(1)[0][0] if years else None),
        kind={"决算": "final", "预算": "budget"}.get(kind) if kind else None,
        units_in_scope=read_units_in_scope(lines),
        is_government_accounts=government_accounts >= 3,
        is_template=department is not None and _PLACEHOLDER.search(department) is not None,
        printed_date=read_printed_date(lines),
    )


def read_title(lines: list[Line]) -> _Title:
    """The title on the first page: '2019年佛山市轨道交通局部门决算', '西南大学2023年度部门决算', a cover printed over
    several lines ('2026年度 / 福州市商务局 / 部门预算'), or a budget's '上海市2025年市级单位预算 / 预算单位：上海市财政局'
    (the 预算单位 / 预算主管部门 line names the department)."""
    if not lines:
        return _Title()
    first_page = [line for line in lines[:_COVER_LINES] if line.page == lines[0].page]
    cover = squeeze("".join(line.text for line in first_page))
    title = _Title()
    for pattern in _TITLES:
        if found := pattern.search(cover):
            department = found.groupdict().get("dept")
            if department and _NOT_A_DEPARTMENT.search(department):
                continue
            title = _Title(department, int(found.group("year")), found.group("kind"))
            break
    if found := _COVER_DEPARTMENT.search(cover):
        title.department = found.group("dept")
    return title


def _without_scope_mark(department: str | None) -> str | None:
    """The department without the scope printed after its name: （汇总） (all its units) or （本级） (its own unit)."""
    return _SCOPE_MARK.sub("", department) if department else department


def _department_in_duties(lines: list[Line]) -> str | None:
    """The department as the first sentence under its duties names it ('北京市审计局贯彻落实…'), for a report whose
    cover and tables do not print it."""
    for index, line in enumerate(lines):
        if "职责" in line.text and len(line.text) < 30:
            for after in lines[index + 1: index + 3]:
                if found := _DUTIES_SUBJECT.match(squeeze(after.text)):
                    return found.group("dept")
    return None


def _count_departments(text: str, compact: str, departments: Counter[str]) -> None:
    """The department named by a scope sentence (weight 3), a table's 部门：line (1) or a part heading (2).
    Each pattern's literal (纳入, a colon, 第) is tested first: most lines hold none of them."""
    if "纳入" in compact and (found := _SCOPE.search(compact)):
        departments[found.group("dept")] += 3
    if (":" in text or "：" in text) and (found := _TABLE_DEPARTMENT.search(text)):
        departments[found.group("dept")] += 1
    if compact.startswith("第") and (found := _PART_HEADING.search(compact)):
        departments[found.group("dept")] += 2


def _read_cover_lines(head: list[Line], departments: Counter[str], years: Counter[int], kinds: Counter[str]) -> None:
    """A cover printed as separate lines: department / 年度部门决算 / 2024."""
    texts = [squeeze(line.text) for line in head[:6]]
    for i, text in enumerate(texts):
        found = _COVER_KIND.match(text)
        if found and i > 0 and re.fullmatch(r"[\u4e00-\u9fff（）()]{3,40}", texts[i - 1]):
            departments[texts[i - 1]] += 5
            kinds[found.group("kind")] += 3
            for neighbour in texts[max(0, i - 2) : i + 2]:
                if re.fullmatch(r"(?:19|20)\d{2}", neighbour):
                    years[int(neighbour)] += 3


def read_printed_date(lines: list[Line]) -> str | None:
    """The report's own date: a line that is only a date (``2024年8月``, ``2025年9月20日``, ``二〇二四年八月``) at the
    end of the document (the sign-off, 落款) or else on the cover (the first page's first lines). Dates inside
    sentences (截至2024年12月31日) are not the report's date. ISO text: ``2024-08`` or ``2025-09-20``."""
    if not lines:
        return None
    cover = [line for line in lines[:15] if line.page == lines[0].page]
    for line in list(reversed(lines[-8:])) + cover:
        found = _DATE_LINE.fullmatch(squeeze(line.text))
        if found and (iso := _iso_date(found)):
            return iso
    return None


def _iso_date(found: re.Match[str]) -> str | None:
    year = int(found.group("year").translate(_CN_DIGITS))
    month = _small_number(found.group("month"))
    day = _small_number(found.group("day")) if found.group("day") else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def _small_number(text: str) -> int:
    """'8' → 8; Chinese numerals up to 31: '八' → 8, '十二' → 12, '二十' → 20, '三十一' → 31."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int(text.translate(_CN_DIGITS))
    tens, _, units = text.partition("十")
    return int(tens.translate(_CN_DIGITS) or 1) * 10 + int(units.translate(_CN_DIGITS) or 0)


def read_units_in_scope(lines: list[Line]) -> list[str]:
    """The units listed under 部门决算单位构成 (the 本级 unit and its subordinates)."""
    for start, line in enumerate(lines):
        if "单位构成" in line.text:
            units = _units_after(lines, start)
            if units:
                return units
    return []


def _units_after(lines: list[Line], start: int) -> list[str]:
    return _units_listed(lines, start) or _units_in_sentence(lines, start)


def _units_in_sentence(lines: list[Line], start: int) -> list[str]:
    """Units named in one sentence: '学校部门决算反映西南大学本级、西南大学附属中学、西南大学附属小学的经费收支情况'."""
    text = squeeze("".join(line.text for line in lines[start + 1: start + 6]))
    found = _UNIT_SENTENCE.search(text)
    if not found:
        return []
    names = [name for name in re.split(r"、|和|及", found.group("names")) if name]
    return names if all(_UNIT_SUFFIX.search(name) for name in names) else []


def _units_listed(lines: list[Line], start: int) -> list[str]:
    """One unit a line (numbered or in a 序号 单位名称 table); the divisions listed under a 内设机构 sub-heading are
    not units."""
    units: list[str] = []
    divisions = False
    for line in lines[start + 1 : start + 40]:
        compact = line.text.strip()
        if _NEXT_SECTION.match(compact):
            break
        if _SUB_HEADING.match(compact):
            divisions = "内设" in compact
            continue
        if divisions or _NOT_A_UNIT.search(compact) or compact.isdigit():
            continue
        found = _UNIT_LINE.match(compact)
        name = found.group("name") if found else ""
        if found and _UNIT_SUFFIX.search(name) and not _NOT_A_NAME.search(name):
            units.append(name)
    return units
