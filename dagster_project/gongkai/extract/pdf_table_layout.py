"""The pieces the PDF table reader shares: a column and a row band of a table's grid, what a row's words are
(amounts, the 栏次 row of column numbers, a year heading), and a cell's amount read in its printed unit and converted to
万元 (a blank is NULL)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.extract.pdf_document import LineBox
from gongkai.extract.records import Cell, CELL_AMBIGUOUS, CELL_BLANK, CELL_VALUE, Line, Source
from gongkai.extract.text import is_amount, parse_amount, squeeze, to_wan


_UNIT = re.compile(r"单位[:：]\s*(万元|千元|元)")
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分|情况说明$|^名词解释")
_PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_NOTE = re.compile(r"^\s*(注|说明)[:：]")


@dataclass(slots=True)
class _Column:
    x0: float
    x1: float
    own: list[tuple[float, str]] = field(default_factory=list)  # (y, text) header words inside this column only
    group: list[tuple[float, str]] = field(default_factory=list)  # header words spanning several columns
    role: str = "value"  # 'code' | 'label' | 'value'
    key: str | None = None
    item: str | None = None  # three_public: the item of this column

    @property
    def own_text(self) -> str:
        return "".join(t for _, t in sorted(self.own, key=lambda word: word[0]))  # stable: left to right


@dataclass(slots=True)
class _Band:
    top: float
    bottom: float
    lines: list[tuple[Line, LineBox]] = field(default_factory=list)


def _merge(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _is_numeric(text: str) -> bool:
    return bool(text) and (is_amount(text) or text in ("-", "—", "－"))


def _is_column_numbers(band: _Band) -> bool:
    """The 栏次 row under a header that numbers the columns (栏次 1 2 3 …, or only 1 2 3 … 12): header, not data."""
    if squeeze(band.lines[0][0].text).startswith("栏次"):
        return True
    words = [w.text for line, _ in band.lines for w in line.words]
    numbers = [w for w in words if w.strip("*")]  # '**' over the code and name columns (Hunan, Zhejiang)
    starred = len(numbers) < len(words)
    return (len(numbers) >= 3 or starred and bool(numbers)) and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def _band_has_data(band: _Band) -> bool:
    if _is_column_numbers(band):
        return False
    return any(_has_amount(line) for line, _ in band.lines)


def _has_amount(line: Line) -> bool:
    return any(is_amount(w.text) and not _is_year_heading(w.text, following)
               for w, following in zip(line.words, [*line.words[1:], None]))


def _is_year_heading(text: str, following) -> bool:
    """'2026' of a heading '2026 年预算数' printed as two words: a year, not an amount."""
    return bool(re.fullmatch(r"(?:19|20)\d{2}", text)) and following is not None and following.text.startswith("年")


def _column_at(columns: list[_Column], x: float) -> int:
    return next(k for k, c in enumerate(columns) if c.x0 <= x < c.x1)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass(slots=True)
class _RowState:
    carry: dict[int, str] = field(default_factory=dict)  # panel → last carry-over item (年初/年末 sub-rows)
    above: dict[int, str] = field(default_factory=dict)  # code column → the last code read through it (类 / 款 rows)
    indent: dict[int, float] = field(default_factory=dict)  # id(row) → how far its name is indented
    year: dict[int, int] = field(default_factory=dict)  # id(row) → the year its 三公 row is labelled with
    merged_words: set[int] = field(default_factory=set)  # id(word) of a group name in a label cell merged over rows
    group: dict[int, tuple[int, float, str]] = field(default_factory=dict)  # id(row) → (page, cell top, group name)


def _cell(key: str, found: list[tuple[str, Line]] | None, unit: str, source: Source) -> Cell:
    if not found:
        return Cell(key, None, None, CELL_BLANK, source)
    texts = _rejoin_wrapped_amount([t for t, _ in found if t not in ("-", "—", "－")])
    if not texts:
        return Cell(key, None, found[0][0], CELL_BLANK, source)
    if len(texts) > 1:
        return Cell(key, None, " ".join(texts), CELL_AMBIGUOUS, source, tuple(texts))
    return Cell(key, to_wan(parse_amount(texts[0]), unit), texts[0], CELL_VALUE, source)


def _rejoin_wrapped_amount(texts: list[str]) -> list[str]:
    """An amount wrapped in a narrow cell ('24995.9' over '4', 福州 p11): its last digits on the next line."""
    if len(texts) == 2 and re.fullmatch(r"\d{1,2}", texts[1]) and re.fullmatch(r"[\d,]+\.\d?", texts[0]) \
            and len(texts[0].split(".")[1] + texts[1]) == 2:
        return [texts[0] + texts[1]]
    return texts
