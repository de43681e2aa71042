"""Which self-evaluation form (项目绩效自评表) a project named in the narrative (自评综述) refers to.

Narratives name a project their own way: after its unit (西安市中心血站采供血人员经费 for the form 采供血人员经费 of 实施单位
西安市中心血站), with its unit in brackets (…（西安市第一医院）), without the form's 项目 or with 资金 for it, with other
dashes, or with a word of their own (保洁服务 for the form 保洁项目). A name is matched by these rules in turn; where
the name alone finds no form, the form of the same unit printing the same 全年预算数 and 全年执行数 is the one (then
only the stated 执行率 and score are left to compare).
"""

from __future__ import annotations

from gongkai.extract.lazy_pattern import lazy_pattern

from gongkai.extract.records import ProjectEvaluation
from gongkai.extract.text import squeeze

_UNIT_HINT = lazy_pattern(r"（([^（）]+)）$")  # 项目名（实施单位）
_DASHES = lazy_pattern(r"[-－—–]+")
_MIN_UNIT_PREFIX = 4  # characters of a unit's name a narrative may cut it to (西安市第一医 for 西安市第一医院)
_AMOUNT_TOLERANCE = 0.006


def match_project(name: str, projects: list[ProjectEvaluation], compact_names: list[str] | None = None,
                  amounts: tuple[float | None, float | None] | None = None) -> ProjectEvaluation | None:
    """The form a narrative project name refers to: exact name, or name + （unit hint） matched to 实施单位, or the
    unit before the name; else by the normalised name (dashes, a closing 项目 dropped); else, given the stated
    ``amounts`` (budget, actual), the one form of the unit the name starts with printing both. ``compact_names`` are
    the projects' names squeezed, when the caller has them at hand."""
    if compact_names is None:
        compact_names = [squeeze(p.name) for p in projects]
    compact = squeeze(name).replace("(", "（").replace(")", "）")
    exact = [p for p, p_name in zip(projects, compact_names) if p_name == compact]
    if len(exact) == 1:
        return exact[0]
    hint = _UNIT_HINT.search(compact)
    base = compact[: hint.start()] if hint else compact
    candidates = exact or [p for p, p_name in zip(projects, compact_names) if p_name == base]
    if not candidates:
        candidates = _unit_before_name(compact, projects, compact_names)
    if not candidates:
        candidates = _unit_before_name(_normal(compact), projects, [_normal(n) for n in compact_names])
    if not candidates and amounts is not None:
        candidates = _same_amounts(compact, projects, amounts)
    if len(candidates) <= 1 or not hint:
        return candidates[0] if len(candidates) == 1 else None
    scored = sorted(candidates, key=lambda p: -_overlap(hint.group(1), p.implementing_unit or ""))
    return scored[0] if _overlap(hint.group(1), scored[0].implementing_unit or "") > _overlap(
        hint.group(1), scored[1].implementing_unit or "") else None


def _normal(name: str) -> str:
    """A project name without dashes and without a closing 项目 (2022中央重大传染病——艾滋病 = 2022中央重大传染病-艾滋病)."""
    return _DASHES.sub("", name).removesuffix("项目")


def _unit_before_name(compact: str, projects: list[ProjectEvaluation],
                      compact_names: list[str]) -> list[ProjectEvaluation]:
    """Projects a name printed after its unit refers to (西安市中心血站采供血人员经费 → 采供血人员经费项目 of 实施单位
    西安市中心血站): the form's name, 项目 dropped, ends the stated name and the form's unit is in what precedes it
    (or what precedes it is the unit's name cut short: 西安市第一医医用光学仪器)."""
    stated = compact.removesuffix("项目")
    found = []
    for project, name in zip(projects, compact_names):
        core = name.removesuffix("项目")
        unit = squeeze(project.implementing_unit or "")
        if not core or not unit or not stated.endswith(core):
            continue
        before = stated[: len(stated) - len(core)]
        if unit in before or not before and core == stated or _cut_unit(before, unit):
            found.append(project)
    return found


def _cut_unit(before: str, unit: str) -> bool:
    return len(before) >= _MIN_UNIT_PREFIX and unit.startswith(before) and len(before) < len(unit)


def _same_amounts(compact: str, projects: list[ProjectEvaluation],
                  amounts: tuple[float | None, float | None]) -> list[ProjectEvaluation]:
    """The forms of the unit the stated name starts with whose 全年预算数 and 全年执行数 are the stated ones."""
    budget, actual = amounts
    if budget is None or actual is None:
        return []
    return [p for p in projects
            if p.implementing_unit and compact.startswith(squeeze(p.implementing_unit))
            and p.budget is not None and p.actual is not None
            and abs(p.budget - budget) <= _AMOUNT_TOLERANCE and abs(p.actual - actual) <= _AMOUNT_TOLERANCE]


def _overlap(a: str, b: str) -> int:
    """Length of the longest common substring."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best
