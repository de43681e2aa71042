"""Narrative against numbers (说明与数字): a comparison word agrees with the two figures it compares, a stated change
and percentage can be recomputed from the stated amounts, and an amount stated in the narrative matches its table.

Only sentences whose figures are stated in the sentence itself (or its clause) are judged; a sentence whose
figures cannot all be found stays silent.
"""

from __future__ import annotations

import re

from gongkai.extract.reconciliation_ledger import pct_tolerance
from gongkai.extract.records import CHECK_FAIL, Check, Line, Report
from gongkai.extract.text import to_wan
from gongkai.review.findings import INFO, WARNING, Finding
from gongkai.review.prose import NUMBER, OPENERS, LineText, Prose, section_heading
from gongkai.review.table_checks import misprinted_rates

_BUDGET = re.compile(rf"(?:年初)?预算(?:数)?(?:为|是)?(?P<n>{NUMBER})(?P<u>万元|元)")
_ACTUAL = re.compile(rf"决算(?:数)?(?:为|是)?(?P<n>{NUMBER})(?P<u>万元|元)")
_BUDGET_WORD = re.compile(
    r"决算(?:数)?(?:与(?:年初)?预算(?:数)?(?P<w1>基本持平|持平|相等|一致)"
    r"|(?P<w2>大于|小于|高于|低于|等于|持平)(?:年初)?预算(?:数)?)(?![（(])")
_COMPLETION = re.compile(rf"完成(?:年初|调整)?预算(?:数)?的(?P<p>{NUMBER})%")

_UP = ("增加", "增长", "上升", "增幅")
# 2025年当年预算执行数为 1690.69 万元，2026年预算安排 1672.67 万元，比2025年预算执行数减少 1.07%
_YEAR_PAIR = re.compile(
    rf"(?P<y1>(?:19|20)\d{{2}})年[^，。；：\d]{{0,16}}?(?:为|是)?(?P<a>{NUMBER})(?P<ua>万元|元)[，,]"
    rf"(?P<y2>(?:19|20)\d{{2}})年[^，。；：\d]{{0,16}}?(?:为|是)?(?P<b>{NUMBER})(?P<ub>万元|元)[，,]?"
    rf"(?:比|较)(?P<y0>(?:19|20)\d{{2}})年[^，。；%\d]{{0,12}}?(?P<v>增加|减少|增长|下降|上升|降低)(?P<p>{NUMBER})%")
NEAR_MISS = 0.3  # percentage points: a stated % this close to the recomputed one may rest on another base (info)
ROUNDING_MISS = 0.05  # … and this close, on amounts rounded before they were printed (no finding)
_CHANGE = re.compile(
    rf"(?P<v1>增加|减少|增长|下降|上升|降低)(?P<n>{NUMBER})(?P<u>万元|元)[，,]?"
    rf"(?:比上年|同比)?(?P<v2>增加|减少|增长|下降|上升|降低|增幅|降幅)(?:为|达)?(?P<p>{NUMBER})%")
_SUBJECT_AMOUNT = re.compile(rf"(?P<n>{NUMBER})(?P<u>万元|元)")  # any amount with its unit
_COMPARED = re.compile(r"(?:与|比|较)(?:上年|上年度|\d{4}年度?|去年)")
_CHANGE_VERB = re.compile(r"(?:增加|减少|增长|下降|上升|降低)$")
_SUBJECT_TRIM = re.compile(r"^[，,]?(?:相比|相较)?[，,]?(?:今年|本年度?|当年)?|(?:决算)?(?:数)?$")
_TOTALS = frozenset({"收入", "支出", "收入总计", "支出总计", "收支总计"})
_TOTAL_TAIL = re.compile(r"(?:预算|决算)?(?:数)?(?:为|是|共计|合计|达)?$")
_CLAUSE_TAIL = re.compile(r"(?:为|是|共计|合计|共|达)$")

