"""Regular expressions compiled once per machine instead of once per process (正则表达式编译缓存).

A text report's parse uses some 230 patterns, and Python's ``re`` turns each into the code of its C matcher in pure
Python — a class of Chinese characters such as ``[\\u4e00-\\u9fff]`` alone costs ≈ 1 ms, all of them ≈ 85 ms of a
≈ 250 ms ``gongkai parse`` process. That code (with the pattern's flags and group names: what ``re`` hands to
``_sre.compile``) depends only on the pattern, its flags and the Python version, so it is kept in a file in the
user's cache folder (``$GONGKAI_CACHE_DIR``, else ``$XDG_CACHE_HOME/gongkai``, else ``~/.cache/gongkai``) and the
next process builds each pattern from it directly. A pattern not in the file is compiled as ``re`` compiles it (the
first one in a process checked equal to ``re.compile``'s own pattern: these are ``re``'s internals) and the file is
rewritten at the process's exit. The file records the Python version and the matcher's MAGIC; any other file is
ignored. Nothing is kept where the folder cannot be written.
"""

from __future__ import annotations

import atexit
import marshal
import os
import re
import sys
from pathlib import Path

import _sre
from re import _compiler, _parser

#: A file grown past this many patterns (old versions of patterns) is rewritten with this process's patterns only.
MAX_PATTERNS = 2000
_STAMP = (sys.version, _sre.MAGIC, _sre.CODESIZE)

_entries: dict[tuple[str, int], tuple] | None = None
_used: set[tuple[str, int]] = set()
_new: dict[tuple[str, int], tuple] = {}
_checked: dict[str, bool] = {}  # "same_as_re": whether this process's first new pattern matched re.compile's


def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the kept code when this pattern was compiled by an earlier process."""
    key = (pattern, int(flags))
    entry = _kept().get(key) or _compile(*key)
    if entry is not None:
        try:
            built = _sre.compile(pattern, *entry)
        except (RuntimeError, TypeError, ValueError):  # a damaged file: the matcher refuses the code
            pass
        else:
            _used.add(key)
            return built
    return re.compile(pattern, flags)


def _compile(pattern: str, flags: int) -> tuple | None:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` after the pattern, kept for the file (None where
    this process's first such pattern differed from ``re.compile``'s: another ``re`` than this module knows)."""
    if not isinstance(pattern, str) or flags & re.DEBUG or _checked.get("same_as_re") is False:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
        code = [int(word) for word in _compiler._code(parsed, flags)]  # opcodes are int subclasses marshal refuses
        indexgroup = [None] * parsed.state.groups
        for name, index in parsed.state.groupdict.items():
            indexgroup[index] = name
        entry = (int(flags | parsed.state.flags), code, parsed.state.groups - 1, dict(parsed.state.groupdict),
                 tuple(indexgroup))
        if "same_as_re" not in _checked:
            _checked["same_as_re"] = _sre.compile(pattern, *entry) == re.compile(pattern, flags)
            if not _checked["same_as_re"]:
                return None
    except Exception:  # noqa: BLE001 - re's internals differ: re.compile is the answer (and raises re.error)
        return None
    if not _new:
        atexit.register(_write)
    _new[(pattern, flags)] = entry
    return entry


def cache_file() -> Path:
    """Where the kept code is: the cache folder's ``patterns.<Python cache tag>.marshal`` (OSError: no folder)."""
    folder = os.environ.get("GONGKAI_CACHE_DIR")
    if not folder:
        try:
            folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gongkai"
        except RuntimeError as unknown_home:
            raise OSError("no home folder for the pattern cache") from unknown_home
    return Path(folder) / f"patterns.{sys.implementation.cache_tag}.marshal"


def _kept() -> dict[tuple[str, int], tuple]:
    global _entries
    if _entries is None:
        _entries = _read()
    return _entries


def _read() -> dict[tuple[str, int], tuple]:
    try:
        stamp, entries = marshal.loads(cache_file().read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return entries if stamp == _STAMP and isinstance(entries, dict) else {}


def _write() -> None:
    """Merge this process's new patterns into the file (another process may have written it meanwhile)."""
    if not _new:
        return
    entries = _read()
    entries.update(_new)
    if len(entries) > MAX_PATTERNS:
        entries = {key: entry for key, entry in entries.items() if key in _used or key in _new}
    try:
        path = cache_file()
    except OSError:
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(marshal.dumps((_STAMP, entries)))
        os.replace(temporary, path)
    except OSError:
        _remove(temporary)
    _new.clear()


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
