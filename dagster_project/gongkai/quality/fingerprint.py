"""A suite's fingerprint: what decides its outcome on rows it has validated before — the suites and their runner
(every module of this package) and the reference codes. Change any of them and the recorded outcomes
(gongkai.quality.incremental, unchanged_tables, no_candidates) no longer apply."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from gongkai.quality.helper_columns import SEED_CODES


@functools.cache
def _code_digest() -> bytes:
    digest = hashlib.sha256()
    for path in (*sorted(Path(__file__).parent.glob("*.py")), SEED_CODES):
        digest.update(path.read_bytes())
    return digest.digest()


def suite_fingerprint(name: str) -> str:
    """A hash of the suite's name, this package's code and the reference codes."""
    return hashlib.sha256(name.encode() + _code_digest()).hexdigest()[:16]
