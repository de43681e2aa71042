"""The contents page (目录) against the body, both ways: an entry the contents lists — a part (第二部分 …, 三、名词解释)
or a table — that the body does not print, and a table or part the body prints that the contents leaves out.

The contents is the page headed 目录 (and a next page that holds nothing but more entries); an entry wrapped over two
lines is one entry, and dot leaders and page numbers are no part of it. A part is printed when a line after the
contents carries its words (numbering, years and the department's name aside) or, for 第X部分, begins with the same
第X部分; a table when its title is printed (the same table family). Sub-entries ((一) …) are not judged. The body's
tables are judged only against a contents that lists at least three tables and whose list of tables is complete: a
later entry follows the last table, or the contents lists a table the body prints after the left-out one.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from gongkai.extract.budget_families import BUDGET_TABLES
from gongkai.extract.families import FINAL_TABLES
from gongkai.extract.narrative_text import compact_line
from gongkai.extract.records import Line, Report, Table
from gongkai.review.findings import WARNING, Finding

_CONTENTS = re.compile(r"^目录$")
_TOC_TAIL = re.compile(r"(?:\.{2,}|…+|·{2,}|-{3,})?\s*\d*$")
_TAIL_ENDS = ".…·-"  # the last characters of a leader
_PAGE_NUMBER = re.compile(r"^[-—─－\s]*\d{1,3}[-—─－\s]*$")
_PART = re.compile(r"^(?:第(?P<part>[一二三四五六七八九十]+)部分[：:]?|(?P<top>[一二三四五六七八九十]+)、|"
                   r"(?P<sub>[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．]))")
_SENTENCE = re.compile("[，。；]")
_YEAR = re.compile(r"(?:19|20)\d{2}年度?")
_HEADING_MAX = 60
_TABLE_NOTE = re.compile(r"[（(][^（）()]{1,12}[）)]$")
_MIN_LISTED_TABLES = 3
_SIMILAR = 0.75  # two titles this alike name the same part or table


@dataclass(slots=True)
class Entry:
    """One entry of the contents: its text (wrapped lines joined, leaders and page number dropped), its first line,
    its level ('part' 第X部分, 'top' 一、, 'sub' (一)/1.) and the table family its title names, if any."""

    text: str
    line: Line
    level: str | None
    family: str | None = None


def review(lines: list[Line], report: Report | None) -> list[Finding]:
    if report is None:
        return []
    entries, after = contents_entries(lines, report)
    if not entries:
        return []
    department = report.department or ""
    own = {(e.line.page, e.line.line) for e in entries}
    body = [line for line in outside_lists_of_tables(after) if (line.page, line.line) not in own]
    contents_pages = {e.line.page for e in entries}
    tables = sorted((t for t in report.tables if t.source.page not in contents_pages),
                    key=lambda t: (t.source.page, t.source.line))
    return _listed_not_printed(entries, body, tables, department) \
        + _printed_not_listed(entries, body, tables, department)


def contents_entries(lines: list[Line], report: Report) -> tuple[list[Entry], list[Line]]:
    """(the contents' entries, the lines after the 目录 heading); no contents page: ([], [])."""
    start = next((i for i, line in enumerate(lines[:300]) if _CONTENTS.match(compact_line(line.text))), None)
    if start is None:
        return [], []
    family_set = BUDGET_TABLES if report.kind == "budget" else FINAL_TABLES
    page = lines[start].page
    entries: list[Entry] = []
    for line in lines[start + 1:]:
        text = without_tail(_TOC_TAIL, compact_line(line.text))
        if line.page > page + 1 or (line.page == page + 1 and not _entry_like(text)):
            break
        if not text or _PAGE_NUMBER.match(text):
            continue
        m = _PART.match(text)
        if m is None and entries and not _SENTENCE.search(text) and len(text) <= 12:
            entries[-1].text += text  # 九、…支出预算 | 表
            continue
        if any(_words(e.text, "") == _words(text, "") for e in entries):
            break  # the body's first heading, on the contents page or the next
        level = None if m is None else next(k for k in ("part", "top", "sub") if m.group(k))
        entries.append(Entry(text, line, level))
    for entry in entries:
        family = family_set.match(entry.text) or family_set.match(_TABLE_NOTE.sub("", entry.text))
        entry.family = family.key if family is not None and _is_table(entry.text) else None
    return entries, lines[start + 1:]


def split_at_contents(lines: list[Line], report: Report) -> tuple[list[Line], list[Line]]:
    """(the contents' lines, from 目录 to its last entry; the lines after them); no contents: ([], all lines)."""
    entries, after = contents_entries(lines, report)
    if not entries:
        return [], lines
    start = len(lines) - len(after) - 1
    end = next(i for i in range(start, len(lines)) if lines[i] is entries[-1].line)
    return lines[start: end + 1], lines[end + 1:]


def outside_lists_of_tables(lines: list[Line]) -> list[Line]:
    """The lines, less those after a 目录 heading on its page (a list of the tables before them: 表7 … 否)."""
    listed = set()
    heading_at: dict[int, int] = {}
    for i, line in enumerate(lines):
        if _CONTENTS.match(compact_line(line.text)):
            heading_at.setdefault(line.page, i)
    for i, line in enumerate(lines):
        if line.page in heading_at and i >= heading_at[line.page]:
            listed.add(i)
    return [line for i, line in enumerate(lines) if i not in listed]


def without_tail(tail: re.Pattern[str], text: str) -> str:
    """``tail.sub("", text)`` for a pattern of a contents line's tail: leaders, spaces and a page number up to the
    end (``…$``, no lookbehind). Such a match lies in the text's last run of those characters, so only that run (most
    lines have none) is scanned."""
    keep = len(text)
    while keep and (text[keep - 1].isdecimal() or text[keep - 1].isspace() or text[keep - 1] in _TAIL_ENDS):
        keep -= 1
    if keep == len(text):
        return text
    return text[:keep] + tail.sub("", text[keep:])


def _is_table(text: str) -> bool:
    """A table's title: it ends with 表, or with 表 and a note in brackets (…支出情况表（按功能分类科目）)."""
    return _TABLE_NOTE.sub("", text).endswith("表")


def _entry_like(text: str) -> bool:
    """A line a contents page holds: an entry (numbered, no sentence), a wrapped entry's short tail, a page number."""
    return not text or bool(_PAGE_NUMBER.match(text)) or (
        not _SENTENCE.search(text) and (len(text) <= 12 or (_PART.match(text) is not None
                                                             and len(text) <= _HEADING_MAX)))


_NOT_WORDS = re.compile(r"[“”\"‘’'：:。]|本?部门|本?单位")
_NOT_WORD_MARKS = frozenset("“”\"‘’'：:。")


@functools.lru_cache(maxsize=4096)
def _words(text: str, department: str) -> str:
    """An entry's or heading's words: numbering, leaders, years, the department's name and quotes dropped. Kept for
    the texts seen last: every entry is looked for among the same headings."""
    text = without_tail(_TOC_TAIL, compact_line(text))
    m = _PART.match(text)
    text = text[m.end():] if m else text
    if "年" in text:
        text = _YEAR.sub("", text)
    if department:
        text = text.replace(department, "")
    return _NOT_WORDS.sub("", text) if _may_hold_not_words(text) else text


def _may_hold_not_words(text: str) -> bool:
    """Whether _NOT_WORDS can match: a quote or colon or 。, 部门 or 单位 (cheaper than the scan it saves)."""
    return "部门" in text or "单位" in text or not _NOT_WORD_MARKS.isdisjoint(text)


def _listed_not_printed(entries: list[Entry], body: list[Line], tables: list[Table],
                        department: str) -> list[Finding]:
    """Entries the body does not print; a table entry is judged only where the body prints tables (a report whose
    tables are published as an attachment, 附后, lists them all the same)."""
    printed_families = {table.family for table in tables}
    any_table = bool(tables)
    headings = [text for text in map(compact_line, (line.text for line in body)) if len(text) <= _HEADING_MAX]
    words = _HeadingWords(headings, department)
    findings = []
    for entry in entries:
        if _is_table(entry.text) and not any_table:
            continue
        if entry.family is not None:
            if entry.family in printed_families or _title_printed(entry, words.each, department):
                continue
        elif entry.level == "part":
            if _words_printed(entry, words, department) or _part_printed(entry, headings, department):
                continue
        elif entry.level == "top" or (entry.level == "sub" and _is_table(entry.text)):
            if _words_printed(entry, words, department):
                continue
        else:
            continue
        findings.append(Finding("contents_mismatch", WARNING, entry.line.page, entry.line.line, entry.text,
                                "目录所列内容在正文中未见"))
    return findings


class _HeadingWords:
    """The words of the body's headings (``each``, in order) and of each two headings in a row (a heading wrapped over
    two lines; these only when an entry is not found among the single headings' words)."""

    def __init__(self, headings: list[str], department: str) -> None:
        self.each = [_words(h, department) for h in headings]
        self.single = set(self.each)
        self._headings = headings
        self._department = department
        self._pairs: set[str] | None = None

    def pairs(self) -> set[str]:
        if self._pairs is None:
            headings = self._headings
            self._pairs = {_words(a + b, self._department) for a, b in zip(headings, headings[1:])}
        return self._pairs


def _words_printed(entry: Entry, words: _HeadingWords, department: str) -> bool:
    """The entry's words are printed, or nearly (其他重要事项说明 | 其他重要事项的情况说明, 主要职能 | 主要职责), in one
    heading or two in a row."""
    key = _words(entry.text, department)
    return len(key) < 2 or _found_in(key, words.single) or _found_in(key, words.pairs())


def _found_in(key: str, words: set[str]) -> bool:
    return any(key in w for w in words) or any(_similar(key, w) for w in words)


def _part_printed(entry: Entry, headings: list[str], department: str) -> bool:
    """A 第X部分 heading of the same number whose words are the entry's, give or take the department's name or the
    year (第二部分 2019年部门决算表 | 第二部分 佛山市轨道交通局2019年部门决算表)."""
    ordinal = f"第{_PART.match(entry.text).group('part')}部分"
    key = _words(entry.text, department)
    for heading in headings:
        if heading.startswith(ordinal):
            words = _words(heading, department)
            if words in key or key in words or _similar(key, words):
                return True
    return False


def _similar(a: str, b: str) -> bool:
    """SequenceMatcher's ratio ≥ _SIMILAR. Its two upper bounds (difflib's real_quick_ratio and quick_ratio: the
    shorter length, the characters in common) decide first, in the same arithmetic: most pairs fail on them."""
    length = len(a) + len(b)
    if not length:
        return True
    if 2.0 * min(len(a), len(b)) / length < _SIMILAR:
        return False
    if 2.0 * (_characters(a) & _characters(b)).total() / length < _SIMILAR:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= _SIMILAR


@functools.lru_cache(maxsize=4096)
def _characters(text: str) -> Counter[str]:
    """How often each character occurs (not to be changed: it is shared)."""
    return Counter(text)


def _title_printed(entry: Entry, heading_words: list[str], department: str) -> bool:
    key = _words(entry.text, department)
    return any(key in words for words in heading_words)


def _printed_not_listed(entries: list[Entry], body: list[Line], tables: list[Table],
                        department: str) -> list[Finding]:
    """A body table whose family the contents' complete list of tables leaves out (nor lists under a like title:
    政府采购预算情况表 | 政府采购预算表); a 第X部分 heading the contents skips while listing a later part."""
    findings = []
    listed = {e.family for e in entries if e.family is not None}
    table_entries = [i for i, e in enumerate(entries) if e.family is not None]
    other_titles = [_words(e.text, department) for e in entries if e.family is None and _is_table(e.text)]
    if len(listed) >= _MIN_LISTED_TABLES:
        closed = table_entries[-1] < len(entries) - 1
        seen: set[str] = set()
        for index, table in enumerate(tables):
            title = _words(table.title, department)
            if table.family in listed or table.family in seen or any(_similar(title, t) for t in other_titles):
                continue
            seen.add(table.family)
            if closed or any(later.family in listed for later in tables[index + 1:]):
                findings.append(Finding("contents_mismatch", WARNING, table.source.page, table.source.line,
                                        compact_line(table.title), "正文表格未列入目录"))
    parts = [_PART.match(e.text).group("part") for e in entries if e.level == "part"]
    if parts:
        order = "一二三四五六七八九十"
        last = max(order.index(p) for p in parts if len(p) == 1) if all(len(p) == 1 for p in parts) else -1
        reported: set[str] = set()
        for line in body:
            text = compact_line(line.text)
            m = _PART.match(text)
            ordinal = m.group("part") if m else None
            if ordinal and len(ordinal) == 1 and ordinal not in parts and ordinal not in reported \
                    and order.index(ordinal) < last and len(text) <= _HEADING_MAX:
                reported.add(ordinal)
                findings.append(Finding("contents_mismatch", WARNING, line.page, line.line, text,
                                        "正文部分未列入目录"))
    return findings