_FUND_SECTION = re.compile(r"政府性基金|国有资本经营")
_FUND_KEY = re.compile(r"fund|capital")
_RATE_REACH = 4  # characters from the 决算 amount to 完成预算的: "，"
_PAIR_REACH = 16  # characters from a 预算 amount to its 决算 amount: "，支出决算为"
_FAR_SENTENCES = 6  # sentences back a comparison naming its subject may sit from its pair (past a 其中 list)
_MIN_SUBJECT = 2
_NAMED_SUBJECT_TRIM = re.compile(r"(?:19|20)\d{2}年度?|[“”\"]|财政拨款|支出|决算(?:数)?|(?:年初)?预算(?:数)?|为$")
_FORM_RATE_AGREES = 0.05  # percentage points: a stated rate that is what the form's own figures give
_WORD_FOR = {"大于": 1, "高于": 1, "小于": -1, "低于": -1, "等于": 0, "持平": 0, "相等": 0, "一致": 0}
_EXPECTED_WORD = {1: "决算数大于预算数", -1: "决算数小于预算数", 0: "决算数与预算数持平"}


def review(prose: Prose, report: Report | None, lines: list[Line], line_text: LineText) -> list[Finding]:
    findings = _budget_comparisons(prose) + _completion_words(prose) + _completion_rates(prose) \
        + _stated_changes(prose) + _stated_pairs(prose)
    if report is not None:
        # a % the text rules found (quoted from its amounts, a line above where the % wraps) is one defect
        found = {(f.rule, f.page, f.line) for f in findings}
        findings += [f for f in _failed_narrative_checks(report, lines, line_text)
                     if not {(f.rule, f.page, f.line), (f.rule, f.page, (f.line or 0) - 1)} & found]
    return findings


def _amount(m: re.Match[str]) -> float:
    return to_wan(float(m.group("n").replace(",", "")), m.group("u"))


