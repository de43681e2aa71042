"""Which rows of a budget's project table (项目支出预算表 / 专项业务经费支出表) are projects and which are groups.

A project table lists projects under the units that run them, sometimes under categories (通用项目 / 专用项目) and
sub-projects. The table reader gives each row its level where the table shows a tree (by indent, or by amounts when
every name is at one x: pdf_table_rows); a row with a deeper row right under it is a group, any other row a project.
A table without a tree is a list of projects at level 1.
"""

from __future__ import annotations

from gongkai.extract.records import Table

PROJECT_TABLE_FAMILY = "budget_project_expenditure"


def mark_projects(table: Table) -> None:
    """Give each row of a project table below its 合计 a level (1 where the reader read none) and its category,
    'group' or 'project'."""
    if table.family != PROJECT_TABLE_FAMILY:
        return
    rows = [row for row in table.rows if row.item != "total"]
    for row in rows:
        row.level = row.level or 1
    for row, below in zip(rows, rows[1:] + [None]):
        row.category = "group" if below is not None and below.level > row.level else "project"
