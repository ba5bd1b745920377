"""ALS candidates per cutoff (the chosen hyper-parameters): see rocketmart.als.candidates."""

import pandas as pd

from rocketmart import als


def model(dbt, session):
    dbt.config(materialized="table")
    chosen = dbt.ref("int_recommendation_als_settings").filter("is_chosen").df()
    # column names and plain filters only: the relation API of both engines (DuckDB, and
    # spark_runner's SparkRelation)
    recommenders = dbt.ref("int_recommenders")
    als_cutoffs = recommenders.filter("generator = 'als'").select("cutoff_name").fetchall()
    als_cutoffs = sorted({name for (name,) in als_cutoffs})
    cutoffs = dict(
        dbt.ref("int_recommendation_cutoffs").select("cutoff_name", "list_length").fetchall()
    )
    # the cutoff's ALS matrix: bots, long-tail items and one-item visitors already left out
    pairs = dbt.ref("int_recommendation_als_pairs").select(
        "cutoff_name", "visitor_id", "item_id", "popularity_weight"
    )
    audience = dbt.ref("int_recommendation_audience").select("cutoff_name", "visitor_id")
    frames = []
    # the values chosen at the training cutoff, for every cutoff that runs ALS (none
    # chosen: the training cutoff runs no ALS, so no ALS candidates anywhere)
    params = chosen[["factors", "regularization", "iterations"]].to_dict("records")
    for name in als_cutoffs if params else []:
        cutoff_pairs = (
            pairs.filter(f"cutoff_name = '{name}'")
            .select("visitor_id", "item_id", "popularity_weight")
            .df()
            .rename(columns={"popularity_weight": "weight"})
        )
        visitors = audience.filter(f"cutoff_name = '{name}'").select("visitor_id").df()
        lists = als.candidates(
            cutoff_pairs,
            visitors["visitor_id"].to_numpy(),
            n=int(cutoffs[name]),
            params={
                "factors": int(params[0]["factors"]),
                "regularization": float(params[0]["regularization"]),
                "iterations": int(params[0]["iterations"]),
            },
        )
        del cutoff_pairs, visitors
        frames.append(lists.assign(cutoff_name=name))
    columns = ["cutoff_name", *als.RECOMMEND_COLUMNS]
    if not frames:
        empty = {column: pd.Series([], dtype="int64") for column in columns}
        return pd.DataFrame({**empty, "cutoff_name": pd.Series([], dtype="object")})[columns]
    return pd.concat(frames, ignore_index=True)[columns]
