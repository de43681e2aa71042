"""Where the narrative part of a final account is: from its heading (第X部分 … 决算情况说明) to the first standard
table title or the 名词解释 section, plus a 绩效 part printed after them."""

from __future__ import annotations

from gongkai.extract.families import match_family
from gongkai.extract.narrative_text import CN_ORDINAL, HEADING_FIRST, SUB_HEADING, TOP_HEADING
from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import Line
from gongkai.extract.text import squeeze

_PART_START = compiled(r"^第[一二三四五六七八九十\d]+部分.*决算情况|^[一二三四五六七八九十]+、收入支出决算总体情况"
                         r"|^[一二三四五六七八九十]+、决算报表说明$")  # the university set's 三、决算报表说明
_GLOSSARY = compiled(r"^(?:第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+、)?名词解释")
_PART_OTHER = compiled(r"^第[一二三四五六七八九十\d]+部分.*(?:决算表|附件|附表|名词)")
_EVALUATION_TABLE = compiled(r"^[^《“]*(?:绩效自评表|绩效评价表)$")
_PERFORMANCE_PART = compiled(rf"^(?:第[一二三四五六七八九十\d]+部分|{CN_ORDINAL}、).{{0,12}}绩效")
_TOC_ENTRY = compiled(r"(?:\.{3,}|…{2,}|·{3,})\s*\d*$")


def narrative_lines(lines: list[Line]) -> list[Line]:
    """The lines of the narrative part: from its heading to the first table title or 名词解释 (longest such run,
    so a table of contents is skipped), plus a 绩效 part printed after it."""
    starts = [i for i, line in enumerate(lines) if "算" in line.text and is_narrative_heading(line.text)]  # (cheap test first)
    best: tuple[int, int] = (0, 0)
    best_lines: list[Line] = []
    for start in starts or [0]:
        if best[0] < start < best[1]:
            continue
        region, end = _region(lines, start)
        if len(region) > len(best_lines):
            best, best_lines = (start, end), region
    return best_lines + _performance_part(lines, best[1])


def _region(lines: list[Line], start: int) -> tuple[list[Line], int]:
    """The lines from ``start`` to the first stop, and where it is. Past a self-evaluation table printed inside the
    narrative (a 汇总 report's 项目支出绩效自评表 under （三）项目绩效自评结果) the prose goes on at the next heading
    (（四）专项资金绩效自评结果。, 十四、其他需要说明的情况) and runs to the next stop."""
    region: list[Line] = []
    index = start
    while True:
        end = _region_end(lines, index + 1 if index == start else index)
        region.extend(lines[index:end])
        if end >= len(lines) or not _EVALUATION_TABLE.match(squeeze(lines[end].text)):
            return region, end
        resume = _next_heading(lines, end + 1)
        if resume is None:
            return region, end
        index = resume


def _next_heading(lines: list[Line], start: int) -> int | None:
    """The next 一、 / （一） heading before any table title or part, else None."""
    for index in range(start, len(lines)):
        text = lines[index].text
        if text[:1] in HEADING_FIRST and (TOP_HEADING.match(text) or SUB_HEADING.match(text)):
            return index
        if _is_stop(text) and not _EVALUATION_TABLE.match(squeeze(text)):
            return None
    return None


def is_narrative_heading(text: str) -> bool:
    """The narrative heading. Like the tests below, it first looks for a character the heading cannot lack (决算),
    so most lines are never squeezed."""
    if "算" not in text:
        return False
    text = squeeze(text)
    return (("部分" in text or "、收入支出" in text or text.endswith("决算报表说明")) and bool(_PART_START.match(text))
            and not _TOC_ENTRY.search(text))


def _is_stop(text: str) -> bool:
    """名词解释, a later part (决算表/附件), a self-evaluation table title or a standard table title."""
    if "释" not in text and "部" not in text and "表" not in text:  # 名词解释, 第X部分, …表
        return False
    text = squeeze(text)
    if "名词解释" in text[:16] and _GLOSSARY.match(text):
        return True
    if "部分" in text[:8] and _PART_OTHER.match(text):
        return True
    if not text.endswith("表"):
        return False
    return bool(_EVALUATION_TABLE.match(text)) or (len(text) <= 40 and match_family(text) is not None)


def _region_end(lines: list[Line], start: int) -> int:
    for index in range(start, len(lines)):
        if _is_stop(lines[index].text):
            return index
    return len(lines)


def _performance_part(lines: list[Line], after: int) -> list[Line]:
    """A 预算绩效 part printed after the glossary or the tables (some reports put it last)."""
    for index in range(after + 1, len(lines)):
        if "效" not in lines[index].text:  # 绩效
            continue
        text = squeeze(lines[index].text)
        if "绩效" in text[:20] and _PERFORMANCE_PART.match(text) and not text.endswith("表") \
                and not _TOC_ENTRY.search(text):
            return lines[index: _region_end(lines, index + 1)]
    return []
