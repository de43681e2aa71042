"""DDL of the raw schema: what ingestion writes, one table per kind of record (the upstream of dbt staging).

report_id identifies one file version: the first 16 hex digits of its sha256. Amounts are in 万元 (DOUBLE);
a blank cell is NULL. Every value row carries file, page and line.
"""

SCHEMA = "raw"

#: report_files.status: the file's rows are loaded, it could not be read, or it was read and deliberately not loaded.
STATUS_LOADED = "loaded"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"
#: Parsed, but another current file has the same content (warehouse/content.py): recorded, its rows not loaded.
STATUS_DUPLICATE = "duplicate"

RAW_TABLES: dict[str, str] = {
    "report_files": """
        report_id VARCHAR NOT NULL,          -- sha256[:16] of the file's bytes
        path VARCHAR NOT NULL,               -- path relative to the raw folder
        sha256 VARCHAR NOT NULL,
        content_fingerprint VARCHAR,         -- sha256 of the parsed content (warehouse/content.py); NULL if unread
        size_bytes BIGINT NOT NULL,
        format VARCHAR,                      -- 'text' | 'pdf'
        encoding VARCHAR,
        department VARCHAR,                  -- department as printed on the report (部门)
        fiscal_year INTEGER,
        kind VARCHAR,                        -- 'final' (决算) | 'budget' (预算)
        status VARCHAR NOT NULL,             -- 'loaded' | 'failed' | 'skipped' | 'duplicate'
        duplicate_of VARCHAR,                -- status 'duplicate': report_id of the file with the same content
        error_kind VARCHAR,
        error_message VARCHAR,
        pages INTEGER,
        table_rows INTEGER,
        checks_passed INTEGER,
        checks_failed INTEGER,
        checks_not_run INTEGER,
        printed_date VARCHAR,                -- the report's own date (落款/封面): 'YYYY-MM' or 'YYYY-MM-DD'
        first_seen TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL,
        is_current BOOLEAN NOT NULL          -- the file version currently at this path
    """,
    "table_cells": """
        report_id VARCHAR NOT NULL,
        table_family VARCHAR NOT NULL,       -- stable family key, see docs/json.md
        table_title VARCHAR,
        table_label VARCHAR,
        table_unit VARCHAR,                  -- unit printed on the table (万元 / 元)
        row_index INTEGER NOT NULL,
        row_label VARCHAR,
        code VARCHAR,                        -- function or economic classification code
        level INTEGER,                       -- 1/2/3 = 类/款/项
        parent_code VARCHAR,
        item VARCHAR,                        -- stable key of a labelled row
        side VARCHAR,                        -- 'income' | 'expenditure' on two-sided summary tables
        row_number INTEGER,                  -- 行次
        category VARCHAR,                    -- 'personnel' | 'public' on the basic expenditure table; 'group' | 'project' on a budget's project table; a summary's expenditure panel: 'function' | 'department_economic' | 'government_economic'
        column_name VARCHAR NOT NULL,
        value DOUBLE,                        -- 万元; NULL when blank or ambiguous
        original VARCHAR,                    -- as printed
        cell_status VARCHAR NOT NULL,        -- 'value' | 'blank' | 'ambiguous'
        candidates VARCHAR,                  -- columns an ambiguous value could belong to, comma-separated
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "report_tables": """
        report_id VARCHAR NOT NULL,
        table_family VARCHAR NOT NULL,
        table_title VARCHAR,
        table_label VARCHAR,
        table_unit VARCHAR,
        is_empty BOOLEAN NOT NULL,
        row_count INTEGER NOT NULL,
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "narrative_facts": """
        report_id VARCHAR NOT NULL,
        fact_key VARCHAR NOT NULL,
        qualifier VARCHAR,
        value DOUBLE NOT NULL,
        unit VARCHAR NOT NULL,
        original VARCHAR,
        fiscal_year INTEGER,
        basis VARCHAR NOT NULL,              -- 'reported' | 'comparative' | 'derived'
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "performance_projects": """
        report_id VARCHAR NOT NULL,
        project_index INTEGER NOT NULL,
        project_name VARCHAR NOT NULL,
        department VARCHAR,
        implementing_unit VARCHAR,
        budget DOUBLE,
        actual DOUBLE,
        execution_rate_pct DOUBLE,
        target_text VARCHAR,
        achievement_text VARCHAR,
        indicator_subtotal DOUBLE,
        execution_score DOUBLE,
        deduction DOUBLE,
        total_score DOUBLE,
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "performance_indicators": """
        report_id VARCHAR NOT NULL,
        evaluation_kind VARCHAR NOT NULL,    -- 'project' | 'unit'
        evaluation_index INTEGER NOT NULL,   -- project_index or unit_index
        indicator_index INTEGER NOT NULL,
        level1 VARCHAR,
        level2 VARCHAR,
        level3 VARCHAR NOT NULL,
        operator VARCHAR,
        target VARCHAR,
        unit VARCHAR,
        actual VARCHAR,
        completion VARCHAR,
        weight DOUBLE,
        score DOUBLE,
        deviation_reason VARCHAR,
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "unit_evaluations": """
        report_id VARCHAR NOT NULL,
        unit_index INTEGER NOT NULL,
        unit_code VARCHAR,
        unit_name VARCHAR NOT NULL,
        budget_income DOUBLE,
        budget_expenditure DOUBLE,
        target_text VARCHAR,
        achievement_text VARCHAR,
        total_score DOUBLE,
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "unit_tasks": """
        report_id VARCHAR NOT NULL,
        unit_index INTEGER NOT NULL,
        task_index INTEGER NOT NULL,
        task_name VARCHAR NOT NULL,
        allocated DOUBLE,
        executed DOUBLE,
        execution_rate_pct DOUBLE,
        weight DOUBLE,
        score DOUBLE,
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "budget_targets": """
        report_id VARCHAR NOT NULL,
        target_index INTEGER NOT NULL,       -- in order of appearance
        target_kind VARCHAR NOT NULL,        -- 'project' (项目支出绩效目标表) | 'unit' (部门整体绩效目标表)
        table_title VARCHAR NOT NULL,        -- the title as printed (spaces dropped)
        target_name VARCHAR,                 -- 项目名称 (or the department's name for a unit table)
        department VARCHAR,                  -- 主管部门
        implementing_unit VARCHAR,           -- 实施单位
        amount_total DOUBLE,                 -- 资金总额, 万元
        amount_fiscal DOUBLE,                -- 其中：财政拨款, 万元
        amount_carryover DOUBLE,             -- 上年结转, 万元
        amount_other DOUBLE,                 -- 其他资金, 万元
        amount_unit VARCHAR,                 -- unit printed: '万元' | '元'
        goal_text VARCHAR,                   -- 年度目标
        weight_total DOUBLE,                 -- the total the 分值 heading prints (分值（90）; 指标权重（%） = 100)
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "budget_target_indicators": """
        report_id VARCHAR NOT NULL,
        target_index INTEGER NOT NULL,
        indicator_index INTEGER NOT NULL,
        level1 VARCHAR,                      -- 一级指标
        level2 VARCHAR,                      -- 二级指标
        level3 VARCHAR NOT NULL,             -- 三级指标 / 指标名称
        target_text VARCHAR,                 -- 指标值 as printed
        comparator VARCHAR,                  -- '>=' | '<=' | '=' | '>' | '<' where printed
        target_value DOUBLE,                 -- the number of a numeric target
        target_unit VARCHAR,                 -- its unit (%, 万元, 个 …)
        weight DOUBLE,                       -- 分值 / 权重 where printed
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "budget_target_tasks": """
        report_id VARCHAR NOT NULL,
        target_index INTEGER NOT NULL,
        task_index INTEGER NOT NULL,
        task_name VARCHAR NOT NULL,          -- 任务名称 of a 部门整体 table's 年度主要任务
        amount_total DOUBLE,                 -- 预算金额 总额, 万元
        amount_fiscal DOUBLE,                -- 财政拨款, 万元
        amount_other DOUBLE,                 -- 其他资金, 万元
        file VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        line INTEGER NOT NULL
    """,
    "reconciliation_checks": """
        report_id VARCHAR NOT NULL,
        check_name VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        expected DOUBLE,
        actual DOUBLE,
        difference DOUBLE,
        tolerance DOUBLE NOT NULL,
        status VARCHAR NOT NULL,             -- 'pass' | 'fail' | 'not_run'
        detail VARCHAR,
        file VARCHAR,
        page INTEGER,
        line INTEGER
    """,
    "parse_issues": """
        report_id VARCHAR NOT NULL,
        severity VARCHAR NOT NULL,           -- 'error' | 'warning' | 'info'
        issue_kind VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        file VARCHAR,
        page INTEGER,
        line INTEGER
    """,
    "review_findings": """
        report_id VARCHAR NOT NULL,
        finding_index INTEGER NOT NULL,      -- in page and line order
        rule VARCHAR NOT NULL,               -- stable rule key (gongkai.review.findings.RULES)
        concern VARCHAR NOT NULL,            -- narrative_numbers | text_slips | consistency | completeness
        rule_title VARCHAR NOT NULL,         -- the rule in Chinese, as on the review sheet (审核规则)
        severity VARCHAR NOT NULL,           -- 'warning' (a defect) | 'info' (worth a look)
        quote VARCHAR NOT NULL,              -- the report's text (原文)
        expected VARCHAR NOT NULL,           -- what it should say (应为)
        file VARCHAR NOT NULL,
        page INTEGER,
        line INTEGER
    """,
    "report_pages": """
        report_id VARCHAR NOT NULL,
        page INTEGER NOT NULL,
        page_status VARCHAR NOT NULL,        -- 'text' | 'empty' | 'scanned' | 'cid' | 'garbled' | 'error'
        chars INTEGER,
        cid_glyphs INTEGER,
        replacement_chars INTEGER
    """,
    "units_in_scope": """
        report_id VARCHAR NOT NULL,
        unit_index INTEGER NOT NULL,
        unit_name VARCHAR NOT NULL           -- 部门决算单位构成
    """,
    "ingest_errors": """
        path VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        error_kind VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        first_seen TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL
    """,
}


#: Tables filled from a parsed report, keyed by report_id (everything but report_files and ingest_errors).
DATA_TABLES: tuple[str, ...] = tuple(t for t in RAW_TABLES if t not in ("report_files", "ingest_errors"))


def _columns(ddl: str) -> list[tuple[str, str]]:
    cols = []
    for raw_line in ddl.splitlines():
        line = raw_line.split("--", 1)[0].strip().rstrip(",")
        if line:
            name, sql_type = line.split()[:2]
            cols.append((name, sql_type))
    return cols


#: table → [(column, SQL type)] in DDL order.
TABLE_COLUMNS: dict[str, list[tuple[str, str]]] = {name: _columns(ddl) for name, ddl in RAW_TABLES.items()}


def create_statements(schema: str = SCHEMA) -> list[str]:
    statements = [f"CREATE SCHEMA IF NOT EXISTS {schema}"]
    for name, columns in RAW_TABLES.items():
        statements.append(f"CREATE TABLE IF NOT EXISTS {schema}.{name} ({columns})")
    return statements
