"""ALS hyper-parameters, chosen on a validation window: see rocketmart.als.search_table."""

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
    # searched once, at the training cutoff (fit on its ALS matrix, scored on the items
    # visitors first touched in its outcome window, which ends at the evaluation cutoff:
    # never the test window); every ALS cutoff uses the values chosen there. Column names
    # and plain filters only (the relation API of DuckDB and spark_runner's SparkRelation)
    als_cutoffs = dbt.ref("int_recommenders").filter("generator = 'als'").select("cutoff_name")
    if ("training",) not in set(als_cutoffs.fetchall()):
        empty = {column: pd.Series([], dtype="float64") for column in als.SEARCH_COLUMNS}
        return pd.DataFrame(
            {
                "cutoff_name": pd.Series([], dtype="object"),
                **empty,
                "validation_days": pd.Series([], dtype="int64"),
            }
        )
    pairs = (
        dbt.ref("int_recommendation_als_pairs")
        .filter("cutoff_name = 'training'")
        .select("visitor_id", "item_id", "popularity_weight")
        .df()
        .rename(columns={"popularity_weight": "weight"})
    )
    targets = (
        dbt.ref("int_recommendation_new_item_targets")
        .filter("cutoff_name = 'training'")
        .select("visitor_id", "item_id")
    )
    table = als.search_table(pairs, targets.df(), grid=grid, k=10)
    table.insert(0, "cutoff_name", "training")
    return table.assign(validation_days=validation_days)
