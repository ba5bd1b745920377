"""ALS hyper-parameters per cutoff, chosen on a validation window: see rocketmart.als."""

import pandas as pd

from rocketmart import als


def model(dbt, session):
    dbt.config(materialized="table")
    # the als_grid var, one comma-separated list per hyper-parameter (each config.get on
    # its own line: dbt finds them statically)
    factors = str(dbt.config.get("als_factors"))
    regularization = str(dbt.config.get("als_regularization"))
    iterations = str(dbt.config.get("als_iterations"))
    grid = {
        "factors": tuple(int(value) for value in factors.split(",")),
        "regularization": tuple(float(value) for value in regularization.split(",")),
        "iterations": tuple(int(value) for value in iterations.split(",")),
    }
    validation_days = int(dbt.config.get("test_days"))
    max_items = int(dbt.config.get("max_items_per_visitor"))
    candidate_items = int(dbt.config.get("als_candidate_items"))
    weights = als.weights_from_seed(dbt.ref("event_type_weights").df())
    # searched once, at the evaluation cutoff; every ALS cutoff uses the values chosen there.
    # Column names and plain filters only (the relation API both engines offer: DuckDB, and
    # spark_runner's SparkRelation); timestamps through a frame (naive UTC on both)
    als_cutoffs = dbt.ref("int_recommenders").filter("generator = 'als'").select("cutoff_name")
    cutoffs = (
        dbt.ref("int_recommendation_cutoffs")
        .filter("cutoff_name = 'evaluation'")
        .select("cutoff_name", "cutoff_at")
        .df()
    )
    cutoffs = cutoffs[cutoffs["cutoff_name"].isin({name for (name,) in als_cutoffs.fetchall()})]
    events = dbt.ref("int_events_enriched").select(
        "visitor_id", "item_id", "event_type", "event_at"
    )
    frames = []
    # on the cutoff's events only: the validation window is the last validation_days
    # before the cutoff, never after it
    for name, timestamp in zip(cutoffs["cutoff_name"], cutoffs["cutoff_at"], strict=True):
        cutoff_at = timestamp.isoformat(sep=" ")
        training = events.filter(f"event_at <= timestamp '{cutoff_at}'").df()
        table = als.search_table(
            training,
            cutoff_at,
            validation_days,
            grid=grid,
            k=10,
            weights=weights,
            max_items_per_visitor=max_items,
            max_candidate_items=candidate_items,
        )
        table.insert(0, "cutoff_name", name)
        frames.append(table.assign(validation_days=validation_days))
    if not frames:
        empty = {column: pd.Series([], dtype="float64") for column in als.SEARCH_COLUMNS}
        return pd.DataFrame({"cutoff_name": pd.Series([], dtype="object"), **empty})
    return pd.concat(frames, ignore_index=True)
