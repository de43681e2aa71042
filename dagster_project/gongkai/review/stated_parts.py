"""Stated parts against their stated total (分项之和): 政府采购预算总额 A 万元，其中：货物 B、工程 C、服务 D — the parts
printed in the same sentence add up to the total, to the precision they are printed with.

Judged only where the total and all three kinds are stated in one sentence (up to its 。; the kinds may be parted by
；), each kind's amount printed right after
its word (货物类采购预算 25.4 万元); a sentence that leaves a kind out says nothing about the sum.
"""

from __future__ import annotations

import re

from gongkai.extract.text import to_wan
from gongkai.review.findings import WARNING, Finding
from gongkai.review.prose import NUMBER, Prose

_AMOUNT = rf"(?P<n>{NUMBER})\s?(?P<u>万元|元)"
_PROCUREMENT_TOTAL = re.compile(rf"政府采购(?:支出)?(?:预算)?(?:总额|总金额|金额|合计)?(?:为|共计|是)?{_AMOUNT}")
_KIND = {kind: re.compile(rf"{kind}[^，。；、：\d]{{0,10}}?(?:为|是)?{_AMOUNT}") for kind in ("货物", "工程", "服务")}


def review(prose: Prose) -> list[Finding]:
    findings = []
    for total in _PROCUREMENT_TOTAL.finditer(prose.text):
        end = min((i for i in (prose.text.find(ch, total.end()) for ch in "。\n") if i >= 0), default=len(prose.text))
        parts = [pattern.search(prose.text, total.end(), end) for pattern in _KIND.values()]
        if any(part is None for part in parts):
            continue
        stated = _wan(total)
        summed = sum(_wan(part) for part in parts)
        if abs(stated - summed) <= sum(_half_step(m) for m in (total, *parts)) + 1e-6:
            continue
        line = prose.line_at(total.start())
        findings.append(Finding(
            "parts_sum", WARNING, line.page, line.line, prose.quote(total.start(), parts[-1].end(), 0, 0),
            f"货物 {parts[0].group('n')} + 工程 {parts[1].group('n')} + 服务 {parts[2].group('n')} = "
            f"{summed:,.2f}万元，而总额为 {total.group('n')}{total.group('u')}"))
    return findings


def _wan(m: re.Match[str]) -> float:
    return to_wan(float(m.group("n").replace(",", "")), m.group("u"))


def _half_step(m: re.Match[str]) -> float:
    number = m.group("n")
    decimals = len(number.split(".")[1]) if "." in number else 0
    return to_wan(10.0 ** -decimals, m.group("u")) / 2
