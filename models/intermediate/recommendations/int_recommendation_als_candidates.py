"""ALS candidates per cutoff (the chosen hyper-parameters): see rocketmart.als.candidates."""

import pandas as pd

from rocketmart import als


def model(dbt, session):
    dbt.config(materialized="table")
    max_items = int(dbt.config.get("max_items_per_visitor"))
    candidate_items = int(dbt.config.get("als_candidate_items"))
    chosen = dbt.ref("int_recommendation_als_settings").filter("is_chosen").df()
    # column names and plain filters only: the relation API of both engines (DuckDB, and
    # spark_runner's SparkRelation)
    recommenders = dbt.ref("int_recommenders")
    als_cutoffs = recommenders.filter("generator = 'als'").select("cutoff_name").fetchall()
    als_cutoffs = sorted({name for (name,) in als_cutoffs})
    cutoffs = dict(
        dbt.ref("int_recommendation_cutoffs").select("cutoff_name", "list_length").fetchall()
    )
    pairs = dbt.ref("int_recommendation_visitor_items").select(
        "cutoff_name", "visitor_id", "item_id", "popularity_weight"
    )
    audience = dbt.ref("int_recommendation_audience").select("cutoff_name", "visitor_id")
    frames = []
    # the values chosen at the evaluation cutoff, for every cutoff that runs ALS (none
    # chosen: no evaluation cutoff runs ALS, so no ALS candidates anywhere)
    params = chosen[["factors", "regularization", "iterations"]].to_dict("records")
    for name in als_cutoffs if params else []:
        lists = als.candidates(
            pairs.filter(f"cutoff_name = '{name}'")
            .df()
            .rename(columns={"popularity_weight": "weight"}),
            audience.filter(f"cutoff_name = '{name}'").df()["visitor_id"].to_numpy(),
            n=int(cutoffs[name]),
            params={
                "factors": int(params[0]["factors"]),
                "regularization": float(params[0]["regularization"]),
                "iterations": int(params[0]["iterations"]),
            },
            max_items_per_visitor=max_items,
            max_candidate_items=candidate_items,
        )
        frames.append(lists.assign(cutoff_name=name))
    columns = ["cutoff_name", *als.RECOMMEND_COLUMNS]
    if not frames:
        empty = {column: pd.Series([], dtype="int64") for column in columns}
        return pd.DataFrame({**empty, "cutoff_name": pd.Series([], dtype="object")})[columns]
    return pd.concat(frames, ignore_index=True)[columns]
