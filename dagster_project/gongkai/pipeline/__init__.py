"""Dagster definitions of the gongkai pipeline, split by concern (see docs/pipeline.md)."""
