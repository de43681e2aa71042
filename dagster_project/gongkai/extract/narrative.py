"""Figures stated in the narrative part of a report (决算情况说明) read into :class:`NarrativeFact` records.

The narrative runs from the part heading (第X部分 … 决算情况说明) to the first standard table title or the 名词解释
section. Its lines are joined into one compact text (whitespace removed, except a single space between a number
ending one line and a number starting the next) so that sentences wrapped over lines, or rebuilt from PDF text runs, read the same; every character keeps the line it
came from, so each fact's :class:`Source` is the line where its number is printed.

Reading is keyword driven. A section heading (一、… / （一）…) gives the topic of the text below it, which decides the
ambiguous labels (基本支出 under 收入支出决算总体情况 is ``expenditure_basic``, under 财政拨款支出 ``appropriation_basic``).
Amounts are in 万元 (a figure printed in 元 is divided by 10 000, its text kept in ``original``); changes are signed
(减少/下降 negative). Prior-year figures implied by a stated change (比上年减少 …, 与上年持平) are emitted with
``basis='comparative'`` and ``fiscal_year - 1``; figures computed from other figures with ``basis='derived'``.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from gongkai.extract.families import match_family
from gongkai.extract.records import Document, Line, NarrativeFact, ParseIssue, Source
from gongkai.extract.text import squeeze

# --- patterns ------------------------------------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT_UNIT = r"万元|元"
_CN_ORDINAL = r"[一二三四五六七八九十]+"


def _n(name: str) -> str:
    """A named number group."""
    return f"(?P<{name}>{_NUM})"


def _a(name: str) -> str:
    """A named amount: number plus its unit (万元 or 元) in group ``<name>_u``."""
    return f"{_n(name)}(?P<{name}_u>{_AMOUNT_UNIT})"


def _p(name: str) -> str:
    """A named percentage."""
    return f"{_n(name)}%"


_FULLWIDTH = str.maketrans("()％０１２３４５６７８９．", "（）%0123456789.")
_HAS_FULLWIDTH = re.compile("[()％０-９．]")

_PART_START = re.compile(r"^第[一二三四五六七八九十\d]+部分.*决算情况|^[一二三四五六七八九十]+、收入支出决算总体情况"
                         r"|^[一二三四五六七八九十]+、决算报表说明$")  # the university set's 三、决算报表说明
_GLOSSARY = re.compile(r"^(?:第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+、)?名词解释")
_PART_OTHER = re.compile(r"^第[一二三四五六七八九十\d]+部分.*(?:决算表|附件|附表|名词)")
_EVALUATION_TABLE = re.compile(r"^[^《“]*(?:绩效自评表|绩效评价表)$")
_PERFORMANCE_PART = re.compile(rf"^(?:第[一二三四五六七八九十\d]+部分|{_CN_ORDINAL}、).{{0,12}}绩效")
_TOC_ENTRY = re.compile(r"(?:\.{3,}|…{2,}|·{3,})\s*\d*$")

_DIGIT = re.compile(r"\d")
_NUMBER_PREFIX = re.compile(r"^(?:[（(]\d+[）)]|\d+[、.．])")
_HEADING_FIRST = frozenset("一二三四五六七八九十（")
_TOP_HEADING = re.compile(rf"^{_CN_ORDINAL}、")
_SUB_HEADING = re.compile(rf"^[（(]{_CN_ORDINAL}[)）]")

_TOPICS: tuple[tuple[str, str], ...] = (
    ("三公", "three_public"),
    ("绩效", "performance"),
    ("采购", "procurement"),
    ("资产", "assets"),
    ("机关运行", "agency"),
    ("一般公共预算财政拨款基本支出", "basic_appropriation"),
    ("政府性基金", "other_fund"),
    ("国有资本经营", "other_fund"),
    ("一般公共预算", "general_budget"),
    ("财政拨款", "appropriation"),
    ("收入", "income_expenditure"),
    ("支出", "income_expenditure"),
    ("结转", "income_expenditure"),
)

UNKNOWN = "unknown"

# Keys a stated year-on-year change can refer to, found from the words of the clause (most specific first).
_SUBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("三公", ("three_public_total",)),
    ("因公出国", ("three_public_overseas_travel",)),
    ("公务接待", ("three_public_reception",)),
    ("公务用车", ("three_public_vehicle_total",)),
    ("机关运行经费", ("agency_operating_cost",)),
    ("一般公共预算财政拨款", ("general_budget_expenditure",)),
    ("财政拨款收入支出总计", ("appropriation_total",)),
    ("财政拨款", ("appropriation_expenditure",)),
    ("收入支出总计", ("income_total", "expenditure_total")),
    ("结转", ("carryover_end",)),
    ("结余", ("carryover_end",)),
    ("收入", ("income_total",)),
    ("支出", ("expenditure_total",)),
)

CHANGEABLE = frozenset(
    k for _, keys in _SUBJECTS for k in keys
) | {"three_public_vehicle_purchase", "three_public_vehicle_operation"}

# Where the percentage of a 完成年初预算的 X% goes, by the key of the figure it qualifies.
_COMPLETION_KEYS = {
    "appropriation_expenditure": "appropriation_budget_completion_pct",
    "appropriation_basic": "appropriation_basic_completion_pct",
    "appropriation_project": "appropriation_project_completion_pct",
    "general_budget_expenditure": "general_budget_completion_pct",
    "three_public_total": "three_public_completion_pct",
    "three_public_overseas_travel": "three_public_overseas_travel_completion_pct",
    "three_public_reception": "three_public_reception_completion_pct",
    "three_public_vehicle_total": "three_public_vehicle_total_completion_pct",
    "three_public_vehicle_purchase": "three_public_vehicle_purchase_completion_pct",
    "three_public_vehicle_operation": "three_public_vehicle_operation_completion_pct",
}

_LEVEL_KEYS = CHANGEABLE | frozenset(_COMPLETION_KEYS)

_THREE_PUBLIC_PARTS = ("three_public_overseas_travel", "three_public_reception", "three_public_vehicle_total")


def change_keys(key: str) -> tuple[str, str]:
    """The keys of a stated change of ``key``: (amount, percentage)."""
    stem = "appropriation_change" if key == "appropriation_expenditure" else f"{key}_change"
    return f"{stem}_amount", f"{stem}_pct"


# --- the joined narrative text -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Text:
    """The narrative lines joined into one compact string; ``starts[i]`` is where line ``i`` begins in it."""

    text: str
    starts: list[int]
    lines: list[Line]
    file: str
    headings: list[tuple[int, str]] = field(default_factory=list)  # (offset, topic), in order

    def line_at(self, offset: int) -> Line:
        return self.lines[max(0, bisect_right(self.starts, offset) - 1)]

    def source(self, offset: int) -> Source:
        return self.line_at(offset).source(self.file)

    def topic(self, offset: int) -> str:
        index = bisect_right(self.headings, (offset, "\uffff")) - 1
        return self.headings[index][1] if index >= 0 else UNKNOWN

    def ranges(self, topics: frozenset[str]) -> list[tuple[int, int]]:
        """(start, end) of the sections whose topic is one of ``topics`` (text before any heading is 'unknown')."""
        bounds = [(0, UNKNOWN)] + self.headings + [(len(self.text), "")]
        found: list[tuple[int, int]] = []
        for (start, topic), (end, _) in pairwise(bounds):
            if topic in topics and end > start:
                if found and found[-1][1] == start:
                    found[-1] = (found[-1][0], end)
                else:
                    found.append((start, end))
        return found

    def section_start(self, offset: int) -> int:
        index = bisect_right(self.headings, (offset, "\uffff")) - 1
        return self.headings[index][0] if index >= 0 else 0


def compact_line(text: str) -> str:
    """Drop whitespace (PDF text runs, spaced CJK) and unify brackets/digits. Two numbers within one line run
    together; :func:`join_lines` keeps a space only between a number ending one line and one starting the next."""
    if _HAS_FULLWIDTH.search(text):
        text = text.translate(_FULLWIDTH)
    if " " not in text and "\t" not in text:
        return text
    return squeeze(text)


def join_lines(lines: list[Line], file: str) -> _Text:
    """Join lines into one compact text in a single pass (no quadratic concatenation)."""
    parts: list[str] = []
    starts: list[int] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    parent = UNKNOWN
    previous = ""
    for line in lines:
        piece = compact_line(line.text)
        if previous[-1:].isdigit() and piece[:1].isdigit():
            piece = " " + piece
        starts.append(offset + (1 if piece.startswith(" ") else 0))
        if piece[:1] in _HEADING_FIRST:
            if _TOP_HEADING.match(piece):
                parent = topic_of(piece, "other")
                headings.append((offset, parent))
            elif _SUB_HEADING.match(piece):
                headings.append((offset, topic_of(piece, parent)))
        parts.append(piece)
        offset += len(piece)
        previous = piece
    return _Text("".join(parts), starts, lines, file, headings)


def topic_of(heading: str, default: str) -> str:
    """The topic of a section from its heading (三公, 采购, 一般公共预算 …); ``default`` when it names none."""
    head = _DIGIT.split(heading, maxsplit=1)[0]
    for word, topic in _TOPICS:
        if word in head:
            return topic
    return default


# --- finding the narrative ---------------------------------------------------------------------------------------


def narrative_lines(lines: list[Line]) -> list[Line]:
    """The lines of the narrative part: from its heading to the first table title or 名词解释 (longest such run,
    so a table of contents is skipped), plus a 绩效 part printed after it."""
    starts = [i for i, line in enumerate(lines) if "算" in line.text and _is_start(line.text)]  # (cheap test first)
    best: tuple[int, int] = (0, 0)
    best_lines: list[Line] = []
    for start in starts or [0]:
        if best[0] < start < best[1]:
            continue
        region, end = _region(lines, start)
        if len(region) > len(best_lines):
            best, best_lines = (start, end), region
    return best_lines + _performance_part(lines, best[1])


def _region(lines: list[Line], start: int) -> tuple[list[Line], int]:
    """The lines from ``start`` to the first stop, and where it is. Past a self-evaluation table printed inside the
    narrative (a 汇总 report's 项目支出绩效自评表 under （三）项目绩效自评结果) the prose goes on at the next heading
    (（四）专项资金绩效自评结果。, 十四、其他需要说明的情况) and runs to the next stop."""
    region: list[Line] = []
    index = start
    while True:
        end = _region_end(lines, index + 1 if index == start else index)
        region.extend(lines[index:end])
        if end >= len(lines) or not _EVALUATION_TABLE.match(squeeze(lines[end].text)):
            return region, end
        resume = _next_heading(lines, end + 1)
        if resume is None:
            return region, end
        index = resume


def _next_heading(lines: list[Line], start: int) -> int | None:
    """The next 一、 / （一） heading before any table title or part, else None."""
    for index in range(start, len(lines)):
        text = lines[index].text
        if text[:1] in _HEADING_FIRST and (_TOP_HEADING.match(text) or _SUB_HEADING.match(text)):
            return index
        if _is_stop(text) and not _EVALUATION_TABLE.match(squeeze(text)):
            return None
    return None


def _is_start(text: str) -> bool:
    """The narrative heading. Like the tests below, it first looks for a character the heading cannot lack (决算),
    so most lines are never squeezed."""
    if "算" not in text:
        return False
    text = squeeze(text)
    return (("部分" in text or "、收入支出" in text or text.endswith("决算报表说明")) and bool(_PART_START.match(text))
            and not _TOC_ENTRY.search(text))


def _is_stop(text: str) -> bool:
    """名词解释, a later part (决算表/附件), a self-evaluation table title or a standard table title."""
    if "释" not in text and "部" not in text and "表" not in text:  # 名词解释, 第X部分, …表
        return False
    text = squeeze(text)
    if "名词解释" in text[:16] and _GLOSSARY.match(text):
        return True
    if "部分" in text[:8] and _PART_OTHER.match(text):
        return True
    if not text.endswith("表"):
        return False
    return bool(_EVALUATION_TABLE.match(text)) or (len(text) <= 40 and match_family(text) is not None)


def _region_end(lines: list[Line], start: int) -> int:
    for index in range(start, len(lines)):
        if _is_stop(lines[index].text):
            return index
    return len(lines)


def _performance_part(lines: list[Line], after: int) -> list[Line]:
    """A 预算绩效 part printed after the glossary or the tables (some reports put it last)."""
    for index in range(after + 1, len(lines)):
        if "效" not in lines[index].text:  # 绩效
            continue
        text = squeeze(lines[index].text)
        if "绩效" in text[:20] and _PERFORMANCE_PART.match(text) and not text.endswith("表") \
                and not _TOC_ENTRY.search(text):
            return lines[index: _region_end(lines, index + 1)]
    return []


# --- collecting facts ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Change:
    amount: float | None
    pct: float | None
    flat: bool
    offset: int
    original: str


class _Collector:
    """Facts in reading order, with de-duplication, claimed number offsets and the last amount read."""

    def __init__(self, text: _Text, fiscal_year: int | None):
        self.text = text
        self.year = fiscal_year
        self.facts: list[NarrativeFact] = []
        self.issues: list[ParseIssue] = []
        self.claimed: set[int] = set()
        self.index: dict[tuple[str, str | None], NarrativeFact] = {}
        self.offsets: dict[tuple[str, str | None], int] = {}
        self.amounts: list[tuple[int, str]] = []  # (offset, key) of level amounts, in reading order
        self.changes: dict[str, _Change] = {}
        self.order: list[int] = []  # offset of each fact, parallel to ``facts``

    def in_reading_order(self) -> list[NarrativeFact]:
        """Reported facts by where they are printed, then comparatives and derived facts."""
        reported = [(o, i) for i, (o, f) in enumerate(zip(self.order, self.facts)) if f.basis == "reported"]
        rest = [f for f in self.facts if f.basis != "reported"]
        return [self.facts[i] for _, i in sorted(reported)] + rest

    def claim(self, match: re.Match[str], *groups: str) -> bool:
        """Claim the offsets of the given number groups; False if one was already read by another rule."""
        offsets = [match.start(g) for g in groups if match.group(g) is not None]
        if not self.claimed.isdisjoint(offsets):
            return False
        self.claimed.update(offsets)
        return True

    def add(self, key: str, value: float, unit: str, original: str, offset: int, qualifier: str | None = None,
            basis: str = "reported", fiscal_year: int | None = None) -> NarrativeFact | None:
        ident = (key, qualifier) if basis == "reported" else (f"{basis}:{key}", qualifier)
        year = self.year if fiscal_year is None and basis != "comparative" else fiscal_year
        existing = self.index.get(ident)
        if existing is not None:
            if basis == "reported" and key in _LEVEL_KEYS and abs(existing.value - value) <= 1e-6:
                insort(self.amounts, (offset, key))
            if abs(existing.value - value) > 1e-6:
                self.issues.append(ParseIssue(
                    "warning", "narrative_conflict",
                    f"{key}{'/' + qualifier if qualifier else ''} stated as {existing.original} and {original}; "
                    f"kept the first", self.text.source(offset)))
            return None
        fact = NarrativeFact(key, round(value, 6), unit, original, year, self.text.source(offset), basis, qualifier)
        self.facts.append(fact)
        self.order.append(offset)
        self.index[ident] = fact
        self.offsets[ident] = offset
        if basis == "reported" and key in _LEVEL_KEYS:
            insort(self.amounts, (offset, key))
        return fact

    def amount(self, key: str, match: re.Match[str], group: str, qualifier: str | None = None) -> None:
        """Add an amount in 万元 read from ``group`` (unit in ``group_u``)."""
        printed = match.group(group)
        if printed is None:
            return
        unit = match.group(f"{group}_u") or "万元"
        value = float(printed.replace(",", ""))
        value = value / 10000 if unit == "元" else value
        self.add(key, value, "万元", printed + unit, match.start(group), qualifier)

    def number(self, key: str, match: re.Match[str], group: str, unit: str, qualifier: str | None = None,
               printed_unit: str | None = None) -> None:
        """Add a percentage, count or score as printed."""
        printed = match.group(group)
        if printed is None:
            return
        self.add(key, float(printed.replace(",", "")), unit, printed + (printed_unit or unit), match.start(group),
                 qualifier)

    def get(self, key: str, qualifier: str | None = None) -> NarrativeFact | None:
        return self.index.get((key, qualifier))

    def last_amount(self, before: int, since: int, keys: frozenset[str] | None = None) -> str | None:
        """The key of the last level amount read in [since, before)."""
        index = bisect_right(self.amounts, (before, "")) - 1
        while index >= 0 and self.amounts[index][0] >= since:
            key = self.amounts[index][1]
            if keys is None or key in keys:
                return key
            index -= 1
        return None


# --- rules -----------------------------------------------------------------------------------------------------------

Handler = Callable[[_Collector, re.Match[str]], None]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    handler: Handler
    topics: frozenset[str] | None = None  # None: anywhere
    excluded: tuple[str, ...] = ()  # words that must not come just before the match

    def applies(self, text: _Text, match: re.Match[str]) -> bool:
        start = match.start()
        if any(text.text.endswith(word, 0, start) for word in self.excluded):
            return False
        return self.topics is None or text.topic(start) in self.topics


_LEADING_EXCLUSION = re.compile(r"^\(\?<!([^()]+)\)")


def _rule(pattern: str, handler: Handler, topics: frozenset[str] | None = None) -> _Rule:
    """A rule; leading ``(?<!word)`` guards are checked in Python so the regex keeps a literal prefix (fast search)."""
    excluded: list[str] = []
    while found := _LEADING_EXCLUSION.match(pattern):
        excluded.append(found.group(1))
        pattern = pattern[found.end():]
    return _Rule(re.compile(pattern), handler, topics, tuple(excluded))


def _amount_rule(key: str, label: str, topics: str | None = None, qualifier: str | None = None) -> _Rule:
    """``label`` followed by an amount → ``key``."""
    def handle(c: _Collector, m: re.Match[str]) -> None:
        if c.claim(m, "v"):
            c.amount(key, m, "v", qualifier)
    return _rule(f"{label}(?:为|是|共计|合计)?{_a('v')}", handle, _topics(topics))


def _number_rule(key: str, pattern: str, unit: str, topics: str | None = None) -> _Rule:
    """A pattern with one number group ``v`` → ``key`` with ``unit`` (counts, percentages, scores)."""
    def handle(c: _Collector, m: re.Match[str]) -> None:
        if c.claim(m, "v"):
            c.number(key, m, "v", unit)
    return _rule(pattern, handle, _topics(topics))


def _topics(names: str | None) -> frozenset[str] | None:
    return frozenset(names.split() + [UNKNOWN]) if names else None


def _by_topic(keys: dict[str, str], label: str) -> _Rule:
    """An amount whose key depends on the section topic (基本支出 / 项目支出)."""
    def handle(c: _Collector, m: re.Match[str]) -> None:
        topic = c.text.topic(m.start())
        key = keys.get(topic) or keys.get(_anchor_topic(c.text.text, m.start()) if topic == UNKNOWN else "")
        if key and c.claim(m, "v"):
            c.amount(key, m, "v")
    return _rule(f"(?<!拨款){label}(?:为)?{_a('v')}", handle)


def _anchor_topic(text: str, offset: int) -> str:
    """For text without section headings: the topic of the nearest total named before ``offset``."""
    window = text[max(0, offset - 400): offset]
    appropriation = window.rfind("财政拨款支出")
    overall = max(window.rfind("支出总计"), window.rfind("本年支出合计"))
    if appropriation < 0 and overall < 0:
        return ""
    return "appropriation" if appropriation > overall else "income_expenditure"


def _pair(keys: tuple[str, ...], groups: tuple[str, ...], units: tuple[str, ...]) -> Handler:
    """Several numbers of one match, each to its key; amounts have unit 万元."""
    def handle(c: _Collector, m: re.Match[str]) -> None:
        if not c.claim(m, *groups):
            return
        for key, group, unit in zip(keys, groups, units):
            if unit == "万元":
                c.amount(key, m, group)
            else:
                c.number(key, m, group, m.groupdict().get(f"{group}_pu") or unit)
    return handle


def _income_and_expenditure_total(c: _Collector, m: re.Match[str]) -> None:
    """收入支出总计 (Shanghai wording): the two totals are equal by definition."""
    if c.claim(m, "v"):
        c.amount("income_total", m, "v")
        c.amount("expenditure_total", m, "v")


def _budget_and_actual(c: _Collector, m: re.Match[str]) -> None:
    """'<subject>年初预算为 X 万元，支出决算为 Y 万元' for 三公 or the general budget."""
    subject = _clause_before(c.text.text, m.start())
    if "三公" in subject:
        keys = ("three_public_budget", "three_public_total")
    elif "一般公共预算财政拨款" in subject:
        keys = ("general_budget_initial_budget", "general_budget_expenditure")
    else:
        return
    if c.claim(m, "b", "v"):
        c.amount(keys[0], m, "b")
        c.amount(keys[1], m, "v")


def _completion(c: _Collector, m: re.Match[str]) -> None:
    """完成(年初)预算的 X%: of the figure named in the clause, else of the last amount read in the section."""
    if m.start("v") in c.claimed:
        return
    subject = _clause_before(c.text.text, m.start())
    topic = c.text.topic(m.start())
    key = None
    if topic in ("appropriation", UNKNOWN) and subject.endswith(("基本支出", "项目支出")):
        key = "appropriation_basic" if subject.endswith("基本支出") else "appropriation_project"
    elif subject:
        key = next((keys[0] for word, keys in _SUBJECTS if word in subject and keys[0] in _COMPLETION_KEYS), None)
    if key is None:
        key = c.last_amount(m.start(), c.text.section_start(m.start()), frozenset(_COMPLETION_KEYS))
    if key is None or key not in _COMPLETION_KEYS:
        c.issues.append(ParseIssue("info", "narrative_unassigned", f"completion {m.group(0)} not assigned",
                                   c.text.source(m.start("v"))))
        return
    if c.claim(m, "v"):
        c.number(_COMPLETION_KEYS[key], m, "v", "%")


def _clause_before(text: str, offset: int) -> str:
    """The words of the clause that ends at ``offset`` (back to the previous ，。；：)."""
    start = max(text.rfind(sep, 0, offset) for sep in "，。；：,;:")
    return text[start + 1: offset]


def _sentence_start(text: str, offset: int) -> int:
    return max(text.rfind("。", 0, offset), text.rfind("；", 0, offset)) + 1


# --- year-on-year changes ------------------------------------------------------------------------------------------

_VERB = r"增加|减少|增长|下降|上升|降低"
_CHANGE = re.compile(
    rf"(?:(?:与|比|较)(?:上年|上一年|(?P<year>\d{{4}})年)度?(?:决算(?:数)?)?(?:同期)?(?:相比|比较)?|同比)[，,]?"
    rf"(?P<subj>[^，,。；;：:%]{{0,30}}?)"
    rf"(?:(?P<flat>(?:基本)?持平)|(?P<verb>{_VERB})了?{_n('a')}(?P<au>万元|元|%)"
    rf"(?:[，,、]?(?P<verb2>{_VERB})?了?{_n('b')}(?P<bu>万元|元|%))?)"
)
_FLAT_CLAUSE = re.compile(r"(?P<subj>[^：:；;，,。]{2,30}?)(?:支出)?(?:决算)?(?:数)?(?:基本)?持平")


def _change(c: _Collector, m: re.Match[str]) -> None:
    if m.group("year") and c.year is not None and int(m.group("year")) != c.year - 1:
        return
    keys = _change_subject(c, m)
    if not keys:
        c.issues.append(ParseIssue("info", "narrative_unassigned", f"change '{m.group(0)}' has no subject",
                                   c.text.source(m.start())))
        return
    if m.group("flat"):
        for key in keys:
            c.changes.setdefault(key, _Change(None, None, True, m.start("flat"), "持平"))
        _continuation(c, m.end())
        return
    if not c.claim(m, "a", "b"):
        return
    amount, pct = _signed(m, "a", "verb", "au"), _signed(m, "b", "verb2", "bu", m.group("verb"))
    if m.group("au") == "%":
        amount, pct = pct, amount
    for key in keys:
        amount_key, pct_key = change_keys(key)
        for fact_key, part in ((amount_key, amount), (pct_key, pct)):
            if part is not None:
                value, unit, printed, offset = part
                c.add(fact_key, value, unit, printed, offset)
        if amount is not None or pct is not None:
            first = amount or pct
            c.changes.setdefault(key, _Change(amount[0] if amount else None, pct[0] if pct else None, False,
                                              first[3], first[2]))


def _signed(m: re.Match[str], group: str, verb_group: str, unit_group: str,
            fallback_verb: str | None = None) -> tuple[float, str, str, int] | None:
    printed = m.group(group)
    if printed is None:
        return None
    verb = m.group(verb_group) or fallback_verb or ""
    unit = m.group(unit_group)
    value = float(printed.replace(",", ""))
    value = value / 10000 if unit == "元" else value
    sign = -1 if verb in ("减少", "下降", "降低") else 1
    return sign * value, "%" if unit == "%" else "万元", f"{verb}{printed}{unit}", m.start(group)


def _change_subject(c: _Collector, m: re.Match[str]) -> tuple[str, ...]:
    """What a stated change is about: the words between 相比 and the verb, else the figure read earlier in the
    sentence, else the words before 与/比, else the last figure of the section."""
    text = c.text.text
    keys = _subject_keys(m.group("subj"))
    if keys:
        return keys
    sentence = _sentence_start(text, m.start())
    key = c.last_amount(m.start(), sentence, CHANGEABLE)
    if key:
        return (key,)
    keys = _subject_keys(text[sentence: m.start()])
    if keys:
        return keys
    key = c.last_amount(m.start(), c.text.section_start(m.start()), CHANGEABLE)
    return (key,) if key else ()


def _subject_keys(words: str) -> tuple[str, ...]:
    words = words.replace("、", "").replace("决算", "")
    for word, keys in _SUBJECTS:
        if word in words:
            return keys
    return ()


def _continuation(c: _Collector, offset: int) -> None:
    """'…与上年持平。其中：因公出国（境）费支出决算持平；公务接待费支出决算持平' — the parts that are also flat."""
    text = c.text.text
    rest = text[offset: offset + 4]
    if "其中" not in rest:
        return
    end = text.find("。", offset + 1)
    end = len(text) if end < 0 else end
    for m in _FLAT_CLAUSE.finditer(text, offset + 1, end):
        if "预算" in m.group("subj"):
            continue
        for key in _subject_keys(m.group("subj")):
            c.changes.setdefault(key, _Change(None, None, True, m.end() - 2, "持平"))


# --- blocks: function-code items and project summaries ---------------------------------------------------------------

_NAME = r"(?:[^（）。；，：\d]|（[^（）。；，：]{1,4}）)"
_ITEM_HEAD = re.compile(
    rf"(?P<cls>[^（）。；，：\d、.]{{2,30}}?)（类）(?P<kuan>{_NAME}{{1,40}}?)（款）(?P<xiang>{_NAME}{{1,40}}?)（项）"
)
_ITEM_AMOUNT = re.compile(rf"[：:]?{_a('v')}")
_ITEM_INITIAL = re.compile(rf"年初预算(?:数)?为{_a('v')}")
# A leading optional word ('(?:支出)?决算', '(?:全年)?预算') would not change what is read, only make the search slow
# (no literal to scan for): the two patterns below start at the word that is always printed.
_ITEM_ACTUAL = re.compile(rf"决算(?:数)?为{_a('v')}")  # also 支出决算为 …
_ITEM_COMPLETION = re.compile(rf"完成(?:年初)?预算(?:数)?的{_p('v')}")

_PROJECT_HEAD = re.compile(r"[“\"](?P<name>[^“”\"]{2,80})[”\"](?:项目)?(?:绩效)?自评(?:综述|结果|情况)")
# 1.西安市中心血站采供血人员经费项目绩效自评综述：全年预算数… (the unit before the name, no quotation marks)
_NUMBERED_PROJECT_HEAD = re.compile(r"(?:^|(?<=[。：:；]))\d{1,3}[.．、](?P<name>[^。：:“”\n]{2,80}?)(?:项目)?绩效自评综述[：:]")
_PROJECT_SCORE = re.compile(rf"得分(?:为)?{_n('v')}分")
_PROJECT_BUDGET = re.compile(rf"预算(?:数|金额)?为?{_a('v')}")  # also 全年预算为 …, 全年预算数229.19万元
_PROJECT_ACTUAL = re.compile(rf"执行(?:数|金额)?为?{_a('v')}")
_PROJECT_RATE = re.compile(rf"(?:完成预算的|执行率(?:为|达到)?){_p('v')}")


def _read_items(c: _Collector) -> None:
    """Function-code items (类/款/项) of the general budget with amount, initial budget and completion %."""
    text = c.text.text
    heads = [m for m in _item_heads(text) if c.text.topic(m.start()) in ("general_budget", UNKNOWN)]
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else _section_end(c.text, head.start())
        qualifier = "/".join(_strip_ordinal(head.group(g)) for g in ("cls", "kuan", "xiang"))
        _read_item(c, head.end(), end, qualifier)


def _item_heads(text: str) -> Iterator[re.Match[str]]:
    """Item heads, searched only around each '（类）' (a leading character class would make a full scan slow)."""
    position = text.find("（类）")
    while position >= 0:
        head = _ITEM_HEAD.search(text, max(0, position - 31), position + 200)
        if head and head.end("cls") == position:
            yield head
            position = text.find("（类）", head.end())
        else:
            position = text.find("（类）", position + 3)


def _strip_ordinal(name: str) -> str:
    return _NUMBER_PREFIX.sub("", name)


def _section_end(text: _Text, offset: int) -> int:
    for start, _ in text.headings:
        if start > offset:
            return start
    return len(text.text)


def _read_item(c: _Collector, start: int, end: int, qualifier: str) -> None:
    text = c.text.text
    first = _ITEM_AMOUNT.match(text, start, end)
    if first:
        _block_amount(c, "general_budget_item_amount", first, qualifier)
    for pattern, key in ((_ITEM_INITIAL, "general_budget_item_initial_budget"),
                         (_ITEM_ACTUAL, "general_budget_item_amount")):
        found = pattern.search(text, start, end)
        if found:
            _block_amount(c, key, found, qualifier)
    found = _ITEM_COMPLETION.search(text, start, end)
    if found and c.claim(found, "v"):
        c.number("general_budget_item_completion_pct", found, "v", "%", qualifier)


def _block_amount(c: _Collector, key: str, m: re.Match[str], qualifier: str) -> None:
    """An amount of an item or project block (group ``v``), unless another rule already read that number."""
    offset = m.start("v")
    if offset in c.claimed:
        return
    c.claimed.add(offset)
    printed, unit = m.group("v"), m.group("v_u")
    value = float(printed.replace(",", ""))
    c.add(key, value / 10000 if unit == "元" else value, "万元", printed + unit, offset, qualifier)


def _read_projects(c: _Collector) -> None:
    """Per-project self-evaluation summaries (“项目名”项目自评综述：…得分 X 分…预算数为…执行数为…完成预算的 X%, or
    numbered: 1.单位项目名项目绩效自评综述：全年预算数…万元，执行数…万元，完成预算的 X%)."""
    text = c.text.text
    heads = sorted([*_PROJECT_HEAD.finditer(text), *_NUMBERED_PROJECT_HEAD.finditer(text)], key=lambda m: m.start())
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else min(len(text), head.end() + 600)
        end = min(end, _section_end(c.text, head.start()))
        name = head.group("name")
        score = _PROJECT_SCORE.search(text, head.end(), end)
        if score and c.claim(score, "v"):
            c.number("project_score", score, "v", "分", name)
        for pattern, key in ((_PROJECT_BUDGET, "project_budget"), (_PROJECT_ACTUAL, "project_actual")):
            found = pattern.search(text, head.end(), end)
            if found:
                _block_amount(c, key, found, name)
        rate = _PROJECT_RATE.search(text, head.end(), end)
        if rate and c.claim(rate, "v"):
            c.number("project_execution_rate_pct", rate, "v", "%", name)


# --- the rule table ------------------------------------------------------------------------------------------------

_Q = r"[“\"”]?"  # an optional quotation mark around 三公


def _vehicle_type(c: _Collector, m: re.Match[str]) -> None:
    """车辆 by type (机要通信用车 1 辆 …); the name as printed."""
    name = m.group("name").removeprefix("其中")
    if len(name) < 3 or any(word in name for word in ("公务用车", "购置", "保有")):
        return
    if c.claim(m, "v"):
        c.number("vehicles_by_type", m, "v", "辆", name)


def _class_amount(c: _Collector, m: re.Match[str]) -> None:
    name = m.group("name")
    if name in ("基本支出", "项目支出") or name.endswith(("基本支出", "项目支出")) or "财政拨款" in name:
        return
    if c.claim(m, "v", "s"):
        c.amount("general_budget_class_amount", m, "v", name)
        c.number("general_budget_class_share_pct", m, "s", "%", name)


RULES: tuple[_Rule, ...] = (
    # 收入
    _rule(f"(?<!拨款)收入、?支出(?:决算)?总计(?:为|是|共计)?{_a('v')}", _income_and_expenditure_total),
    _amount_rule("appropriation_total", "财政拨款收入、?支出(?:决算)?总计"),
    _amount_rule("income_total", "(?<!支出)收入总计"),
    _amount_rule("income_current_year", "本年收入合计"),
    _amount_rule("income_general_budget", "一般公共预算财政拨款收入"),
    _amount_rule("income_government_fund", "政府性基金预算财政拨款收入"),
    _amount_rule("income_state_capital", "国有资本经营预算财政拨款收入"),
    _amount_rule("income_fiscal_appropriation", "(?<!预算)财政拨款收入"),
    _amount_rule("income_superior_subsidy", "上级补助收入"),
    _amount_rule("income_public_service", "事业收入"),
    _amount_rule("income_business", "经营收入"),
    _amount_rule("income_affiliated_remittance", "附属单位上缴收入"),
    _amount_rule("income_other", "其他收入"),
    _amount_rule("non_appropriation_surplus_used", "使用非财政拨款结余(?:（含专用结余）)?"),
    # a report's carry-overs, not a fund's own (政府性基金预算财政拨款年初结转和结余 under 七、)
    _amount_rule("carryover_begin", "(?:上年|年初)结转和?结余", "income_expenditure appropriation general_budget"),
    # 支出
    _amount_rule("expenditure_total", "(?<!收入)(?<!拨款)支出总计"),
    _amount_rule("expenditure_current_year", "本年支出合计"),
    _by_topic({"income_expenditure": "expenditure_basic", "appropriation": "appropriation_basic"}, "基本支出"),
    _by_topic({"income_expenditure": "expenditure_project", "appropriation": "appropriation_project"}, "项目支出"),
    _amount_rule("expenditure_remittance_to_superior", "上缴上级支出"),
    _amount_rule("expenditure_business", "(?<!核算)经营支出"),
    _amount_rule("expenditure_subsidy_to_affiliates", "对附属单位补助支出"),
    _amount_rule("basic_wages", "工资福利支出"),
    _amount_rule("basic_goods_services", "商品和服务支出"),
    _amount_rule("basic_household_subsidy", "对个人和家庭的?补助(?:支出)?"),
    _amount_rule("basic_capital", "资本性支出"),
    _amount_rule("carryover_end", "年末结转和?结余", "income_expenditure appropriation general_budget"),
    # 财政拨款
    _amount_rule("appropriation_expenditure", "(?<!预算)(?<!经费)财政拨款支出(?:决算)?(?:总额|总计)?"),  # not “三公”经费财政拨款支出
    _amount_rule("general_budget_expenditure", "一般公共预算财政拨款支出(?:决算)?"),
    _Rule(re.compile(f"年初预算(?:数)?为{_a('b')}[，,](?:支出)?决算(?:数)?为{_a('v')}"), _budget_and_actual),
    _Rule(re.compile(f"(?:完成|占)(?:年初|全年)?预算(?:数)?的{_p('v')}"), _completion),
    _Rule(re.compile(f"(?<=[：:；;。，,])(?:\\d+[.．、])?(?P<name>[^\\d（）。；;，,：:、]{{2,30}}?支出)(?:（类）)?{_a('v')}"
                     f"(?:[，,]占(?:[^，,；;。\\d]{{0,12}}?的)?{_p('s')})?"),
          _class_amount, _topics("general_budget")),
    # 三公
    _amount_rule("three_public_total", f"三公{_Q}经费(?:财政拨款)?支出(?:决算(?:数)?)?", "three_public"),
    _amount_rule("three_public_overseas_travel", "因公出国（境）费(?:支出)?(?:决算(?:数)?)?", "three_public"),
    _amount_rule("three_public_reception", "(?<!国内)(?<!外事)公务接待费(?:支出)?(?:决算(?:数)?)?", "three_public"),
    _amount_rule("three_public_vehicle_total", "公务用车购置及运行(?:维护)?(?:费|支出)(?:支出)?(?:决算(?:数)?)?",
                 "three_public"),
    # 购置费 / 购置支出, 运行维护费 / 运行及维护支出 (without 费)
    _amount_rule("three_public_vehicle_purchase", "公务用车购置(?:费|支出)(?:支出)?", "three_public"),
    _amount_rule("three_public_vehicle_operation", "公务用车运行(?:及)?(?:维护)?(?:费|支出)(?:支出)?", "three_public"),
    _Rule(re.compile(f"团组{_n('g')}个[，,、]?(?:累计)?{_n('p')}(?P<p_pu>人次|人)"),
          _pair(("outbound_groups", "outbound_persons"), ("g", "p"), ("个", "人次"))),
    _rule(f"(?<!外事)接待(?:累计)?{_n('g')}批次[，,、]?(?:累计)?{_n('p')}(?P<p_pu>人次|人)",
          _pair(("reception_batches", "reception_persons"), ("g", "p"), ("批次", "人"))),
    _Rule(re.compile(f"外事接待(?:累计)?{_n('g')}批次[，,、]?{_n('p')}(?P<p_pu>人次|人)(?:[，,、]{_a('v')})?"),
          _pair(("foreign_reception_batches", "foreign_reception_persons", "foreign_reception_amount"),
                ("g", "p", "v"), ("批次", "人", "万元"))),
    _Rule(re.compile(f"国外来访团组{_n('g')}个[，,、]?(?:来访)?外宾{_n('p')}(?P<p_pu>人次|人)"),
          _pair(("foreign_reception_batches", "foreign_reception_persons"), ("g", "p"), ("批次", "人"))),
    _rule(f"国内接待{_n('g')}(?:批次|次)[，,、]?接待人数(?:共)?{_n('p')}(?P<p_pu>人次|人)",
          _pair(("reception_batches", "reception_persons"), ("g", "p"), ("批次", "人"))),
    _number_rule("vehicles_purchased", f"购置公务用车{_n('v')}辆", "辆"),
    _number_rule("vehicles_operated", f"保有量(?:为)?{_n('v')}辆", "辆"),
    # 基本支出
    _amount_rule("basic_appropriation", "一般公共预算财政拨款基本支出(?:决算)?"),
    _amount_rule("personnel_expenditure", "人员经费(?:支出)?"),
    _amount_rule("public_expenditure", "(?<!日常)公用经费(?:支出)?"),
    _amount_rule("agency_operating_cost", "机关运行经费(?:支出)?"),
    # 政府采购
    _amount_rule("procurement_total", "政府采购(?:支出)?(?:总额|金额|合计)(?:（[^（）]{1,12}）)?"),
    _amount_rule("procurement_goods", "货物(?:采购)?(?:支出|金额)", "procurement"),
    _amount_rule("procurement_works", "工程(?:采购)?(?:支出|金额)", "procurement"),
    _amount_rule("procurement_services", "(?<!和)服务(?:采购)?(?:支出|金额)", "procurement"),
    _Rule(re.compile(f"授予中小企业合同(?:金额)?{_a('v')}[，,]占(?:政府采购)?支出总额的{_p('s')}"),
          _pair(("sme_amount", "sme_share_pct"), ("v", "s"), ("万元", "%"))),
    _Rule(re.compile(f"授予小微企业合同(?:金额)?{_a('v')}[，,]占中小企业(?:采购)?(?:支出)?总额的{_p('s')}"),
          _pair(("small_micro_amount", "small_micro_share_pct"), ("v", "s"), ("万元", "%"))),
    _number_rule("sme_share_goods_pct", f"货物采购授予中小企业合同金额占货物(?:采购)?支出(?:金额)?的{_p('v')}", "%"),
    _number_rule("sme_share_works_pct", f"工程采购授予中小企业合同金额占工程(?:采购)?支出(?:金额)?的{_p('v')}", "%"),
    _number_rule("sme_share_services_pct", f"服务采购授予中小企业合同金额占服务(?:采购)?支出(?:金额)?的{_p('v')}", "%"),
    _amount_rule("sme_reserved_amount", "面向中小企业预留(?:的)?(?:政府采购)?项目预算(?:金额)?"),
    _amount_rule("small_micro_reserved_amount", "面向小微企业预留(?:的)?(?:政府采购)?项目预算(?:金额)?"),
    _amount_rule("sme_won_in_reserved",
                 "面向中小企业预留的?(?:政府采购)?项目中[，,]由中小企业供应商中标或成交的[，,]采购金额"),
    _amount_rule("small_micro_won_in_reserved",
                 "面向小微企业预留的?(?:政府采购)?项目中[，,]由小微企业供应商中标或成交的[，,]采购金额"),
    _amount_rule("sme_won_outside_reserved", "其他政府采购项目中[，,]由中小企业供应商中标或成交的[，,]采购金额"),
    # 国有资产
    _number_rule("vehicles_total", f"共有(?:各类)?车辆{_n('v')}辆", "辆"),
    _Rule(re.compile(f"(?<=[：:，,、；;])(?P<name>[^\\d：:，,、；;。]{{2,14}}?用车){_n('v')}辆"), _vehicle_type,
          _topics("assets")),
    _number_rule("equipment_over_1m",
                 f"单(?:价|位价值)(?:在)?100万元(?:（含）)?以上(?:的)?(?:专用)?设备(?:（不含车辆）)?(?:共)?{_n('v')}"
                 f"(?:台（套）|台|套)", "台（套）"),
    # 预算绩效
    _number_rule("performance_projects_count", f"(?:涉及预算支出项目|绩效自评的?(?:\\d{{4}}年度?)?项目){_n('v')}个",
                 "个"),
    _number_rule("performance_projects_general_budget_count", f"一般公共预算项目{_n('v')}个", "个"),
    _amount_rule("performance_project_funds", "(?<!整体绩效自评，)涉及资金"),
    _number_rule("performance_coverage_pct", f"自评覆盖率(?:（[^（）]*）)?(?:达到|为)?{_p('v')}", "%"),
    _Rule(re.compile(f"对{_n('n')}个(?:单位|部门)开展[^。]{{0,24}}?整体绩效自评[，,]涉及(?:一般公共预算)?(?:支出|资金)"
                     f"{_a('v')}"),
          _pair(("performance_units_count", "performance_unit_funds"), ("n", "v"), ("个", "万元"))),
    _amount_rule("performance_project_funds", f"绩效自评的?(?:\\d{{4}}年度?)?项目(?:{_NUM})个[，,]涉及(?:预算)?(?:金额|资金)"),
    _number_rule("performance_average_score", f"平均(?:得)?分(?:为)?{_n('v')}分", "分"),
    # 年度变化
    _Rule(_CHANGE, _change),
)


# --- derived and comparative facts --------------------------------------------------------------------------------


def _comparatives(c: _Collector) -> None:
    """Prior-year figures implied by stated changes (current − change; 持平 → current)."""
    prior = c.year - 1 if c.year is not None else None
    for key, change in c.changes.items():
        current = c.get(key)
        if current is None:
            continue
        if change.flat:
            value, formula = current.value, f"{current.value:.2f} (持平)"
        elif change.amount is not None:
            value, formula = current.value - change.amount, f"{current.value:.2f} - ({change.amount:.2f})"
        elif change.pct is not None and change.pct != -100:
            value, formula = current.value / (1 + change.pct / 100), f"{current.value:.2f} / (1 + {change.pct:.2f}%)"
        else:
            continue
        c.add(key, round(value, 2), current.unit, formula, change.offset, basis="comparative", fiscal_year=prior)
    _three_public_comparative(c, prior)


def _three_public_comparative(c: _Collector, prior: int | None) -> None:
    """三公 total of last year as the sum of its parts' comparatives, when all three are known."""
    if c.index.get(("comparative:three_public_total", None)) or c.get("three_public_total") is None:
        return
    parts = [c.index.get((f"comparative:{key}", None)) for key in _THREE_PUBLIC_PARTS]
    if any(p is None for p in parts):
        return
    total = round(sum(p.value for p in parts), 2)
    formula = " + ".join(f"{p.value:.2f}" for p in parts)
    offset = max(c.offsets[(f"comparative:{key}", None)] for key in _THREE_PUBLIC_PARTS)
    c.add("three_public_total", total, "万元", formula, offset, basis="comparative", fiscal_year=prior)


def _derived_procurement(c: _Collector) -> None:
    """Shanghai wording → Liaoning keys: SME amount = won inside + outside the reserved projects; its share."""
    inside, outside = c.get("sme_won_in_reserved"), c.get("sme_won_outside_reserved")
    if inside is None or outside is None:
        return
    offset = c.offsets[("sme_won_outside_reserved", None)]
    if c.get("sme_amount") is None and c.index.get(("derived:sme_amount", None)) is None:
        amount = round(inside.value + outside.value, 6)
        c.add("sme_amount", amount, "万元", f"{inside.value:.2f} + {outside.value:.2f}", offset, basis="derived")
        total = c.get("procurement_total")
        if total is not None and total.value > 0 and c.get("sme_share_pct") is None:
            share = round(amount / total.value * 100, 2)
            c.add("sme_share_pct", share, "%", f"{amount:.2f} / {total.value:.2f} × 100", offset, basis="derived")


# --- entry point -------------------------------------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})年度?(?:部门)?决算")


def infer_year(text: str) -> int | None:
    """The report year from the narrative heading ('2024 年度部门决算情况说明')."""
    found = _YEAR.search(text[:400])
    return int(found.group(1)) if found else None


def _matches(text: _Text) -> Iterator[tuple[int, int, _Rule, re.Match[str]]]:
    everywhere = [(0, len(text.text))]
    for priority, rule in enumerate(RULES):
        for start, end in everywhere if rule.topics is None else text.ranges(rule.topics):
            for match in rule.pattern.finditer(text.text, start, end):
                if rule.applies(text, match):
                    yield match.end(), priority, rule, match


def read_narrative_facts(document: Document, fiscal_year: int | None) -> tuple[list[NarrativeFact], list[ParseIssue]]:
    """Read the figures of the narrative (决算情况说明) of ``document``.

    Returns the facts in reading order (then comparatives and derived facts) and the issues met. ``fiscal_year`` is
    the report year; when None it is taken from the narrative heading if printed there.
    """
    lines = narrative_lines(document.lines)
    if not lines:
        return [], [ParseIssue("warning", "narrative_not_found", "no narrative part (决算情况说明) found")]
    text = join_lines(lines, document.file)
    year = fiscal_year if fiscal_year is not None else infer_year(text.text)
    collector = _Collector(text, year)
    if not _is_start(lines[0].text):
        collector.issues.append(ParseIssue(
            "info", "narrative_heading_not_found",
            "no 决算情况说明 heading: read from the start of the document to the first table or 名词解释",
            lines[0].source(document.file)))
    _read_items(collector)
    _read_projects(collector)
    for _, _, rule, match in sorted(_matches(text), key=lambda t: (t[0], t[1])):
        rule.handler(collector, match)
    _comparatives(collector)
    _derived_procurement(collector)
    return collector.in_reading_order(), collector.issues
