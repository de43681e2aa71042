"""Synthetic final-accounts reports (部门决算) with their truth, for round-trip tests and benchmarks.

No Dagster or dbt imports here: ``generate_corpus`` and the CLI ``main`` only need the standard library (and
reportlab for ``--pdf``).
"""

from gongkai.synth.generator import generate_corpus, truth_dir_for
from gongkai.synth.cli import main

__all__ = ["generate_corpus", "main", "truth_dir_for"]
