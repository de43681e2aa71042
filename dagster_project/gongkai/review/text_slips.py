"""Template leftovers and text slips (模板残留与文字差错): placeholders left in (XX, ××), a template's alternatives
left in (增加（减少）, 增长/减少), the blank template's own instructions, a share, rate or amount printed without its %
or unit (占 79.49，, 完成预算的 99.97，, 支出 2,336.91，, 增加 20万，), doubled punctuation and a word printed twice.

Placeholders and template wording are looked for on every line (a placeholder in a table is as wrong as one in the
text); the other slips only in the running text, where table layout cannot fake them.
"""

from __future__ import annotations

import re

from gongkai.extract.narrative_text import compact_line
from gongkai.extract.records import Line
from gongkai.review.findings import INFO, WARNING, Finding
from gongkai.review.prose import Prose

_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[Xx]{2,}|×{2,}|□{2,})(?![A-Za-z])")
_DIRECTION = "增加|减少|增长|下降|降低|上升|大于|小于|高于|低于"
_ALTERNATIVE = re.compile(
    rf"(?:{_DIRECTION})[（(](?:{_DIRECTION})[）)]|[（(]?(?:{_DIRECTION})[/／](?:{_DIRECTION})[）)]?")

# Instructions printed in the blank template (样张) of a report, which a department is to follow and then delete.
TEMPLATE_INSTRUCTIONS = (
    "如持平作持平表述",
    "不涉及的不列",
    "按上述格式依次说明",
    "预决算持平的不用说明",
    "作下述说明",
    "仍保留该表格式",
    "由主管部门根据三定方案",
    "列明公务用车购置数量",
    "列明公务接待批次",
    "（制度名称）",
    "但不列举主要内容",
    "本部分内容为“机构设置”",
)
_INSTRUCTION = re.compile("|".join(re.escape(p) for p in TEMPLATE_INSTRUCTIONS))

_SHARE_WITHOUT_PERCENT = re.compile(r"占[^，。；%\d]{0,12}?(?P<n>\d+\.\d+)(?![\d.%])(?=[，。；、）)])")
_RATE_WITHOUT_PERCENT = re.compile(r"(?:增长|下降|上升|降低)(?P<n>\d+(?:\.\d+)?)(?![\d.%])(?=[，。；])")
_AMOUNT_WITHOUT_UNIT = re.compile(
    r"(?:增加|减少|预算|决算|支出|收入|总计|合计|共计|安排|经费|资金)(?:数|金额)?(?:为|是)?"
    r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{1,2})(?=[，。；、])")
_COMPLETION_WITHOUT_PERCENT = re.compile(r"完成(?:年初|调整|全年)?预算(?:数)?的(?P<n>\d+(?:\.\d+)?)(?![\d.%])(?=[，。；）)])")
_WAN_WITHOUT_YUAN = re.compile(r"(?:预算|决算|支出|收入|经费|费|资金|增加|减少|合计|总计|共计|安排|为)(?:数)?"
                               r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)万(?=[，。；、）)])")

_ORGANISATION = re.compile(r"(?:院|局|委|中心|站|所|办|厅|校)$")
_DOUBLED = re.compile(r"[，。；：、,]{2,}")
_REPEATED = re.compile(r"([\u4e00-\u9fff]{2,6})\1|(的|和|及|与|在|是)\2")


def review(lines: list[Line], prose: Prose) -> list[Finding]:
    return _on_lines(lines) + _on_prose(prose)


def _on_lines(lines: list[Line]) -> list[Finding]:
    findings = []
    for line in lines:
        text = compact_line(line.text)
        for m in _PLACEHOLDER.finditer(text):
            findings.append(Finding("placeholder", WARNING, line.page, line.line, text,
                                    f"“{m.group()}”应替换为实际内容"))
        for m in _INSTRUCTION.finditer(text):
            findings.append(Finding("template_instruction", WARNING, line.page, line.line, text,
                                    f"删除模板说明“{m.group()}”"))
    return findings


def _on_prose(prose: Prose) -> list[Finding]:
    findings = []
    for pattern, rule, expected in (
        (_ALTERNATIVE, "template_alternative", lambda m: f"“{m.group()}”只保留符合实际的一种表述"),
        (_SHARE_WITHOUT_PERCENT, "number_without_unit", lambda m: f"{m.group('n')}%"),
        (_RATE_WITHOUT_PERCENT, "number_without_unit", lambda m: f"{m.group('n')}%"),
        (_COMPLETION_WITHOUT_PERCENT, "number_without_unit", lambda m: f"{m.group('n')}%"),
        (_AMOUNT_WITHOUT_UNIT, "number_without_unit", lambda m: f"{m.group('n')}万元（或元）"),
        (_WAN_WITHOUT_YUAN, "number_without_unit", lambda m: f"{m.group('n')}万元"),
        (_DOUBLED, "doubled_punctuation", lambda m: f"“{m.group()}”只保留一个标点"),
        (_REPEATED, "repeated_word", lambda m: f"“{m.group()}”应为“{m.group(1) or m.group(2)}”"),
    ):
        for m in pattern.finditer(prose.text):
            line = prose.line_at(m.start())
            findings.append(Finding(rule, _severity(rule, m), line.page, line.line,
                                    prose.quote(m.start(), m.end()), expected(m)))
    return findings


def _severity(rule: str, m: re.Match[str]) -> str:
    """A name printed twice (西安市儿童医院市儿童医院经开院区…) is often a unit followed by its own project's name."""
    if rule == "repeated_word" and _ORGANISATION.search(m.group(1) or ""):
        return INFO
    return WARNING
