"""Blind planting: defects of every review rule family planted at random in the lines of a real report after reading
(the PDF's text runs too, so the tables are read from the changed figures), then the review run on the copy and
scored against the report's golden: each plant caught (a finding of its rule on its line), missed, and every new
finding no plant explains (false).

The planters know what a reviewer would flag, not how the rules find it: a narrative amount is any amount of the
running text that a table of the report prints, a table cell any amount of a coded row, a title any short line
naming the report's year. Run it on a report nobody planted in before:

    .venv/bin/python tests/review_planting.py ../shared/corpus/budget/2026_sz-czj_budget.pdf --seed 3
"""

from __future__ import annotations

import copy
import json
import random
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.extract.document import read_document
from gongkai.extract.parser import parse_document
from gongkai.extract.records import Document, Line, Report, Word
from gongkai.review.prose import running_text
from gongkai.review.review import Review, review_document

GOLDENS = Path(__file__).parent / "data" / "review"
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})(?=\s*万元)")
_CELL = re.compile(r"(?<![\d.,])-?(\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})(?![\d])")
_CODE_ROW = re.compile(r"^\s*(?:\d{3}(?:\s*\d{2}){0,2}|\d{5,7})\s+[\u4e00-\u9fff]")
_CHANGE = re.compile(r"(增加|减少)\s*([\d,]+(?:\.\d+)?)\s*万元\s*[，,]\s*(增长|下降)\s*(\d+(?:\.\d+)?)\s*%")
_BUDGET_VS_ACTUAL = re.compile(r"决算数(大于|小于)(?:年初)?预算数")
_UNIT_AFTER = re.compile(r"((?:支出|安排|减少|增加|收入)(?:预算|决算)?(?:数)?(?:为)?\s*)([\d,]+\.\d{2})\s*万元(?=[，。；])")
_NAME_SWAPS = "财务政区县市委办"
_SENTENCE_RULES = ("narrative_vs_table", "stated_percentage", "comparison_word")
_SENTENCE_LINES = 2
_LABEL = re.compile(r"^(?:表|公开)\s*\d{1,2}\s*表?$")


@dataclass
class Plant:
    """A planted defect: the rule that should flag it and where (page, line; None: anywhere in the report)."""

    family: str
    rule: str
    page: int | None
    line: int | None
    before: str
    after: str
    planted_value: str | None = None  # a changed table cell, as printed: narrative findings citing it are its


@dataclass
class Score:
    file: str
    plants: list[Plant]
    caught: list[Plant] = field(default_factory=list)
    missed: list[Plant] = field(default_factory=list)
    false: list[tuple] = field(default_factory=list)


def _replace(line: Line, before: str, after: str) -> None:
    """Change the line's text and, in a PDF, the text run holding ``before`` (the table reader reads the runs)."""
    line.text = line.text.replace(before, after, 1)
    if line.words:
        words = list(line.words)
        for i, word in enumerate(words):
            if before in word.text:
                words[i] = Word(word.text.replace(before, after, 1), word.x0, word.x1)
                break
        line.words = tuple(words)


def _prose_lines(document: Document) -> list[Line]:
    return [line for line in running_text(document.lines).lines if line.text.strip()]


def _table_amounts(report: Report) -> set[str]:
    return {f"{cell.value:.2f}" for table in report.tables for row in table.rows for cell in row.cells
            if cell.value is not None and abs(cell.value) >= 1}


