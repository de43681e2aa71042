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
from pathlib import Path

from gongkai.warehouse.fingerprints import FingerprintCache


class UnsafePathError(Exception):
    """A path under the raw folder that resolves outside it (symlink or ``..``): refused, never read."""


def report_id_for(sha256: str) -> str:
    return sha256[:16]


def safe_path(raw_dir: Path, rel_path: str) -> Path:
    """The file ``rel_path`` under ``raw_dir``; raises :class:`UnsafePathError` if it resolves outside it."""
    raw_root = Path(raw_dir).resolve()
    if Path(rel_path).is_absolute() or ".." in Path(rel_path).parts:
        raise UnsafePathError(f"refused: {rel_path!r} is not a plain path inside the raw folder")
    candidate = raw_root / rel_path
    resolved = candidate.resolve()
    if resolved != raw_root and raw_root not in resolved.parents:
        raise UnsafePathError(f"refused: {rel_path!r} resolves outside the raw folder (to {resolved})")
    return candidate


def list_raw_files(raw_dir: Path) -> list[str]:
    """Every regular file (or symlink) under ``raw_dir`` as a POSIX path relative to it, sorted; hidden files skipped.

    Symlinked directories are not descended into (their target may lie outside the raw folder).
    """
    raw_dir = Path(raw_dir)
    found: list[str] = []
    if not raw_dir.is_dir():
        return found
    for root, dirs, files in os.walk(raw_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith("."):
                continue
            found.append((Path(root) / name).relative_to(raw_dir).as_posix())
        for name in dirs:
            if (Path(root) / name).is_symlink():
                found.append((Path(root) / name).relative_to(raw_dir).as_posix())
    return sorted(found)


def file_fingerprint(raw_dir: Path, rel_path: str, cache: FingerprintCache | None = None) -> str:
    """sha256 of the file's bytes; '' for a path refused as unsafe or unreadable (it is recorded by the parse step).
    With a ``cache``, a file whose stat is unchanged since it was last hashed is not read again."""
    try:
        path = safe_path(raw_dir, rel_path)
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
