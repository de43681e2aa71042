"""Fuzzing the parser with mutations of the real seed text (hypothesis).

Whatever the mutation — lines dropped, duplicated or shuffled, characters garbled (U+FFFD, random CJK, digits
deleted), numbers changed — the parser raises nothing but ParseError, never hangs (each example is guarded by an
alarm), and a Report it returns is consistent: every Check has a valid status, every Cell with status 'value' has a
value and every other Cell has none.
"""

from __future__ import annotations

import re
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.extract.parser import ParseError, parse_file
from gongkai.extract.records import CELL_AMBIGUOUS, CELL_BLANK, CELL_VALUE, Report
from tests.conftest import SEED

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
TABLES_START = next(i for i, line in enumerate(SEED_LINES) if "第四部分" in line)
TABLES_END = next(i for i, line in enumerate(SEED_LINES) if "第五部分" in line)

EXAMPLE_TIMEOUT = 10  # seconds; one parse of the seed takes ~0.1 s
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


class Hang(Exception):
    pass


@contextmanager
def alarm(seconds: int):
    def _raise(signum, frame):
        raise Hang(f"parse did not finish in {seconds}s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


WORK = Path(tempfile.mkdtemp(prefix="gongkai-fuzz-"))


def parse_text(text: str, name: str = "fuzz.txt") -> Report | None:
    """Parse text as a file's content; None when the parser refuses it with a ParseError (the only allowed error)."""
    path = WORK / name
    path.write_bytes(text.encode("utf-8"))
    with alarm(EXAMPLE_TIMEOUT):
        try:
            report = parse_file(path)
        except ParseError as error:
            assert error.kind and str(error) and "\n" not in str(error)
            return None
    assert_consistent(report)
    return report


def assert_consistent(report: Report) -> None:
    for check in report.checks:
        assert check.status in ("pass", "fail", "not_run"), check
        if check.status == "pass":
            assert check.expected is not None and check.actual is not None, check
    for table in report.tables:
        for row in table.rows:
            for cell in row.cells:
                assert cell.column in table.columns, (table.family, cell)
                assert cell.status in (CELL_VALUE, CELL_BLANK, CELL_AMBIGUOUS), cell
                if cell.status == CELL_VALUE:
                    assert cell.value is not None and cell.value == cell.value, (table.family, row.label, cell)
                else:
                    assert cell.value is None, (table.family, row.label, cell)
    for issue in report.issues:
        assert issue.severity in ("error", "warning", "info") and issue.kind and issue.message


# --- strategies: edits of the seed's lines --------------------------------------------------------------------------

# Most edits land in the tables (where the arithmetic is), some anywhere in the document.
line_index = st.one_of(
    st.integers(TABLES_START, TABLES_END - 1),
    st.integers(0, len(SEED_LINES) - 1),
)
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
garbage = st.one_of(st.just("\ufffd"), CJK, st.sampled_from(list("（）()：:，,.-—0123456789 \t表合计栏次注")))


@st.composite
def line_edits(draw) -> list[str]:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["drop", "duplicate", "swap", "move_block", "drop_block"]))
        i = draw(line_index) % len(lines)
        if op == "drop":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(line_index) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        else:
            size = draw(st.integers(2, 60))
            block = lines[i : i + size]
            del lines[i : i + size]
            if op == "move_block" and lines:
                j = draw(line_index) % len(lines)
                lines[j:j] = block
        if not lines:
            break
    return lines


@st.composite
def char_edits(draw) -> list[str]:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 25))):
        i = draw(line_index)
        line = lines[i]
        op = draw(st.sampled_from(["insert", "replace", "delete_digits", "delete_char"]))
        pos = draw(st.integers(0, len(line)))
        if op == "insert":
            line = line[:pos] + draw(st.text(garbage, min_size=1, max_size=4)) + line[pos:]
        elif op == "replace" and line:
            pos = min(pos, len(line) - 1)
            line = line[:pos] + draw(garbage) + line[pos + 1 :]
        elif op == "delete_digits":
            line = re.sub(r"\d", "", line, count=draw(st.integers(1, 4)))
        elif line:
            pos = min(pos, len(line) - 1)
            line = line[:pos] + line[pos + 1 :]
        lines[i] = line
    return lines


AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])")


@st.composite
def number_edits(draw) -> list[str]:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 10))):
        i = draw(st.integers(TABLES_START, TABLES_END - 1))
        amounts = list(AMOUNT.finditer(lines[i]))
        if not amounts:
            continue
        match = draw(st.sampled_from(amounts))
        replacement = draw(st.one_of(
            st.decimals(min_value=-99999, max_value=9999999, places=2, allow_nan=False).map(str),
            st.sampled_from(["0.00", "-0.01", "1e5", "1,2,3.4", "12.3.4", "９９.００", "--1.00", "", "—"]),
        ))
        lines[i] = lines[i][: match.start()] + replacement + lines[i][match.end() :]
    return lines


