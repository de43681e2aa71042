"""Disclosure review (公开审核): the defects a reviewer would flag in a report, each with its page and line.

Reads the parsed report of :mod:`gongkai.extract` (its lines, tables, narrative facts and identity); imports nothing
from Dagster or dbt.
"""
