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
from pathlib import Path

from gongkai.warehouse.fingerprints import FingerprintCache
from gongkai.warehouse.limits import max_file_bytes


class UnsafePathError(Exception):
    """A path under the raw folder that resolves outside it (symlink or ``..``): refused, never read."""


def report_id_for(sha256: str) -> str:
    return sha256[:16]


def safe_path(raw_dir: Path, rel_path: str) -> Path:
    """The file ``rel_path`` under ``raw_dir``; raises :class:`UnsafePathError` if it resolves outside it. (On
    strings: every run resolves every file of the raw folder, pathlib's own resolve costs twice as much.)"""
    raw_root = os.path.realpath(raw_dir)
    if os.path.isabs(rel_path) or ".." in Path(rel_path).parts:
        raise UnsafePathError(f"refused: {rel_path!r} is not a plain path inside the raw folder")
    candidate = os.path.join(raw_root, rel_path)
    resolved = os.path.realpath(candidate)
    if resolved != raw_root and not resolved.startswith(os.path.join(raw_root, "")):
        raise UnsafePathError(f"refused: {rel_path!r} resolves outside the raw folder (to {resolved})")
    return Path(candidate)


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
    return any(part.startswith(".") and part not in (".", "..") for part in Path(rel_path).parts)


def list_raw_files(raw_dir: Path) -> list[str]:
    """Every entry under ``raw_dir`` the pipeline accounts for, as a POSIX path relative to it (see
    :func:`display_name`), sorted: files of every kind (special files are listed, and never opened), symlinks, and
    hidden files. A hidden folder, a folder whose name is not UTF-8 and a symlinked folder are listed as one entry
    and not descended into (a symlink's target may lie outside the raw folder)."""
    raw_dir = Path(raw_dir)
    found: list[str] = []
    if not raw_dir.is_dir():
        return found
    for root, dirs, files in os.walk(raw_dir, followlinks=False):
        descend = []
        for name in sorted(dirs):
            full = Path(root) / name
            if name.startswith(".") or full.is_symlink() or display_name(name) != name:
                found.append(display_name(full.relative_to(raw_dir).as_posix()))
            else:
                descend.append(name)
        dirs[:] = descend
        found += [display_name((Path(root) / name).relative_to(raw_dir).as_posix()) for name in files]
    return sorted(found)


def file_fingerprint(raw_dir: Path, rel_path: str, cache: FingerprintCache | None = None) -> str:
    """sha256 of the file's bytes; '' for a path that is not read (unsafe, hidden, not a regular file, too large,
    unreadable:
    the parse step records why). With a ``cache``, a file whose stat is unchanged since it was last hashed is not
    read again. A FIFO, socket or device is never opened (reading a FIFO would wait forever)."""
    if is_hidden(rel_path):
        return ""
    try:
        path = safe_path(raw_dir, rel_path)
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_file_bytes():
            return ""
        return (cache or FingerprintCache(None)).sha256(rel_path, path)
    except (UnsafePathError, OSError):
        return ""


def scan_raw(raw_dir: Path, staging: Path | None = None) -> dict[str, str]:
    """path → sha256 of what the raw folder holds now ('' for refused or unreadable paths). With ``staging``, the
    fingerprint cache there spares reading files whose stat has not changed."""
    cache = FingerprintCache(staging)
    current = {rel: file_fingerprint(raw_dir, rel, cache) for rel in list_raw_files(raw_dir)}
    cache.keep_only(set(current))
    cache.save()
    return current


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
