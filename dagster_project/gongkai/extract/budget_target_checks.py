"""The checks on a budget's performance-target tables (绩效目标表) where they can be checked against the budget:

* ``narrative.performance_target_projects_count``: the number of projects the 说明 says have targets (N个项目实行
  绩效目标管理) = the number of project target tables printed (only where the budget prints any);
* ``narrative.performance_target_funds``: where the same sentence states the count, the funds it says those projects
  cover (涉及资金) = the sum of their tables' 资金总额;
* ``narrative.performance_target_unit_funds``: the funds the 说明 says the department's whole target covers
  (纳入部门整体支出绩效目标的金额) = the 资金总额 of its 部门整体绩效目标表, where both are printed; without such a
  sentence nor a project count, ``narrative.performance_target_funds`` (全覆盖，涉及…拨款 X万元) against that table;
* ``targets.weights.<project>``: the indicators' 分值 add up to the total the heading prints (分值（90）);
* ``targets.tasks.<unit>``: a 部门整体 table's 年度主要任务 add up to its 金额合计 (总额);
* ``targets.project_amount.<project>``: a project's 资金总额 in its target table = its 合计 in the project
  expenditure table (项目支出预算表 / 专项业务经费支出表), where exactly one project row has its name.

A disagreement is a failed check naming both pages; the numbers are never changed.
"""

from __future__ import annotations

from gongkai.extract.reconciliation_ledger import Ledger
from gongkai.extract.records import PerformanceTarget, Report, TableRow
from gongkai.extract.text import squeeze

_PROJECT_TABLE = "budget_project_expenditure"


def check_budget_targets(ledger: Ledger, report: Report) -> None:
    projects = [target for target in report.targets if target.kind == "project"]
    _check_unit_funds(ledger, report)
    _check_weights(ledger, report)
    _check_tasks(ledger, report)
    if projects:
        _check_stated_projects(ledger, report, projects)
        _check_project_amounts(ledger, report, projects)


def _check_stated_projects(ledger: Ledger, report: Report, projects: list[PerformanceTarget]) -> None:
    """The count of projects the 说明 states, and the funds it says they cover, against the tables printed."""
    stated = report.fact("performance_target_projects_count", basis="reported")
    if stated is None:
        return
    ledger.equal("narrative.performance_target_projects_count", "narrative", float(len(projects)), stated.value,
                 source=stated.source, tolerance=0.0, detail=f"project target tables printed on pages {_pages(projects)}")
    funds = report.fact("performance_target_funds", basis="reported")
    amounts = [target.amount_total for target in projects]
    if funds is not None and None not in amounts:
        ledger.equal("narrative.performance_target_funds", "narrative", round(sum(amounts), 6), funds.value,
                     terms=len(amounts) + 1, source=funds.source,
                     detail=f"Σ 资金总额 of the project target tables (pages {_pages(projects)})")


def _check_unit_funds(ledger: Ledger, report: Report) -> None:
    """The funds the department's whole target covers: stated as such (纳入部门整体支出绩效目标的金额), or stated for
    the whole department without a project count (绩效目标管理全覆盖，涉及…拨款 X万元) = the 部门整体 table's 资金总额."""
    units = [target for target in report.targets if target.kind == "unit" and target.amount_total is not None]
    if len(units) != 1:
        return
    detail = f"部门整体绩效目标表 p.{units[0].source.page}"
    stated = report.fact("performance_target_unit_funds", basis="reported")
    if stated is not None:
        ledger.equal("narrative.performance_target_unit_funds", "narrative", units[0].amount_total, stated.value,
                     source=stated.source, detail=detail)
    elif report.fact("performance_target_projects_count") is None and report.fact("performance_target_coverage_pct"):
        funds = report.fact("performance_target_funds", basis="reported")
        if funds is not None:
            ledger.equal("narrative.performance_target_funds", "narrative", units[0].amount_total, funds.value,
                         source=funds.source, detail=detail)


def _check_weights(ledger: Ledger, report: Report) -> None:
    """A table's 分值 add up to the total its heading prints (分值（90）, 指标权重（%）: 100)."""
    for target in report.targets:
        weights = [indicator.weight for indicator in target.indicators]
        if target.weight_total is not None and weights and None not in weights:
            ledger.equal(f"targets.weights.{target.name}", "table", target.weight_total, round(sum(weights), 6),
                         terms=len(weights) + 1, source=target.source,
                         detail=f"Σ 分值 of the indicators, p.{target.source.page}")


def _check_tasks(ledger: Ledger, report: Report) -> None:
    """A 部门整体 table's 年度主要任务: their 总额 add up to its 金额合计."""
    for target in report.targets:
        amounts = [task.amount_total for task in target.tasks]
        if amounts and None not in amounts and target.amount_total is not None:
            ledger.equal(f"targets.tasks.{target.name}", "table", target.amount_total, round(sum(amounts), 6),
                         terms=len(amounts) + 1, source=target.source,
                         detail=f"Σ 总额 of the 年度主要任务, p.{target.source.page}")


def _check_project_amounts(ledger: Ledger, report: Report, projects: list[PerformanceTarget]) -> None:
    table = report.table(_PROJECT_TABLE)
    if table is None or table.is_empty:
        return
    rows = [row for row in table.rows if row.category == "project"]
    for target in projects:
        row = _project_row(target, rows)
        if row is not None and target.amount_total is not None:
            ledger.equal(f"targets.project_amount.{target.name}", "cross_table", row.value("total"),
                         target.amount_total, source=target.source,
                         detail=f"target table p.{target.source.page}, project table p.{row.source.page}")


def _project_row(target: PerformanceTarget, rows: list[TableRow]) -> TableRow | None:
    """The one project row named as the target: its label, the label's first word (实施公车统管费用 其他运转类), or the
    target's unit and name (杭州市气象局 气象业务建设)."""
    name = squeeze(target.name or "")
    if not name:
        return None
    with_unit = squeeze(target.implementing_unit or "") + name
    found = [row for row in rows if squeeze(row.label) in (name, with_unit) or row.label.split(" ")[0] == name]
    return found[0] if len(found) == 1 else None


def _pages(targets: list[PerformanceTarget]) -> str:
    pages = sorted({target.source.page for target in targets})
    return ", ".join(str(page) for page in pages)