def plant_narrative_amount(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """A narrative amount the tables print (to the cent, in 万元), with one digit changed."""
    printed = _table_amounts(report)
    candidates = [(line, m.group(1)) for line in _prose_lines(document) for m in _AMOUNT.finditer(line.text)
                  if m.group(1).replace(",", "") in printed and line.text.count(m.group(1)) == 1
                  and not re.search(r"上年|去年|\d{4}年[^度]", line.text[: m.start()][-12:])]
    if not candidates:
        return None
    line, number = rng.choice(candidates)
    changed = _another_digit(number, rng)
    _replace(line, number, changed)
    return Plant("changed amount", "narrative_vs_table", line.page, line.line, number, changed)


def plant_table_cell(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """One amount of a coded table row (a 项 or 款) changed in its integer part."""
    candidates = [(line, m.group(1)) for line in document.lines if _CODE_ROW.match(line.text)
                  for m in _CELL.finditer(line.text) if float(m.group(1).replace(",", "")) >= 10
                  and line.text.count(m.group(1)) == 1 and len(_CELL.findall(line.text)) >= 2]
    if not candidates:
        return None
    line, number = rng.choice(candidates)
    changed = _another_digit(number, rng)
    _replace(line, number, changed)
    return Plant("table cell", "table_arithmetic", line.page, line.line, number, changed, changed)


def plant_comparison_word(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """决算数大于预算数 ↔ 小于, or 增加 A 万元，增长 P% with the rate's word turned."""
    candidates = []
    for line in _prose_lines(document):
        for m in _BUDGET_VS_ACTUAL.finditer(line.text):
            candidates.append((line, m.group(0), m.group(0).replace(m.group(1), "小于" if m.group(1) == "大于" else "大于")))
        for m in _CHANGE.finditer(line.text):
            turned = "下降" if m.group(3) == "增长" else "增长"
            candidates.append((line, m.group(0), m.group(0).replace(m.group(3), turned)))
    if not candidates:
        return None
    line, before, after = rng.choice(candidates)
    _replace(line, before, after)
    return Plant("wrong comparison word", "comparison_word", line.page, line.line, before, after)


def plant_percentage(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """增加 A 万元，增长 P%: P changed by a few points."""
    candidates = [(line, m) for line in _prose_lines(document) for m in _CHANGE.finditer(line.text)]
    if not candidates:
        return None
    line, m = rng.choice(candidates)
    rate = m.group(4)
    decimals = len(rate.split(".")[1]) if "." in rate else 0
    changed = f"{float(rate) + rng.choice((3, 5, 7)):.{decimals}f}"
    before = m.group(0)
    _replace(line, before, before[: m.start(4) - m.start()] + changed + before[m.end(4) - m.start():])
    return Plant("wrong %", "stated_percentage", line.page, line.line, rate, changed)


def plant_placeholder(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """An amount of the running text left as the template's XX."""
    candidates = [(line, m.group(1)) for line in _prose_lines(document) for m in _AMOUNT.finditer(line.text)
                  if line.text.count(m.group(1)) == 1]
    if not candidates:
        return None
    line, number = rng.choice(candidates)
    _replace(line, number, "XX")
    return Plant("placeholder XX", "placeholder", line.page, line.line, number, "XX")


def plant_doubled_punctuation(document: Document, report: Report, rng: random.Random) -> Plant | None:
    candidates = [(line, mark) for line in _prose_lines(document) for mark in "，。" if mark in line.text
                  and not re.search("[，。；：、,]{2}", line.text)]
    if not candidates:
        return None
    line, mark = rng.choice(candidates)
    _replace(line, mark, mark * 2)
    return Plant("doubled punctuation", "doubled_punctuation", line.page, line.line, mark, mark * 2)


def plant_unit_dropped(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """支出 2,336.91 万元， printed without its 万元."""
    candidates = [(line, m) for line in _prose_lines(document) for m in _UNIT_AFTER.finditer(line.text)]
    if not candidates:
        return None
    line, m = rng.choice(candidates)
    after = m.group(1) + m.group(2)
    _replace(line, m.group(0), after)
    return Plant("unit dropped", "number_without_unit", line.page, line.line, m.group(0), after)


def plant_wrong_year(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """A title of the report's year (a table title, a part heading) printed with the year before."""
    year = report.fiscal_year
    if year is None:
        return None
    candidates = [line for line in document.lines if f"{year}年" in line.text and len(line.text.strip()) <= 40
                  and re.search(r"表$|部门(?:决算|预算)|单位(?:决算|预算)", line.text.strip())
                  and not re.search(r"[，。；：]|目\s*录|\.{3}|…", line.text) and line.page > 2]
    if not candidates:
        return None
    line = rng.choice(candidates)
    _replace(line, f"{year}年", f"{year - 1}年")
    return Plant("wrong year", "year_mismatch", line.page, line.line, f"{year}年", f"{year - 1}年")


def plant_name_misprint(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """The department's name with one character of its middle changed, in a line naming it (not the cover)."""
    name = report.department
    if not name or len(name) < 5:
        return None
    candidates = [line for line in document.lines if name in line.text and line.page > 1]
    if not candidates:
        return None
    line = rng.choice(candidates)
    at = rng.randrange(2, len(name) - 1)
    swapped = next(ch for ch in rng.sample(_NAME_SWAPS, len(_NAME_SWAPS)) if ch != name[at])
    misprint = name[:at] + swapped + name[at + 1:]
    _replace(line, name, misprint)
    return Plant("name misprint", "department_mismatch", line.page, line.line, name, misprint)


def plant_missing_table(document: Document, report: Report, rng: random.Random) -> Plant | None:
    """A table left out: every line from its title to the next table's title blanked."""
    tables = sorted((t for t in report.tables if not t.is_empty), key=lambda t: (t.source.page, t.source.line))
    if len(tables) < 3:
        return None
    index = {(line.page, line.line): i for i, line in enumerate(document.lines)}
    choice = rng.randrange(len(tables) - 1)
    start = index.get((tables[choice].source.page, tables[choice].source.line))
    end = index.get((tables[choice + 1].source.page, tables[choice + 1].source.line))
    if start is None or end is None:
        return None
    if start > 0 and _LABEL.match(document.lines[start - 1].text.strip()):
        start -= 1  # its label (表7) printed above the title
    for line in document.lines[start:end]:
        line.text, line.words = "", ()
    return Plant("missing table", "table_missing|contents_mismatch", None, None, tables[choice].title, "")


PLANTERS: tuple[Callable[[Document, Report, random.Random], Plant | None], ...] = (
    plant_comparison_word, plant_narrative_amount, plant_placeholder, plant_doubled_punctuation, plant_wrong_year,
    plant_missing_table, plant_unit_dropped, plant_name_misprint, plant_percentage, plant_table_cell)


def _another_digit(number: str, rng: random.Random) -> str:
    """The amount with one digit of its integer part changed (the first stays non-zero)."""
    digits = [i for i, ch in enumerate(number.split(".")[0]) if ch.isdigit()]
    at = rng.choice(digits)
    pool = [d for d in "123456789" if d != number[at]] if at == digits[0] else [d for d in "0123456789"
                                                                              if d != number[at]]
    return number[:at] + rng.choice(pool) + number[at + 1:]


def planted_review(document: Document, seed: int) -> tuple[list[Plant], Review]:
    """A copy of the report read, its defects planted (each planter once, on lines no other plant touched), and
    reviewed; the document given is left as read."""
    document = copy.deepcopy(document)
    report = parse_document(document)
    rng = random.Random(seed)
    plants: list[Plant] = []
    used: set[tuple] = set()
    for planter in PLANTERS:
        saved = [(line.text, line.words) for line in document.lines]
        plant = planter(document, report, rng)
        if plant is None:
            continue
        if (plant.page, plant.line) in used:  # one defect a sentence: two would hide each other
            for line, (text, words) in zip(document.lines, saved):
                line.text, line.words = text, words
            continue
        if plant.line is not None:
            used |= {(plant.page, plant.line + k) for k in range(-_SENTENCE_LINES, _SENTENCE_LINES + 1)}
        plants.append(plant)
    return plants, review_document(document, parse_document(document))


def score(document: Document, seed: int, golden: set[tuple]) -> Score:
    plants, review = planted_review(document, seed)
    result = Score(document.file, plants)
    found = [(f.rule, f.page, f.line) for f in review.findings]
    for plant in plants:
        rules = plant.rule.split("|")
        hit = any(rule in rules and (plant.page is None or (page, line) == (plant.page, plant.line)
                                     or (rule == "table_arithmetic" and page == plant.page))
                  for rule, page, line in found)
        (result.caught if hit else result.missed).append(plant)
    planted_places = {(p.page, p.line) for p in plants}
    sentences = {(p.page, line) for p in plants if p.line is not None and p.rule in _SENTENCE_RULES
                 for line in range(p.line - _SENTENCE_LINES, p.line + _SENTENCE_LINES + 1)}
    cells = [p.planted_value for p in plants if p.planted_value]
    for finding in review.findings:
        key = (finding.rule, finding.page, finding.line)
        if key in golden or (finding.page, finding.line) in planted_places:
            continue
        if finding.rule in _SENTENCE_RULES and (finding.page, finding.line) in sentences:
            continue  # an amount changed in a sentence wrapped over lines: its % or comparison, on the next line
        if cells and (finding.rule == "table_arithmetic"
                      or any(cell.replace(",", "") in finding.expected.replace(",", "") for cell in cells)):
            continue  # a changed cell breaks its column's and row's identities, and a narrative amount citing it
        if any(p.family == "missing table" for p in plants) and finding.rule in (
                "table_missing", "contents_mismatch", "narrative_vs_table"):
            continue  # a table left out: its entry, and the narrative amounts now judged against another table
        result.false.append((finding.rule, finding.page, finding.line, finding.quote, finding.expected))
    return result


def golden_of(path: str | Path) -> set[tuple]:
    """The (rule, page, line) of the findings of the report's golden (tests/data/review/STEM.json)."""
    golden = json.loads((GOLDENS / f"{Path(path).stem}.json").read_text(encoding="utf-8"))
    return {(g["rule"], g["page"], g["line"]) for g in golden["findings"]}


def review_with_changed_lines(path: Path, changes: Iterable[tuple]) -> Review:
    """The review of the report at ``path`` with lines changed after reading: each change is (page, line, printed
    text, planted text, anything the test keeps beside); the printed text must be on its line."""
    document = read_document(path)
    by_place = {(line.page, line.line): line for line in document.lines}
    for page, number, printed, plant, *_ in changes:
        line = by_place[(page, number)]
        assert printed in line.text, line.text
        line.text = line.text.replace(printed, plant, 1)
    return review_document(document, parse_document(document))


def main(argv: list[str]) -> int:
    seeds = [int(argv[argv.index("--seed") + 1])] if "--seed" in argv else list(range(5))
    files = [Path(a) for a in argv if a.endswith((".pdf", ".txt"))]
    totals = [0, 0, 0]
    for path in files:
        document = read_document(path)
        for seed in seeds:
            result = score(document, seed, golden_of(path))
            totals = [totals[0] + len(result.caught), totals[1] + len(result.missed), totals[2] + len(result.false)]
            print(f"{path.name} seed {seed}: caught {len(result.caught)}, missed {len(result.missed)}, "
                  f"false {len(result.false)}")
            for plant in result.missed:
                print(f"  missed {plant.family} ({plant.rule}) p{plant.page} l{plant.line}: "
                      f"{plant.before!r} → {plant.after!r}")
            for false in result.false:
                print("  false", *false)
    print(f"total: caught {totals[0]}, missed {totals[1]}, false {totals[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
