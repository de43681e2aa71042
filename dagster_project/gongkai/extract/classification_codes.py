"""Classification codes (科目编码) printed before a row's name: 类/款/项 of a function code (3/5/7 digits) or of an
economic code (3/5 digits), printed compact, spaced or bracketed."""

from __future__ import annotations

from gongkai.extract.lazy_pattern import lazy_pattern


_SPACED_CODE = lazy_pattern(r"^(\d{3})(?:\s+(\d{2}))?(?:\s+(\d{2}))?(?=\s|$)")
_COMPACT_CODE = lazy_pattern(r"^\[?(\d{3}(?:\d{2}){0,2})\]?(?=\s|[^\d.,]|$)")  # '[201]一般公共服务支出' (Guangzhou)


def code_level(code: str) -> int | None:
    """1, 2 or 3 for 类/款/项 (function codes: 3/5/7 digits; economic codes: 3/5 digits)."""
    return {3: 1, 5: 2, 7: 3}.get(len(code))


def parent_code(code: str) -> str | None:
    return code[:-2] if len(code) in (5, 7) else None


def economic_category(code: str) -> str:
    """'personnel' (人员经费: 301 工资福利支出, 303 对个人和家庭的补助) or 'public' (公用经费: the other classes)."""
    return "personnel" if code[:3] in ("301", "303") else "public"


def leading_code(text: str) -> tuple[str, str] | None:
    """Split '2010301 行政运行', '201 03 01 行政运行' or '[2010301]行政运行' into (code, rest)."""
    spaced = _SPACED_CODE.match(text)
    if spaced and spaced.group(2):
        return "".join(g for g in spaced.groups() if g), text[spaced.end():].strip()
    compact = _COMPACT_CODE.match(text)
    if compact and len(compact.group(1)) in (3, 5, 7):
        return compact.group(1), text[compact.end():].strip()
    return None
