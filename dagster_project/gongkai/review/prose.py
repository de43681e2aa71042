"""The report's running text (正文) joined into one string, each character traceable to its page and line.

A line belongs to the running text when it carries sentence punctuation (，。；：) — table rows and headings do not —
or when it sits inside a sentence wrapped over lines (the lines before and after are text and the sentence has not
ended), or opens a numbered item (3．…) whose sentence the next line continues. Lines are compacted (whitespace dropped, full-width digits and brackets unified) and joined with nothing
between them, except a space between a number ending one line and a number starting the next, so a sentence
wrapped over lines or rebuilt from PDF text runs reads as printed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from gongkai.extract.narrative_text import compact_line
from gongkai.extract.records import Line

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
LineText = Callable[[int, int], str]  # (page, line) → the line's text, for quoting a finding
_SENTENCE_PUNCTUATION = re.compile("[，。；：]")
BREAK = "\n"
_NUMBERED_ITEM = re.compile(r"^\d{1,2}[.．、]\D")
_SENTENCE_END = "。；！？\n"
PARAGRAPH_INDENT = 36.0  # points: a first-line indent of two characters, with some slack
COLUMN_GAP = 12.0  # points; the runs of a printed sentence touch, table cells stand apart
WIDE_GAP = 30.0
_TABLE_LIKE = re.compile(rf"(?:{NUMBER})(?:\s+(?:{NUMBER})){{2,}}")
# The character before a subject's words where they open the subject: a clause start, the year (2026年收入预算),
# the department (…司法局收入预算, 本单位收入预算), 其中/包括/包含 or 安排; 事业收入 or 项目支出中的 make it another
# subject.
OPENERS = frozenset("年度门位中括的计为排含") | frozenset("局委院办厅处室会心站所校部署府队馆社")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


@dataclass(slots=True)
class Prose:
    """Joined running text; ``starts[i]`` is where ``lines[i]`` begins in ``text``."""

    text: str
    starts: list[int]
    lines: list[Line]

    def line_at(self, offset: int) -> Line:
        return self.lines[max(0, bisect_right(self.starts, offset) - 1)]

    def quote(self, start: int, end: int, context: int = 12, after: int | None = None) -> str:
        """The matched text with a little context (``after`` it: as much, unless given), cut at sentence ends."""
        left = max(0, start - context)
        cut = max(self.text.rfind(ch, left, start) for ch in _SENTENCE_END)
        left = cut + 1 if cut >= 0 else left
        right = min(len(self.text), end + (context if after is None else after))
        stops = [i for i in (self.text.find(ch, end, right) for ch in _SENTENCE_END) if i >= 0]
        right = min(stops) + 1 if stops else right
        return self.text[left:right].strip()

    def sentence_bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``offset`` (ends at 。；！？)."""
        start = max(self.text.rfind(ch, 0, offset) for ch in _SENTENCE_END) + 1
        stops = [i for i in (self.text.find(ch, offset) for ch in _SENTENCE_END) if i >= 0]
        return start, (min(stops) + 1 if stops else len(self.text))


def is_text_line(text: str) -> bool:
    return bool(_SENTENCE_PUNCTUATION.search(text)) and not _TABLE_LIKE.search(text)


def has_columns(line: Line) -> bool:
    """A PDF line whose text runs stand apart: cells of a table row. Justified text spaces a number out from its
    words by up to a few characters, so a gap next to a number must be wider to part two cells."""
    words = line.words
    for a, b in zip(words, words[1:]):
        gap = b.x0 - a.x1
        beside_number = a.text[-1:].isdigit() or b.text[:1].isdigit() or b.text[:1] in "%％"
        if gap > (WIDE_GAP if beside_number else COLUMN_GAP):
            return True
    return False


def _text_start(line: Line) -> float | None:
    """Where a PDF line begins."""
    return line.words[0].x0 if line.words else None


def _same_column(previous: Line | None, line: Line) -> bool:
    """Two consecutive PDF lines of one paragraph begin at (about) the same left edge, give or take an indent; lines
    of side-by-side table cells do not."""
    if previous is None or previous.page != line.page:
        return True
    a, b = _text_start(previous), _text_start(line)
    return a is None or b is None or abs(a - b) <= PARAGRAPH_INDENT


def running_text(lines: list[Line]) -> Prose:
    """The running text of ``lines`` (see the module docstring)."""
    compact = [compact_line(line.text) for line in lines]
    keep = [is_text_line(line.text) and not has_columns(line) for line in lines]
    for i in range(len(lines) - 1):
        if keep[i] or not keep[i + 1] or len(compact[i]) < 2 or _TABLE_LIKE.search(lines[i].text) \
                or has_columns(lines[i]) or not _same_column(lines[i], lines[i + 1]) or lines[i].page != lines[i + 1].page:
            continue
        inside_sentence = i > 0 and keep[i - 1] and compact[i - 1][-1:] not in _SENTENCE_END
        opens_item = _NUMBERED_ITEM.match(compact[i]) is not None  # 3．公诉…支出（项） 1,895 | 万元，与上年相比 …
        keep[i] = inside_sentence or opens_item
    parts: list[str] = []
    starts: list[int] = []
    kept: list[Line] = []
    offset = 0
    previous = ""
    skipped_on_page: int | None = None
    last: Line | None = None
    for line, piece, wanted in zip(lines, compact, keep):
        if not wanted:
            previous, skipped_on_page = "", line.page
            continue
        if parts and (skipped_on_page == line.page or not _same_column(last, line)):
            piece = BREAK + piece  # a table, a heading or another column stood between: the texts do not run on
        skipped_on_page, last = None, line
        if previous[-1:].isdigit() and piece[:1].isdigit():
            piece = " " + piece
        starts.append(offset + (1 if piece[:1] in (" ", BREAK) else 0))
        kept.append(line)
        parts.append(piece)
        offset += len(piece)
        previous = piece
    return Prose("".join(parts), starts, kept)


def section_heading(lines: list[Line], at: int | None, reach: int = 12) -> str:
    """The heading (一、… / （一）…) of the section holding line ``at``, within ``reach`` lines above it."""
    if at is None:
        return ""
    for line in reversed(lines[max(0, at - reach): at + 1]):
        text = compact_line(line.text)
        if _HEADING.match(text):
            return text
    return ""
