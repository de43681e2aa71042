"""A table's title as printed: the label printed around it (公开01表, 表5, 表一, 一、, (1表)) read apart from it, and
each way the title may be read with the label off."""

from __future__ import annotations

from gongkai.extract.lazy_pattern import lazy_pattern
from gongkai.extract.text import squeeze


_SUB_NUMBER = r"(?:\s*[-－—]\s*[0-9０-９]{1,2})?"  # 表1-1, 公开01-1表: a table's part of a numbered set
_TABLE_LABEL = lazy_pattern(rf"(公开\s*[0-9０-９]{{1,2}}{_SUB_NUMBER}\s*表|附?表\s*[0-9０-９]{{1,2}}{_SUB_NUMBER}(?![0-9０-９])|"
                            r"[（(]\s*[0-9]{1,2}\s*表\s*[）)])")
_YEAR_AFTER = lazy_pattern(r"[-－—_]?(?:19|20)[0-9]{2}年度?$")  # 收入支出决算总表-2023年度
_SET_PREFIX = "高等学校"
_CHINESE_LABEL = lazy_pattern(r"^(?:公开|附)?表[一二三四五六七八九十]{1,3}")
_NOTE = lazy_pattern(r"\([^()]{1,12}\)$")  # (按经济分类科目), (汇总), (本级), (空表), (人员经费和公用经费)
_CONTINUED = lazy_pattern(r"\(续表?[0-9]{0,2}\)|续表?$|^续(?=表)")
_ORDINAL = lazy_pattern(r"^(?:(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})[、.．)）]|\((?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\))")


def title_candidates(text: str) -> list[str]:
    """The title with each way a label can be printed around it removed: 公开01表, 附表5, 表一, 一、, （五）, 表5.,
    a label after the title in brackets (（公开01表）), a note after it (（按经济分类科目）, （汇总）, （无数据）), and the
    mark of a continued table ((续表), 续表2)."""
    compact = squeeze(text).replace("（", "(").replace("）", ")")
    compact = compact.replace("(收入)支出", "收入支出")
    if "续" in compact:  # a table's title repeated over its next page: 收入决算表(续表), 续表2 收入决算表
        compact = _CONTINUED.sub("", compact)
    if "表" in compact:  # every label has 表; a label printed after the title may leave its brackets: 总表(公开01表)
        compact = _TABLE_LABEL.sub("", compact).replace("()", "")
    compact = _YEAR_AFTER.sub("", compact.lstrip(":：.．"))
    candidates = [compact, _ORDINAL.sub("", compact, count=1)]
    if compact.endswith(")") and (noted := _NOTE.search(compact)):  # …决算表(按经济分类科目)
        candidates += [c[:noted.start() - len(compact)] for c in candidates]
    if compact.startswith(_SET_PREFIX):  # the university set: 高等学校收支决算总表, 高等学校收入决算表 …
        candidates.append(compact[len(_SET_PREFIX):])
    chinese = _CHINESE_LABEL.match(compact)
    if chinese:  # 表一一般公共预算…: the numeral may run into the title, try each split
        start = compact.index("表") + 1
        candidates += [compact[start + n:].lstrip(":：.．、") for n in range(1, chinese.end() - start + 1)]
    return candidates


_PRINTED_LABEL = lazy_pattern(rf"公开\s*[0-9０-９]{{1,2}}{_SUB_NUMBER}\s*表|公开表[一二三四五六七八九十]{{1,3}}|"
                              rf"^附?表\s*[0-9０-９]{{1,2}}{_SUB_NUMBER}|(?<=表)\s*表\s*[0-9０-９]{{1,2}}{_SUB_NUMBER}$|"
                              r"^附?表[一二三四五六七八九十]{1,3}(?=\s)|[（(]\s*[0-9]{1,2}\s*表\s*[）)]")


def table_label(text: str) -> str | None:
    found = _PRINTED_LABEL.search(text.strip())
    return squeeze(found.group(0)) if found else None
