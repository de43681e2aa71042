"""The extraction library: a report file in, typed records out. Imports nothing from Dagster or dbt."""