def _last(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    found = None
    for m in pattern.finditer(text, start, end):
        found = m
    return found


def _window_start(prose: Prose, offset: int, sentences: int = 2) -> int:
    """Where the text ``sentences`` sentences before ``offset`` begins (a budget and its actual may be stated in the
    sentence before the comparison)."""
    start = offset
    for _ in range(sentences):
        start, _ = prose.sentence_bounds(max(0, start - 1))
    return start


def _budget_comparisons(prose: Prose) -> list[Finding]:
    """决算数大于/小于/等于预算数 against the 年初预算 and 决算 amounts stated just before it: the last 预算 amount and
    the 决算 amount printed right after it (年初预算为 A 万元，支出决算为 B 万元), so an item's amount listed after
    the pair (其中：公务接待费支出决算为 …) is not taken for the total's."""
    findings = []
    previous_end = 0
    for m in _BUDGET_WORD.finditer(prose.text):
        word = m.group("w1") or m.group("w2")
        start = max(previous_end, _window_start(prose, m.start()))
        previous_end = m.end()
        pair = _budget_pair(prose.text, start, m.start()) or _named_pair(prose, m.start())
        if pair is None or word == "基本持平":
            continue
        budget, actual = pair
        b, a = _amount(budget), _amount(actual)
        sign = (a > b) - (a < b)
        if _WORD_FOR[word] != sign:
            line = prose.line_at(m.start())
            findings.append(Finding(
                "comparison_word", WARNING, line.page, line.line, prose.quote(m.start(), m.end(), 40),
                f"预算数 {budget.group('n')}{budget.group('u')}、决算数 {actual.group('n')}{actual.group('u')}："
                f"应为“{_EXPECTED_WORD[sign]}”"))
    return findings


def _named_pair(prose: Prose, at: int) -> tuple[re.Match[str], re.Match[str]] | None:
    """2024年度“三公”经费支出决算数小于预算数 printed after the items listed under its pair (其中：…；…。): the last
    pair a few sentences back whose clause names the same subject (“三公”经费财政拨款支出年初预算为 A 万元，支出决算为
    B 万元)."""
    sentence_start = prose.sentence_bounds(at)[0]
    subject = _NAMED_SUBJECT_TRIM.sub("", prose.text[sentence_start: at])
    if len(subject) < _MIN_SUBJECT:
        return None
    start = _window_start(prose, sentence_start, _FAR_SENTENCES)
    found = None
    for budget in _BUDGET.finditer(prose.text, start, sentence_start):
        clause = re.split("[，。；：,]", prose.text[start: budget.start()])[-1]
        actual = _ACTUAL.search(prose.text, budget.end(), min(sentence_start, budget.end() + _PAIR_REACH))
        if actual is not None and subject in _NAMED_SUBJECT_TRIM.sub("", clause):
            found = (budget, actual)
    return found


def _budget_pair(text: str, start: int, end: int) -> tuple[re.Match[str], re.Match[str]] | None:
    """(预算 amount, 决算 amount printed within a clause or two after it) between ``start`` and ``end``."""
    budget = _last(_BUDGET, text, start, end)
    if budget is None:
        return None
    actual = _ACTUAL.search(text, budget.end(), min(end, budget.end() + _PAIR_REACH))
    return (budget, actual) if actual else None


def _completion_words(prose: Prose) -> list[Finding]:
    """完成年初预算的 X%，决算数大于/小于/等于预算数: the word agrees with X (over 100 大于, under 小于, 100 持平).
    X = 0 says nothing (no budget and no spending are printed as 0.00%)."""
    findings = []
    for m in _BUDGET_WORD.finditer(prose.text):
        word = m.group("w1") or m.group("w2")
        start = prose.sentence_bounds(m.start())[0]
        rate = _last(_COMPLETION, prose.text, max(start, m.start() - 40), m.start())
        if rate is None or word == "基本持平" or _BUDGET.search(prose.text, start, m.start()):
            continue
        stated = float(rate.group("p"))
        if stated == 0:
            continue
        sign = (stated > 100) - (stated < 100)
        if _WORD_FOR[word] != sign:
            line = prose.line_at(m.start())
            findings.append(Finding(
                "comparison_word", WARNING, line.page, line.line, prose.quote(rate.start(), m.end()),
                f"完成预算的 {rate.group('p')}%：应为“{_EXPECTED_WORD[sign]}”"))
    return findings


def _completion_rates(prose: Prose) -> list[Finding]:
    """完成预算的 X% printed right after its pair (年初预算为 A 万元，支出决算为 B 万元，完成预算的 X%): X = B / A.
    An item's rate later in the sentence (其中：因公出国（境）费决算为 …，完成预算的 …) has no 预算 of its own: none."""
    findings = []
    for m in _COMPLETION.finditer(prose.text):
        start = _window_start(prose, m.start(), 1)
        pair = _budget_pair(prose.text, start, m.start())
        if pair is None or m.start() - pair[1].end() > _RATE_REACH:
            continue
        budget, actual = pair
        b, a = _amount(budget), _amount(actual)
        stated = float(m.group("p"))
        if not b:
            continue
        computed = a / b * 100
        if abs(computed - stated) > pct_tolerance(a, b) + _printed_step(m.group("p")) / 2:
            line = prose.line_at(m.start())
            findings.append(Finding(
                "stated_percentage", WARNING, line.page, line.line, prose.quote(actual.start(), m.end()),
                f"{actual.group('n')} ÷ {budget.group('n')} = {computed:.2f}%"))
    return findings


def _printed_step(number: str) -> float:
    decimals = len(number.split(".")[1]) if "." in number else 0
    return 10.0 ** -decimals


def _stated_changes(prose: Prose) -> list[Finding]:
    """增加 A 万元，增长 P%: the two words point the same way; where the current amount (and the prior one, when
    printed: 比2025年年初预算数 30,385.62 万元增加 …) can be found, the prior = current − A and P = A / prior."""
    findings = []
    for m in _CHANGE.finditer(prose.text):
        line = prose.line_at(m.start())
        up1, up2 = m.group("v1") in _UP, m.group("v2") in _UP
        if up1 != up2:
            findings.append(Finding(
                "comparison_word", WARNING, line.page, line.line, prose.quote(m.start(), m.end()),
                f"“{m.group('v1')}”与“{m.group('v2')}”方向相反：应同为增加/增长或同为减少/下降"))
            continue
        current, printed_prior = _compared_amounts(prose, m.start())
        if current is None:
            continue
        change = _amount(m) * (1 if up1 else -1)
        expected, off_by = _recomputed_change(current, printed_prior, change, m)
        if expected and off_by > ROUNDING_MISS:
            findings.append(Finding("stated_percentage", INFO if off_by <= NEAR_MISS else WARNING, line.page,
                                    line.line, prose.quote(m.start(), m.end()), expected))
    return findings


def _stated_pairs(prose: Prose) -> list[Finding]:
    """Two years' amounts and the change between them in one sentence (2025年执行数为 A 万元，2026年预算安排 B 万元，
    比2025年执行数增加 P%), the comparison naming the first amount's year: the word follows B − A, and P = |B − A| / A
    (both amounts are printed, so a miss beyond rounding is a defect, however small)."""
    findings = []
    for m in _YEAR_PAIR.finditer(prose.text):
        if m.group("y0") != m.group("y1") or m.group("y2") == m.group("y1"):
            continue
        prior = to_wan(float(m.group("a").replace(",", "")), m.group("ua"))
        current = to_wan(float(m.group("b").replace(",", "")), m.group("ub"))
        line = prose.line_at(m.start("v"))
        quote = prose.quote(m.start("y1"), m.end())
        sign = (current > prior) - (current < prior)
        if sign and (m.group("v") in _UP) != (sign > 0):
            findings.append(Finding("comparison_word", WARNING, line.page, line.line, quote,
                                    f"{m.group('b')} 比 {m.group('a')} {'增加' if sign > 0 else '减少'}，"
                                    f"而非“{m.group('v')}”"))
            continue
        if not prior:
            continue
        computed = abs(current - prior) / prior * 100
        step = 2 * max(_printed_step(m.group("a")), _printed_step(m.group("b")))
        off_by = abs(computed - float(m.group("p")))
        if off_by > pct_tolerance(abs(current - prior), prior, step) + _printed_step(m.group("p")) / 2 \
                and off_by > ROUNDING_MISS:
            findings.append(Finding("stated_percentage", WARNING, line.page, line.line, quote,
                                    f"|{m.group('b')} − {m.group('a')}| ÷ {m.group('a')} = {computed:.2f}%"))
    return findings


def _recomputed_change(current: float, printed_prior: float | None, change: float,
                       m: re.Match[str]) -> tuple[str, float]:
    """(what the change should read, by how many percentage points it is off), or ("", 0) when it reads right.
    Without a printed prior, P may be of the prior year (the rule) or of the current one (some reports): either
    reading is accepted."""
    if printed_prior is not None and abs(current - printed_prior - change) > 0.015:
        return f"{_plain(current)} − {_plain(printed_prior)} = {_plain(current - printed_prior)} 万元", 100.0
    prior = printed_prior if printed_prior is not None else current - change
    stated = float(m.group("p"))
    tolerance = pct_tolerance(abs(change), prior) + _printed_step(m.group("p")) / 2
    readings = [abs(change) / prior * 100 if prior > 0 else None]
    if printed_prior is None:
        readings.append(abs(change) / current * 100 if current else None)
    if readings[0] is None or any(r is not None and abs(r - stated) <= tolerance for r in readings):
        return "", 0.0
    return f"{m.group('n')} ÷ {_plain(prior)}（上年数）= {readings[0]:.2f}%", abs(readings[0] - stated)


def _plain(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _compared_amounts(prose: Prose, offset: int) -> tuple[float | None, float | None]:
    """(current, prior printed) amounts of the change at ``offset``: the current amount is the one printed right
    before 与上年相比/比上年 (X 万元，比上年增加 …), else the last one printed right after the words the change is
    about (收入支出总计 2,995.39 万元。与上年相比，收入支出总计减少 …); the prior is an amount printed between the
    comparison and the change (比2025年年初预算数 30,385.62 万元增加 …). A vaguer subject (支出) finds nothing."""
    start = _window_start(prose, offset, 2)
    compared = _last(_COMPARED, prose.text, start, offset)
    if compared is None:
        return None, None
    prior = _last(_SUBJECT_AMOUNT, prose.text, compared.end(), offset)
    before = _last(_SUBJECT_AMOUNT, prose.text, start, compared.start())
    if before is not None and prose.text[before.end(): compared.start()] in ("", "，", ",") \
            and not _CHANGE_VERB.search(prose.text[max(0, before.start() - 3): before.start()]):
        return _amount(before), _amount(prior) if prior else None
    if prior is not None:
        return None, None
    subject = _SUBJECT_TRIM.sub("", prose.text[compared.end(): offset])
    if len(subject) < 4:
        return _total_before(prose, start, compared.start()), None
    found = None
    for amount in _SUBJECT_AMOUNT.finditer(prose.text, start, compared.start()):
        head = _CLAUSE_TAIL.sub("", re.split("[，。；：,]", prose.text[start: amount.start()])[-1])
        if head.endswith(subject):
            found = amount
    return (_amount(found) if found else None), None


def _total_before(prose: Prose, start: int, compared: int) -> float | None:
    """收入较去年增加 …: a report total named before the comparison (收入, 支出预算 …) is the first amount printed right
    after the same words opening a clause of the window (2026年本单位收入预算 1935.36 万元; not 事业收入 0.00 万元)."""
    subject = _TOTAL_TAIL.sub("", re.split("[，。；：,]", prose.text[start: compared])[-1])
    if subject not in _TOTALS:
        return None
    for amount in _SUBJECT_AMOUNT.finditer(prose.text, start, compared):
        head = _TOTAL_TAIL.sub("", re.split("[，。；：,]", prose.text[start: amount.start()])[-1])
        if head.endswith(subject) and (len(head) == len(subject) or head[-len(subject) - 1] in OPENERS):
            return _amount(amount)
    return None


def _failed_narrative_checks(report: Report, lines: list[Line], line_text: LineText) -> list[Finding]:
    """The reconciliation's failed narrative checks (a narrative figure against its table, a stated % against the
    stated amounts), one finding per line. A whole-report figure read under a section about one fund (政府性基金 …)
    is that fund's figure, not the report's: no finding."""
    findings = []
    index = {(line.page, line.line): i for i, line in enumerate(lines)}
    misprinted = misprinted_rates(report)
    for check in report.checks:
        if check.category != "narrative" or check.status != CHECK_FAIL or check.source is None:
            continue
        if check.expected is None or check.actual is None or _form_misprinted(check, misprinted):
            continue
        heading = section_heading(lines, index.get((check.source.page, check.source.line)))
        if _FUND_SECTION.search(heading) and not _FUND_KEY.search(check.name):
            continue
        against_form = check.name.startswith("narrative.project_")  # a project's summary against its 自评表
        rule = "stated_percentage" if not against_form and (".recomputed." in check.name or check.name.endswith(
            "_pct") or "_pct." in check.name) else "narrative_vs_table"
        findings.append(Finding(rule, WARNING, check.source.page, check.source.line,
                                line_text(check.source.page, check.source.line),
                                f"{_plain(check.expected)}（{_check_basis(check.name)}；说明中为 {_plain(check.actual)}）"))
    recomputed = {(f.page, f.line) for f in findings if f.rule == "stated_percentage"}
    return [f for f in findings if not ("绩效自评表数" in f.expected and (f.page, f.line) in recomputed)]


def _form_misprinted(check: Check, misprinted: dict[str, float]) -> bool:
    """完成预算的100% against a form printing 执行率 1000% for 400 of 400: the form's rate is the slip (its own
    finding), the narrative's rate is what the form's figures give."""
    prefix = "narrative.project_execution_rate_pct."
    rate = misprinted.get(check.name.removeprefix(prefix)) if check.name.startswith(prefix) else None
    return rate is not None and abs(rate - check.actual) < _FORM_RATE_AGREES


def _check_basis(name: str) -> str:
    if name.startswith("narrative.project_"):
        return "绩效自评表数"
    if ".recomputed." in name or "_rate_pct" in name:
        return "由所列金额算出"
    return "表格数"
