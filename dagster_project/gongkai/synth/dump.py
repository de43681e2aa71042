"""The text dump a synthetic report is written into, and how its numbers are printed.

The dump mimics a PDF text layer as the seed report shows it: a blank line between lines, a page break marked by a
line starting with exactly one space, narrative sentences wrapped at a fixed width (numbers are never split).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WRAP = 30


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


def plain(cents: int) -> str:
    """An amount as performance tables print it: no thousands separator, trailing zeros dropped (50.8, 68)."""
    text = f"{cents // 100}.{cents % 100:02d}".rstrip("0").rstrip(".")
    return text


def num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def percent(hundredths: int) -> str:
    sign = "-" if hundredths < 0 else ""
    h = abs(hundredths)
    return f"{sign}{h // 100}.{h % 100:02d}"


def value(cents: int | None) -> float | None:
    return None if cents is None else round(cents / 100, 2)


# --- page and line assembly ---------------------------------------------------------------------------------------


@dataclass
class Page:
    lines: list[str] = field(default_factory=list)


class Dump:
    def __init__(self) -> None:
        self.pages: list[Page] = []

    def page(self) -> Page:
        self.pages.append(Page())
        return self.pages[-1]

    def add(self, *lines: str) -> None:
        if not self.pages:
            self.page()
        self.pages[-1].lines.extend(lines)

    def para(self, text: str, indent: str = "") -> None:
        self.add(*wrap(text, indent))

    def text(self) -> str:
        out: list[str] = []
        for page in self.pages:
            if not page.lines:
                continue
            first, *rest = page.lines
            out.append(" " + first.lstrip())
            out.extend(rest)
        return "\n\n".join(out) + "\n"


def _tokens(text: str) -> list[str]:
    """Split into wrap units: runs of ASCII digits/punctuation stay whole, as a PDF line never splits a number."""
    units: list[str] = []
    run = ""
    for ch in text:
        if ch.isascii() and ch not in " ":
            run += ch
            continue
        if run:
            units.append(run)
            run = ""
        units.append(ch)
    if run:
        units.append(run)
    return units


def wrap(text: str, indent: str = "") -> list[str]:
    lines: list[str] = []
    current = indent
    width = 0
    for unit in _tokens(text):
        w = len(unit) * (0.5 if unit.isascii() else 1)
        if width + w > WRAP and current.strip():
            lines.append(current.rstrip())
            current, width = "", 0
        current += unit
        width += w
    if current.strip():
        lines.append(current.rstrip())
    return lines
