"""rocketmart: Retail Rocket clickstream -> dbt/DuckDB warehouse -> campaign lists."""

__version__ = "0.1.0"
