"""Shared fixtures. The bundled real reports in raw/ are the test corpus; ../shared/corpus adds more where present."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SEED = RAW / "000_c669139aa1fe8f20.txt"
SHANGHAI_PDF = RAW / "2024_shpt-czj_final.pdf"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def seed_report():
    from gongkai.extract.parser import parse_file

    return parse_file(SEED)


@pytest.fixture(scope="session")
def shanghai_report():
    from gongkai.extract.parser import parse_file

    return parse_file(SHANGHAI_PDF)
