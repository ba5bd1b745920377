"""ALS candidates per cutoff (the chosen hyper-parameters): see rocketmart.als.candidates."""

import pandas as pd

from rocketmart import als


def model(dbt, session):
    dbt.config(materialized="table")
    max_items = int(dbt.config.get("max_items_per_visitor"))
    settings = dbt.ref("int_recommendation_als_settings").filter("is_chosen").df()
    cutoffs = dict(
        dbt.ref("int_recommendation_cutoffs").project("cutoff_name, list_length").fetchall()
    )
    pairs = dbt.ref("int_recommendation_visitor_items").project(
        "cutoff_name, visitor_id, item_id, popularity_weight as weight"
    )
    audience = dbt.ref("int_recommendation_audience").project("cutoff_name, visitor_id")
    frames = []
    for row in settings.sort_values("cutoff_name").itertuples(index=False):
        name = row.cutoff_name
        params = {
            "factors": int(row.factors),
            "regularization": float(row.regularization),
            "iterations": int(row.iterations),
        }
        lists = als.candidates(
            pairs.filter(f"cutoff_name = '{name}'").df(),
            audience.filter(f"cutoff_name = '{name}'").df()["visitor_id"].to_numpy(),
            n=int(cutoffs[name]),
            params=params,
            max_items_per_visitor=max_items,
        )
        frames.append(lists.assign(cutoff_name=name))
    columns = ["cutoff_name", *als.RECOMMEND_COLUMNS]
    if not frames:
        empty = {column: pd.Series([], dtype="int64") for column in columns}
        return pd.DataFrame({**empty, "cutoff_name": pd.Series([], dtype="object")})[columns]
    return pd.concat(frames, ignore_index=True)[columns]
