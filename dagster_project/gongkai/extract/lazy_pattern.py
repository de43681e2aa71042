"""Regular expressions compiled on first use.

The extraction library defines some 330 patterns at import; compiling them all cost more than parsing a small report,
and a final never uses the budget patterns, a text report never the PDF ones. A ``LazyPattern`` answers like the
compiled ``re.Pattern`` it stands for (``search``, ``finditer``, ``sub``, ``pattern`` …) and compiles it the first
time one of its methods is asked for (from the code an earlier process kept: :mod:`gongkai.extract.pattern_cache`).
"""

from __future__ import annotations

import re

from gongkai.extract.pattern_cache import compiled


class LazyPattern:
    """A regular expression compiled the first time it is used (its methods are then looked up once and kept)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(compiled(self.pattern, self._flags), name)
        self.__dict__[name] = value
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyPattern) and (self.pattern, self._flags) == (other.pattern, other._flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self._flags))

    def __reduce__(self) -> tuple[type[LazyPattern], tuple[str, int]]:
        return LazyPattern, (self.pattern, self._flags)

    def __repr__(self) -> str:
        return f"lazy_pattern({self.pattern!r})"


def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` deferred to the pattern's first use."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]  # answers as the re.Pattern it stands for
