"""Year-on-year changes a narrative states (比上年减少 …, 与上年持平), signed (减少/下降 negative), and the prior-year
figures they imply, emitted with ``basis='comparative'`` and ``fiscal_year - 1``."""

from __future__ import annotations

import re

from gongkai.extract.narrative_collector import FactCollector, StatedChange, number_group
from gongkai.extract.narrative_keys import CHANGEABLE, SUBJECTS
from gongkai.extract.pattern_cache import compiled
from gongkai.extract.records import ParseIssue

_THREE_PUBLIC_PARTS = ("three_public_overseas_travel", "three_public_reception", "three_public_vehicle_total")


def change_keys(key: str) -> tuple[str, str]:
    """The keys of a stated change of ``key``: (amount, percentage)."""
    stem = "appropriation_change" if key == "appropriation_expenditure" else f"{key}_change"
    return f"{stem}_amount", f"{stem}_pct"


_VERB = r"增加|减少|增长|下降|上升|降低"
CHANGE_PATTERN = compiled(
    rf"(?:(?:与|比|较)(?:上年|上一年|(?P<year>\d{{4}})年)度?(?:决算(?:数)?)?(?:同期)?(?:相比|比较)?|同比)[，,]?"
    rf"(?P<subj>[^，,。；;：:%]{{0,30}}?)"
    rf"(?:(?P<flat>(?:基本)?持平)|(?P<verb>{_VERB})了?{number_group('a')}(?P<au>万元|元|%)"
    rf"(?:[，,、]?(?P<verb2>{_VERB})?了?{number_group('b')}(?P<bu>万元|元|%))?)"
)
_FLAT_CLAUSE = compiled(r"(?P<subj>[^：:；;，,。]{2,30}?)(?:支出)?(?:决算)?(?:数)?(?:基本)?持平")


def read_change(c: FactCollector, m: re.Match[str]) -> None:
    if m.group("year") and c.year is not None and int(m.group("year")) != c.year - 1:
        return
    keys = _change_subject(c, m)
    if not keys:
        c.issues.append(ParseIssue("info", "narrative_unassigned", f"change '{m.group(0)}' has no subject",
                                   c.text.source(m.start())))
        return
    if m.group("flat"):
        for key in keys:
            c.changes.setdefault(key, StatedChange(None, None, True, m.start("flat"), "持平"))
        _continuation(c, m.end())
        return
    if not c.claim(m, "a", "b"):
        return
    amount, pct = _signed(m, "a", "verb", "au"), _signed(m, "b", "verb2", "bu", m.group("verb"))
    if m.group("au") == "%":
        amount, pct = pct, amount
    for key in keys:
        amount_key, pct_key = change_keys(key)
        for fact_key, part in ((amount_key, amount), (pct_key, pct)):
            if part is not None:
                value, unit, printed, offset = part
                c.add(fact_key, value, unit, printed, offset)
        if amount is not None or pct is not None:
            first = amount or pct
            c.changes.setdefault(key, StatedChange(amount[0] if amount else None, pct[0] if pct else None, False,
                                              first[3], first[2]))


def _signed(m: re.Match[str], group: str, verb_group: str, unit_group: str,
            fallback_verb: str | None = None) -> tuple[float, str, str, int] | None:
    printed = m.group(group)
    if printed is None:
        return None
    verb = m.group(verb_group) or fallback_verb or ""
    unit = m.group(unit_group)
    value = float(printed.replace(",", ""))
    value = value / 10000 if unit == "元" else value
    sign = -1 if verb in ("减少", "下降", "降低") else 1
    return sign * value, "%" if unit == "%" else "万元", f"{verb}{printed}{unit}", m.start(group)


def _change_subject(c: FactCollector, m: re.Match[str]) -> tuple[str, ...]:
    """What a stated change is about: the words between 相比 and the verb, else the figure read earlier in the
    sentence, else the words before 与/比, else the last figure of the section."""
    text = c.text.text
    keys = _subject_keys(m.group("subj"))
    if keys:
        return keys
    sentence = _sentence_start(text, m.start())
    key = c.last_amount(m.start(), sentence, CHANGEABLE)
    if key:
        return (key,)
    keys = _subject_keys(text[sentence: m.start()])
    if keys:
        return keys
    key = c.last_amount(m.start(), c.text.section_start(m.start()), CHANGEABLE)
    return (key,) if key else ()


def _sentence_start(text: str, offset: int) -> int:
    return max(text.rfind("。", 0, offset), text.rfind("；", 0, offset)) + 1


def _subject_keys(words: str) -> tuple[str, ...]:
    words = words.replace("、", "").replace("决算", "")
    for word, keys in SUBJECTS:
        if word in words:
            return keys
    return ()


def _continuation(c: FactCollector, offset: int) -> None:
    """'…与上年持平。其中：因公出国（境）费支出决算持平；公务接待费支出决算持平' — the parts that are also flat."""
    text = c.text.text
    rest = text[offset: offset + 4]
    if "其中" not in rest:
        return
    end = text.find("。", offset + 1)
    end = len(text) if end < 0 else end
    for m in _FLAT_CLAUSE.finditer(text, offset + 1, end):
        if "预算" in m.group("subj"):
            continue
        for key in _subject_keys(m.group("subj")):
            c.changes.setdefault(key, StatedChange(None, None, True, m.end() - 2, "持平"))

def add_comparatives(c: FactCollector) -> None:
    """Prior-year figures implied by stated changes (current − change; 持平 → current)."""
    prior = c.year - 1 if c.year is not None else None
    for key, change in c.changes.items():
        current = c.get(key)
        if current is None:
            continue
        if change.flat:
            value, formula = current.value, f"{current.value:.2f} (持平)"
        elif change.amount is not None:
            value, formula = current.value - change.amount, f"{current.value:.2f} - ({change.amount:.2f})"
        elif change.pct is not None and change.pct != -100:
            value, formula = current.value / (1 + change.pct / 100), f"{current.value:.2f} / (1 + {change.pct:.2f}%)"
        else:
            continue
        c.add(key, round(value, 2), current.unit, formula, change.offset, basis="comparative", fiscal_year=prior)
    _three_public_comparative(c, prior)


def _three_public_comparative(c: FactCollector, prior: int | None) -> None:
    """三公 total of last year as the sum of its parts' comparatives, when all three are known."""
    if c.index.get(("comparative:three_public_total", None)) or c.get("three_public_total") is None:
        return
    parts = [c.index.get((f"comparative:{key}", None)) for key in _THREE_PUBLIC_PARTS]
    if any(p is None for p in parts):
        return
    total = round(sum(p.value for p in parts), 2)
    formula = " + ".join(f"{p.value:.2f}" for p in parts)
    offset = max(c.offsets[(f"comparative:{key}", None)] for key in _THREE_PUBLIC_PARTS)
    c.add("three_public_total", total, "万元", formula, offset, basis="comparative", fiscal_year=prior)

