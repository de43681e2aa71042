"""Gather the classification reference (dbt/seeds/observed_classification_codes.csv) from real reports.

    .venv/bin/python dbt/scripts/classification_codes.py CORPUS_DIR [CORPUS_DIR …]

Every report file (PDF or text dump, finals and budgets) under the folders is read as the loader reads it: each
coded row of its tables, and each line that starts with a function code (支出功能分类科目, 类 3 / 款 5 / 项 7 digits,
first digit 2) or an economic code (支出经济分类科目, 类 3 / 款 5 digits, first digit 3 or 5), printed whole (2010601)
or split (201 06 01), followed by its name and at least one amount, gives (kind, code, name, year). A code whose parent code (类 of a 款, 款 of a
项) is nowhere in the list is left out: a row read wrongly, not a classification code; so is a name with digits or
spaces in it (an amount run into the label). Rows already in the seed are kept (they came from real reports too);
the names a code was printed with are kept per year (a name cut by a wrapped line among them).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "observed_classification_codes.csv"
COLUMNS = ["kind", "code", "level", "name_as_printed", "years_seen"]
LEVELS = {3: "类", 5: "款", 7: "项"}
REPORT_SUFFIXES = (".pdf", ".txt")

_ROW = re.compile(
    r"^\s*(?P<code>[235]\d{2}(?:\s?\d{2}){0,2})\s*"
    r"(?P<name>[\u4e00-\u9fff][^\s\d]*)"
    r"\s+-?[\d,]+(?:\.\d+)?(?:\s|$)"
)

_NOT_A_NAME = re.compile(r"[\d\s]")
_LEADING_CODE = re.compile(r"^\s*\d{3}(?:\s*\d{2}){0,2}\s*")

Key = tuple[str, str, str]  # kind, code, name


def kind_of(code: str) -> str | None:
    """'function' (2xx), 'economic' (3xx 部门经济分类, 5xx 政府经济分类; no 项 level) or None."""
    if code[0] == "2":
        return "function"
    if code[0] in "35" and len(code) <= 5:
        return "economic"
    return None


def parent_of(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


def codes_in_lines(texts: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """(kind, code, name) of every line that reads as a classified table row."""
    for text in texts:
        found = _ROW.match(text)
        if not found:
            continue
        code = found.group("code").replace(" ", "")
        kind = kind_of(code)
        if kind is not None and len(code) in LEVELS:
            yield kind, code, found.group("name")


def codes_in_rows(rows: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """(kind, code, name) of the coded rows the table reader built (wrapped names joined, several codes a line)."""
    for code, label in rows:
        code = code.replace(" ", "")
        name = _LEADING_CODE.sub("", label or "").strip()
        kind = kind_of(code) if code.isdigit() else None
        if kind is not None and len(code) in LEVELS and name and re.match(r"[\u4e00-\u9fff]", name):
            yield kind, code, name


def read_report(path: Path) -> tuple[int | None, list[str], list[tuple[str, str]]]:
    """The report's fiscal year, its lines of text and its coded table rows (code, label), read by gongkai.extract
    as the loader reads it."""
    from gongkai.extract.document import read_document
    from gongkai.extract.parser import ParseError, parse_document

    document = read_document(path)
    lines = [line.text for line in document.lines]
    try:
        report = parse_document(document)
    except ParseError as error:
        print(f"{path}: tables not read ({error})", file=sys.stderr)
        from gongkai.extract.identity import read_identity

        return read_identity(document.lines).fiscal_year, lines, []
    rows = [(row.code, row.label) for table in report.tables for row in table.rows if row.code]
    return report.fiscal_year, lines, rows


def gather(folders: Iterable[Path]) -> dict[Key, set[int]]:
    found: dict[Key, set[int]] = defaultdict(set)
    for path in sorted(p for folder in folders for p in Path(folder).rglob("*") if p.suffix in REPORT_SUFFIXES):
        year, lines, table_rows = read_report(path)
        keys = set(codes_in_lines(lines)) | set(codes_in_rows(table_rows))
        for key in keys:
            found[key].update([year] if year is not None else [])  # a year-less file still vouches for the code
        print(f"{path}: {year}, {len(keys)} classified codes and names", file=sys.stderr)
    return found


def read_seed(path: Path = SEED) -> dict[Key, set[int]]:
    found: dict[Key, set[int]] = defaultdict(set)
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                years = {int(y) for y in row["years_seen"].split(";") if y.strip()}
                found[(row["kind"], row["code"].replace(" ", ""), row["name_as_printed"].strip())] |= years
    return found


def with_parents(found: dict[Key, set[int]]) -> dict[Key, set[int]]:
    """Only codes whose whole chain of parents is in the list too."""
    codes = {(kind, code) for kind, code, _ in found}

    def rooted(kind: str, code: str) -> bool:
        parent = parent_of(code)
        return parent is None or ((kind, parent) in codes and rooted(kind, parent))

    return {key: years for key, years in found.items() if rooted(key[0], key[1])}


def plausible(found: dict[Key, set[int]]) -> dict[Key, set[int]]:
    """Only names without digits or spaces: a label with an amount run into it is no name."""
    return {key: years for key, years in found.items() if not _NOT_A_NAME.search(key[2])}


def seed_rows(found: dict[Key, set[int]]) -> list[dict[str, str]]:
    rows = [
        {"kind": kind, "code": code, "level": LEVELS[len(code)], "name_as_printed": name,
         "years_seen": ";".join(str(y) for y in sorted(years))}
        for (kind, code, name), years in found.items()
    ]
    return sorted(rows, key=lambda r: (r["kind"] != "function", r["code"], r["name_as_printed"]))


def write_seed(rows: list[dict[str, str]], path: Path = SEED) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    found = read_seed()
    for key, years in gather(Path(a) for a in argv).items():
        found[key] |= years
    rows = seed_rows(with_parents(plausible(found)))
    write_seed(rows)
    kinds = defaultdict(int)
    for row in rows:
        kinds[row["kind"]] += 1
    print(f"wrote {len(rows)} rows to {SEED} ({dict(kinds)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
