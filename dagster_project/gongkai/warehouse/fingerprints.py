"""sha256 of the raw files, remembered by their stat so that an unchanged file is not read again.

Every run, the sensor and the load step need the content hash of every file in the raw folder (files are addressed
by content). Reading and hashing a thousand reports costs seconds; a ``stat`` costs microseconds. Like git's index,
the cache trusts a file whose size, mtime, ctime and inode are what they were when it was hashed — ctime cannot be
set back by a user, so an edited file always looks changed. A file modified in the last seconds is hashed again
until it has settled (it may still be being written). The cache lives in the staging folder
(``staging/_fingerprints.json``), never in the raw folder; losing it only costs re-hashing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

CACHE_FILE = "_fingerprints.json"
#: A file whose mtime is this recent is not cached: it may still be being written (git's "racily clean" case).
SETTLE_SECONDS = 2.0


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in 1 MB chunks (a large file never sits in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class FingerprintCache:
    """path relative to the raw folder → sha256, valid while the file's stat is unchanged. ``folder`` None: no cache
    file (every call hashes)."""

    def __init__(self, folder: Path | None):
        self.file = Path(folder) / CACHE_FILE if folder is not None else None
        self.entries: dict[str, list] = self._read()
        self.dirty = False

    def _read(self) -> dict[str, list]:
        if self.file is None:
            return {}
        try:
            entries = json.loads(self.file.read_text())
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def sha256(self, rel_path: str, path: Path | str) -> str:
        """The file's sha256 (raises OSError if it cannot be read)."""
        before = os.stat(path)
        entry = self.entries.get(rel_path)
        if entry is not None and entry[:4] == _stat_key(before):
            return entry[4]
        sha = sha256_file(path)
        after = os.stat(path)
        settled = time.time() - after.st_mtime > SETTLE_SECONDS
        if self.file is not None and _stat_key(after) == _stat_key(before) and settled:
            self.entries[rel_path] = [*_stat_key(after), sha]
            self.dirty = True
        return sha

    def keep_only(self, rel_paths: set[str]) -> None:
        """Forget files the raw folder no longer holds."""
        gone = [p for p in self.entries if p not in rel_paths]
        for rel_path in gone:
            del self.entries[rel_path]
        self.dirty = self.dirty or bool(gone)

    def save(self) -> None:
        """Write the cache atomically (another process may write it too: the last writer wins, nothing breaks)."""
        if self.file is None or not self.dirty:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_name(f".{CACHE_FILE}.{os.getpid()}")
        tmp.write_text(json.dumps(self.entries, sort_keys=True, ensure_ascii=False))
        os.replace(tmp, self.file)
        self.dirty = False