# --- properties --------------------------------------------------------------------------------------------------------


@FUZZ
@given(line_edits())
def test_dropped_duplicated_shuffled_lines(lines):
    parse_text("\n".join(lines))


@FUZZ
@given(char_edits())
def test_garbled_characters(lines):
    parse_text("\n".join(lines))


@FUZZ
@given(number_edits())
def test_changed_numbers(lines):
    parse_text("\n".join(lines))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(SEED_LINES), max_size=200), st.text(garbage, max_size=50))
def test_random_selection_of_seed_lines(lines, noise):
    parse_text("\n".join(lines) + noise)


# --- targeted: a changed number is caught ------------------------------------------------------------------------------


def _seed_with(old: str, new: str, after: str) -> str:
    """The seed with the first ``old`` after the line starting with ``after`` replaced by ``new``."""
    start = next(i for i, line in enumerate(SEED_LINES) if line.startswith(after))
    lines = list(SEED_LINES)
    i = next(i for i in range(start, len(lines)) if old in lines[i])
    lines[i] = lines[i].replace(old, new, 1)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def seed_statuses() -> dict[str, str]:
    report = parse_text("\n".join(SEED_LINES))
    return {c.name: c.status for c in report.checks}


@pytest.mark.parametrize(
    "after,old,new,caught_by",
    [
        # 支出决算表 2101101 行政单位医疗 84.11 = 76.53 + 7.58 → 94.11: its row total and its 款 no longer add up
        (" 支出决算表", "2101101 行政单位医疗 84.11", "2101101 行政单位医疗 94.11",
         {"expenditure.row_total.2101101", "expenditure.children.21011.total"}),
        # 三公 table 合计 12.00 / 11.96 → 11.96 actual changed to 13.96
        (" 财政拨款“三公”经费支出决算表", "12.00 11.96", "12.00 13.96", {"three_public.children.total.actual"}),
        # 一般公共预算财政拨款支出决算表 2010301 行政运行 1,744.54 → 1,754.54
        (" 一般公共预算财政拨款支出决算表", "1,744.54 1,744.54", "1,754.54 1,744.54",
         {"general_budget_expenditure.row_total.2010301", "general_budget_expenditure.children.20103.total"}),
    ],
    ids=["expenditure", "three_public", "general_budget"],
)
def test_changed_number_fails_a_check(seed_statuses, after, old, new, caught_by):
    report = parse_text(_seed_with(old, new, after))
    statuses = {c.name: c.status for c in report.checks}
    changed = {name for name, status in statuses.items() if status != "pass" and seed_statuses.get(name) == "pass"}
    assert changed, "a changed number went unnoticed"
    assert any(statuses.get(name) in ("fail", "not_run") for name in caught_by), {n: statuses.get(n) for n in caught_by}
    assert not any(statuses.get(name) == "pass" for name in caught_by)


# --- crashes the fuzzer found (fixed in table_cells.placed_cells), kept as regressions -------------------------------


def test_garbled_amount_in_economic_table():
    """'2,362.06' garbled to ',2.06' used to raise ValueError('not an amount') from parse_amount."""
    report = parse_text("\n".join(SEED_LINES).replace("人员经费合计 2,362.06", "人员经费合计 ,2.06"))
    issues = [(i.kind, i.message) for i in report.issues if i.kind == "unreadable_amount"]
    assert issues == [("unreadable_amount", "',2.06' in row '人员经费合计' is not an amount: the cell is left blank")]
    row = report.table("general_budget_basic_expenditure").row(item="personnel_total")
    assert row.cells[0].status == CELL_BLANK and row.cells[0].value is None
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["general_budget_basic_expenditure.personnel_total"] == "not_run"
    assert statuses["cross.basic_personnel_public"] == "not_run"


def test_extra_amount_in_summary_row():
    """A second amount on the income side of the 财政拨款收入支出决算总表 used to raise IndexError."""
    text = "\n".join(SEED_LINES).replace("一、一般公共预算财政拨款 1 5,741.50 一、", "一、一般公共预算财政拨款 1 5,741.50 9.99 一、")
    report = parse_text(text)
    issues = [(i.kind, i.message) for i in report.issues if i.kind == "extra_amounts"]
    assert issues == [("extra_amounts", "row '一、一般公共预算财政拨款' has 2 amounts for 1 column(s): 9.99 not placed")]
    row = report.table("appropriation_summary").row(item="general_budget_appropriation", side="income")
    assert (row.value("amount"), row.cell("amount").original) == (5741.5, "5,741.50")
