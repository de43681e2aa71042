"""Which reports the warehouse holds: the department × year × kind grid an analyst reads in the Dagster UI.

A cell is *loaded* (the version the marts use), *superseded* (another current version of the same
department-year-kind, kept in raw.* and dim_report_version), *failed* (a file of that department-year-kind that
could not be read) or *missing* (no report of that kind for a year between the department's first and last report
of that kind). Files that could not be read far enough to name their department or year are listed apart.
"""


from collections import defaultdict
from dataclasses import dataclass, field

KINDS = (("final", "决算"), ("budget", "预算"))

_VERSIONS_SQL = """
SELECT department, year, kind, is_preferred, path FROM marts.dim_report_version
"""
_FAILED_SQL = """
SELECT department, fiscal_year, kind, path FROM raw.report_files WHERE is_current AND status = 'failed'
"""


@dataclass
class Cell:
    loaded: int = 0
    superseded: int = 0
    failed: int = 0

    def text(self) -> str:
        if not (self.loaded or self.superseded or self.failed):
            return "missing"
        parts = ["loaded"] if self.loaded else []
        if self.superseded:
            parts.append(f"{self.superseded} superseded")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return ", ".join(parts)


@dataclass
class Coverage:
    #: (department, year, kind) → cell; missing cells are filled in by :meth:`with_missing`
    cells: dict[tuple[str, int, str], Cell] = field(default_factory=dict)
    unidentified: list[str] = field(default_factory=list)  # files with no department or year

    def with_missing(self) -> "Coverage":
        """Add a 'missing' cell for each year between a department's first and last report of a kind."""
        span: dict[tuple[str, str], list[int]] = defaultdict(list)
        for department, year, kind in self.cells:
            span[(department, kind)].append(year)
        for (department, kind), years in span.items():
            for year in range(min(years), max(years) + 1):
                self.cells.setdefault((department, year, kind), Cell())
        return self

    def counts(self) -> dict[str, int]:
        cells = self.cells.values()
        return {
            "loaded": sum(c.loaded for c in cells),
            "superseded": sum(c.superseded for c in cells),
            "failed": sum(c.failed for c in cells),
            "without_department_or_year": len(self.unidentified),
            "missing": sum(c.text() == "missing" for c in cells),
        }

    def markdown(self) -> str:
        """One row per department, one column per year; each cell names 决算 / 预算 and their state."""
        if not self.cells and not self.unidentified:
            return "no reports"
        years = sorted({year for _, year, _ in self.cells})
        departments = sorted({department for department, _, _ in self.cells})
        lines = ["| department | " + " | ".join(str(y) for y in years) + " |", "|---" * (len(years) + 1) + "|"]
        for department in departments:
            row = []
            for year in years:
                found = [f"{zh} {self.cells[(department, year, kind)].text()}" for kind, zh in KINDS
                         if (department, year, kind) in self.cells]
                row.append("<br>".join(found) or "–")
            lines.append(f"| {department} | " + " | ".join(row) + " |")
        if self.unidentified:
            lines += ["", f"Files whose department or year could not be read "
                          f"({len(self.unidentified)}): " + ", ".join(sorted(self.unidentified))]
        return "\n".join(lines)


def read_coverage(con) -> Coverage:
    """The grid of a published warehouse (marts.dim_report_version and raw.report_files)."""
    coverage = Coverage()
    for department, year, kind, preferred, path in con.execute(_VERSIONS_SQL).fetchall():
        if department is None or year is None:
            coverage.unidentified.append(path)
            continue
        cell = coverage.cells.setdefault((department, int(year), kind), Cell())
        if preferred:
            cell.loaded += 1
        else:
            cell.superseded += 1
    for department, year, kind, path in con.execute(_FAILED_SQL).fetchall():
        if department is None or year is None or kind is None:
            coverage.unidentified.append(path)
        else:
            coverage.cells.setdefault((department, int(year), kind), Cell()).failed += 1
    return coverage.with_missing()
