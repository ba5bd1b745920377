"""Every physical data line of the raw events file(s), exactly as SPEC §3 defines a raw
row (see rocketmart.rawfiles). The raw directory comes from the `raw_dir` config
(ROCKETMART_RAW_DIR), used literally; no path becomes SQL text."""

from rocketmart import rawfiles


def model(dbt, session):
    dbt.config(materialized="table")
    return rawfiles.read_lines(dbt.config.get("raw_dir"), "events")
