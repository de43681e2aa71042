"""The review's record: a :class:`Finding` (one defect a reviewer would flag, with its page and line) and the rule
catalogue — each rule's concern, its Chinese title for the review sheet, and what it checks."""

from __future__ import annotations

from dataclasses import dataclass

WARNING = "warning"
INFO = "info"

SEVERITY_TITLES = {WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True, slots=True)
class Rule:
    """A review rule: its stable key, the concern it belongs to and its title on the review sheet (审核规则)."""

    key: str
    concern: str
    title: str


RULES = {rule.key: rule for rule in (
    Rule("comparison_word", "narrative_numbers", "比较用语与所比较的数字不符"),
    Rule("stated_percentage", "narrative_numbers", "所列百分比无法由所列金额算出"),
    Rule("narrative_vs_table", "narrative_numbers", "说明中的金额与表格不符"),
    Rule("parts_sum", "narrative_numbers", "分项之和与总额不符"),
    Rule("table_arithmetic", "consistency", "表格数字勾稽不符"),
    Rule("placeholder", "text_slips", "模板占位符未替换"),
    Rule("template_alternative", "text_slips", "模板备选用语未删除"),
    Rule("template_instruction", "text_slips", "空白模板的填写说明未删除"),
    Rule("number_without_unit", "text_slips", "数字缺少百分号或单位"),
    Rule("doubled_punctuation", "text_slips", "标点重复"),
    Rule("repeated_word", "text_slips", "词语重复"),
    Rule("year_mismatch", "consistency", "年度与报告年度不符"),
    Rule("department_mismatch", "consistency", "部门名称前后不一致"),
    Rule("unit_missing", "consistency", "表格未标明金额单位"),
    Rule("part_missing", "completeness", "缺少必备部分"),
    Rule("table_missing", "completeness", "缺少应公开的表格"),
    Rule("contents_mismatch", "completeness", "目录与正文不符"),
    Rule("empty_table_unexplained", "completeness", "空表未说明无数据"),
)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One review finding (审核发现): the rule it breaks, how sure it is ('warning' a defect, 'info' worth a look),
    where (page, line of the report), the text quoted from the report and what was expected instead."""

    rule: str
    severity: str
    page: int | None
    line: int | None
    quote: str
    expected: str

    @property
    def title(self) -> str:
        return RULES[self.rule].title

    @property
    def concern(self) -> str:
        return RULES[self.rule].concern


def ordered(findings: list[Finding]) -> list[Finding]:
    """Findings in page and line order, each (rule, page, line, quote) once."""
    seen: set[tuple] = set()
    unique = []
    for finding in findings:
        key = (finding.rule, finding.page, finding.line, finding.quote)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return sorted(unique, key=lambda f: (f.page or 0, f.line or 0, f.rule))
