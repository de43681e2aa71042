"""`gongkai run --watch`'s look at the raw folder (warehouse.raw_folder.RawFolderLook): by stat between looks, by
content whenever a stat moved — nothing missed, nothing hashed twice."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time

import pytest

from gongkai.pipeline.watch import FolderChanges
from gongkai.warehouse import fingerprints
from gongkai.warehouse.raw_folder import RawFolderLook, scan_raw
from tests.conftest import SEED, SHANGHAI_PDF


@pytest.fixture
def raw(tmp_path):
    """A raw folder holding the seed report and the Shanghai PDF, last written a minute ago (settled)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    minute_ago = time.time() - 60
    for source in (SEED, SHANGHAI_PDF):
        shutil.copy(source, folder / source.name)
        os.utime(folder / source.name, (minute_ago, minute_ago))
    return folder


@pytest.fixture
def hashed(monkeypatch):
    """The files whose bytes are read for their sha256, in order."""
    reads = []
    real = fingerprints.sha256_file

    def counting(path):
        reads.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(fingerprints, "sha256_file", counting)
    return reads


def test_a_folder_that_did_not_change_is_not_hashed_again(raw, tmp_path, hashed):
    look = RawFolderLook(raw, tmp_path / "staging")
    first = look()
    assert first == scan_raw(raw) and len(first[SEED.name]) == 64
    hashed.clear()
    for _ in range(3):
        assert look() == first
    assert hashed == []


def test_every_change_is_seen_by_content(raw, tmp_path, hashed):
    """A new file, a removed one, and an edit that keeps the size and puts the old times back (only the ctime shows
    it) are each seen on the next look, by content; a touched file with the same bytes gives the same answer."""
    look = RawFolderLook(raw, tmp_path / "staging")
    before = look()
    stat = os.stat(raw / SEED.name)
    data = (raw / SEED.name).read_bytes()
    (raw / SEED.name).write_bytes(data[:-1] + (b"x" if data[-1:] != b"x" else b"y"))
    os.utime(raw / SEED.name, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = look()
    assert edited[SEED.name] != before[SEED.name] and edited == scan_raw(raw)
    shutil.copy(SEED, raw / "copy.txt")
    (raw / SHANGHAI_PDF.name).unlink()
    assert look() == scan_raw(raw) and sorted(look()) == sorted(["copy.txt", SEED.name])
    hashed.clear()
    os.utime(raw / SEED.name)  # touched: written now, looked at by content while it may still be written
    assert look() == look() == scan_raw(raw)
    assert hashed.count(SEED.name) >= 2


def test_a_file_being_written_is_hashed_at_every_look(raw, tmp_path, hashed):
    """A file written in the last seconds may still grow: its stat is not trusted (the fingerprint cache's rule)."""
    look = RawFolderLook(raw, tmp_path / "staging")
    look()
    with open(raw / "growing.txt", "wb") as handle:
        handle.write(SEED.read_bytes()[:1000])
        handle.flush()
        assert len(look()["growing.txt"]) == 64
        hashed.clear()
        look()
        assert hashed == ["growing.txt"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's; elsewhere the wait is a sleep")
def test_a_change_in_the_raw_folder_ends_the_wait_between_looks(raw):
    """`--watch` waits between looks until the interval ends or the folder changes: a sub-folder made after the watch
    began, then a report copied into it, each end the wait at once; nothing changing, the wait is the whole interval;
    a folder that keeps changing ends it early at most once an interval."""
    interval = 1.5
    changes = FolderChanges(raw)
    try:
        started = time.monotonic()
        changes.wait(0.3)
        assert time.monotonic() - started >= 0.29
        for change in (lambda: (raw / "2024").mkdir(), lambda: shutil.copy(SEED, raw / "2024" / "copied.txt")):
            time.sleep(interval)  # an interval after the last early end
            threading.Timer(0.1, change).start()
            started = time.monotonic()
            changes.wait(interval)
            assert time.monotonic() - started < interval - 0.3
        os.utime(raw / SEED.name)  # at once again
        started = time.monotonic()
        changes.wait(interval)
        assert time.monotonic() - started >= interval - 0.5
    finally:
        changes.close()


def test_a_look_after_a_change_looks_again_only_at_what_moved(raw, tmp_path, monkeypatch):
    """A report linked into a folder of settled files: the look after it fingerprints that path only (the others'
    stats did not move), and answers as a whole scan does."""
    from gongkai.warehouse import raw_folder

    look = RawFolderLook(raw, tmp_path / "staging")
    look()
    looked = []
    real = raw_folder.file_fingerprint

    def counting(raw_dir, rel_path, *args, **kwargs):
        looked.append(rel_path)
        return real(raw_dir, rel_path, *args, **kwargs)

    monkeypatch.setattr(raw_folder, "file_fingerprint", counting)
    os.link(raw / SEED.name, raw / "linked.txt")
    os.utime(raw / SEED.name, (time.time() - 60, time.time() - 60))  # the link moved its ctime: settled again
    answer = look()
    assert sorted(looked) == sorted(["linked.txt", SEED.name])  # the two names of the file whose ctime moved
    assert answer == scan_raw(raw)
    looked.clear()
    (raw / SHANGHAI_PDF.name).unlink()
    answer = look()
    assert looked == [] and answer == scan_raw(raw) and sorted(answer) == sorted(["linked.txt", SEED.name])
