"""The raw folder: which files it holds, which paths are safe to read, what each file's content is, and the
Dagster partition key of each file.

The pipeline only ever reads the raw folder: it never changes, moves or deletes a file in it. A path that resolves
outside it (symlink, ``..``) is refused without being read. Files are addressed by content: ``report_id`` is the
first 16 hex digits of the file's sha256.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from pathlib import Path

from gongkai.warehouse.fingerprints import SETTLE_SECONDS, FingerprintCache
from gongkai.warehouse.limits import max_file_bytes


class UnsafePathError(Exception):
    """A path under the raw folder that resolves outside it (symlink or ``..``): refused, never read."""


def report_id_for(sha256: str) -> str:
    return sha256[:16]


def safe_path(raw_dir: Path, rel_path: str, *, raw_root: str | None = None) -> Path:
    """The file ``rel_path`` under ``raw_dir``; raises :class:`UnsafePathError` if it resolves outside it.
    ``raw_root``: ``raw_dir`` already resolved (one look at many files resolves it once)."""
    return Path(_safe_path(raw_dir, rel_path, raw_root))


def _safe_path(raw_dir: Path, rel_path: str, raw_root: str | None) -> str:
    """:func:`safe_path` as a string. (On strings: every run resolves every file of the raw folder, pathlib's own
    resolve costs twice as much; an entry of the folder itself that is no symlink is where it is named, without
    resolving each folder above it again.)"""
    raw_root = raw_root or os.path.realpath(raw_dir)
    if os.path.isabs(rel_path) or ".." in rel_path.replace(os.altsep or os.sep, os.sep).split(os.sep):
        raise UnsafePathError(f"refused: {rel_path!r} is not a plain path inside the raw folder")
    candidate = os.path.join(raw_root, rel_path)
    if os.path.dirname(rel_path) or os.path.islink(candidate):
        resolved = os.path.realpath(candidate)
    else:
        resolved = candidate
    if resolved != raw_root and not resolved.startswith(os.path.join(raw_root, "")):
        raise UnsafePathError(f"refused: {rel_path!r} resolves outside the raw folder (to {resolved})")
    return candidate


def display_name(rel_path: str) -> str:
    """A path as the pipeline records it: itself, or — for a name that is not valid UTF-8 (GBK bytes from a Windows
    zip, which Python hands over as surrogate escapes) — its bytes with every invalid byte written ``\\xNN``."""
    try:
        rel_path.encode("utf-8")
        return rel_path
    except UnicodeEncodeError:
        return os.fsencode(rel_path).decode("utf-8", "backslashreplace")


_ESCAPED_BYTE = re.compile(rb"\\x([0-9a-f]{2})")


def undecodable_name(raw_dir: Path, rel_path: str) -> bytes | None:
    """The real bytes of a path listed by :func:`display_name` in escaped form, if such a file exists."""
    if "\\x" not in rel_path:
        return None
    name = _ESCAPED_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), rel_path.encode("utf-8"))
    return name if os.path.lexists(os.fsencode(Path(raw_dir)) + b"/" + name) else None


def is_hidden(rel_path: str) -> bool:
    """A hidden file or folder (a path component starting with '.': .DS_Store, .~lock files, .git)."""
    return any(part.startswith(".") and part not in (".", "..")
               for part in rel_path.replace(os.altsep or os.sep, os.sep).split(os.sep))


def list_raw_files(raw_dir: Path) -> list[str]:
    """Every entry under ``raw_dir`` the pipeline accounts for, as a POSIX path relative to it (see
    :func:`display_name`), sorted: files of every kind (special files are listed, and never opened), symlinks, and
    hidden files. A hidden folder, a folder whose name is not UTF-8 and a symlinked folder are listed as one entry
    and not descended into (a symlink's target may lie outside the raw folder). (On strings: every run and every look
    of ``--watch`` lists the whole folder, pathlib's joins cost five times as much.)"""
    top = str(Path(raw_dir))
    found: list[str] = []
    if not os.path.isdir(top):
        return found
    for root, dirs, files in os.walk(top, followlinks=False):
        prefix = Path(root[len(top):].lstrip(os.sep)).as_posix() + "/" if root != top else ""
        descend = []
        for name in sorted(dirs):
            if name.startswith(".") or os.path.islink(os.path.join(root, name)) or display_name(name) != name:
                found.append(display_name(prefix + name))
            else:
                descend.append(name)
        dirs[:] = descend
        found += [display_name(prefix + name) for name in files]
    return sorted(found)


def file_fingerprint(raw_dir: Path, rel_path: str, cache: FingerprintCache | None = None, *,
                     raw_root: str | None = None) -> str:
    """sha256 of the file's bytes; '' for a path that is not read (unsafe, hidden, not a regular file, too large,
    unreadable:
    the parse step records why). With a ``cache``, a file whose stat is unchanged since it was last hashed is not
    read again. A FIFO, socket or device is never opened (reading a FIFO would wait forever)."""
    if is_hidden(rel_path):
        return ""
    try:
        path = _safe_path(raw_dir, rel_path, raw_root)
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_file_bytes():
            return ""
        return (cache or FingerprintCache(None)).sha256(rel_path, path)
    except (UnsafePathError, OSError):
        return ""


def scan_raw(raw_dir: Path, staging: Path | None = None) -> dict[str, str]:
    """path → sha256 of what the raw folder holds now ('' for refused or unreadable paths). With ``staging``, the
    fingerprint cache there spares reading files whose stat has not changed."""
    cache = FingerprintCache(staging)
    root = os.path.realpath(raw_dir)
    current = {rel: file_fingerprint(raw_dir, rel, cache, raw_root=root) for rel in list_raw_files(raw_dir)}
    cache.keep_only(set(current))
    cache.save()
    return current


def raw_stats(raw_dir: Path) -> dict[str, tuple[int, ...] | None]:
    """path → the stat of what it names (size, times, inode, mode; a symlink's target's), for every entry
    :func:`list_raw_files` lists; None for one that cannot be looked at. Costs a stat a file, no read."""
    top = str(Path(raw_dir))

    def look(rel: str) -> tuple[int, ...] | None:
        try:
            info = os.stat(os.path.join(top, rel))
        except (OSError, ValueError):
            return None
        return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode

    return {rel: look(rel) for rel in list_raw_files(raw_dir)}


class RawFolderLook:
    """:func:`scan_raw` for a process that looks at the raw folder again and again (``gongkai run --watch``): while
    no file's stat has changed since the last look, the answer is the last one, without hashing (or even opening the
    fingerprint cache); otherwise only the paths whose stat moved are looked at again. A stat trusted this way is the fingerprint cache's rule (fingerprints.py): a file written in
    the last SETTLE_SECONDS is looked at by content every time. The stats are taken before the content, so a file
    that changes while it is hashed differs at the next look."""

    def __init__(self, raw_dir: Path, staging: Path | None = None):
        self.raw_dir, self.staging = raw_dir, staging
        self._stats: dict[str, tuple[int, ...] | None] | None = None
        self._content: dict[str, str] = {}

    def __call__(self) -> dict[str, str]:
        stats = raw_stats(self.raw_dir)
        if self._stats is None:
            self._content = scan_raw(self.raw_dir, self.staging)
        elif stats != self._stats or _written_lately(stats):
            self._content = self._looked_again(stats)
        self._stats = stats
        return dict(self._content)

    def _looked_again(self, stats: dict[str, tuple[int, ...] | None]) -> dict[str, str]:
        """:func:`scan_raw`'s answer, fingerprinting only the paths whose stat moved since the last look, could not
        be taken, or was written lately (at 1,000 files: ≈ 5 ms of CPU for a new report, against 35 ms)."""
        limit = (time.time() - SETTLE_SECONDS) * 1e9
        cache = FingerprintCache(self.staging)
        root = os.path.realpath(self.raw_dir)
        current = {}
        for rel, info in stats.items():
            if info is not None and info == self._stats.get(rel) and info[1] <= limit and rel in self._content:
                current[rel] = self._content[rel]
            else:
                current[rel] = file_fingerprint(self.raw_dir, rel, cache, raw_root=root)
        cache.keep_only(set(current))
        cache.save()
        return current


def _written_lately(stats: dict[str, tuple[int, ...] | None]) -> bool:
    limit = (time.time() - SETTLE_SECONDS) * 1e9
    return any(info is not None and info[1] > limit for info in stats.values())


# Dagster partition keys may not contain these; a key that had to be changed gets a short hash of the path.
_BAD_KEY = re.compile(r"\.\.\.|[\a\b\f\n\r\t\v\0]")


def partition_key_for(rel_path: str) -> str:
    """The Dagster partition key of a raw file: its path relative to raw/, sanitized (and then made unique)."""
    key = _BAD_KEY.sub("_", rel_path)
    if key != rel_path:
        key = f"{key}~{hashlib.sha1(rel_path.encode()).hexdigest()[:8]}"
    return key


def path_for_partition_key(raw_dir: Path, key: str) -> str:
    """Inverse of :func:`partition_key_for` over the files the raw folder holds (the key itself if none matches)."""
    if key == partition_key_for(key) and (os.path.lexists(Path(raw_dir) / key) or "~" not in key):
        return key
    for rel in list_raw_files(raw_dir):
        if partition_key_for(rel) == key:
            return rel
    return key
