"""Validation metrics of both prediction models and their rule baselines."""

import pandas as pd

from rocketmart import propensity


def model(dbt, session):
    dbt.config(materialized="table", packages=["scikit-learn", "pandas", "numpy"])
    visitor_scores = dbt.ref("int_visitor_propensity_scores").df()
    item_scores = dbt.ref("int_item_sales_scores").df()
    return pd.concat(
        [
            propensity.evaluate(visitor_scores, "visitor_purchase_propensity", "visitor_id"),
            propensity.evaluate(item_scores, "item_sales_forecast", "item_id"),
        ],
        ignore_index=True,
    )
