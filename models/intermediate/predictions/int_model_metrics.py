"""Validation metrics of both prediction models and their rule baselines."""

import pandas as pd

from rocketmart import propensity

# metrics need the labelled splits only, of the production cutoffs (the readout family's
# threshold is int_campaign_readout_item_forecast's)
LABELLED = "split != 'score'"
PRODUCTION_LABELLED = "cutoff_name = 'production' and split != 'score'"


def model(dbt, session):
    dbt.config(materialized="table", packages=["scikit-learn", "pandas", "numpy"])
    visitor_scores = dbt.ref("int_visitor_propensity_scores").filter(LABELLED).to_arrow_table()
    item_scores = dbt.ref("int_item_sales_scores").filter(PRODUCTION_LABELLED).to_arrow_table()
    return pd.concat(
        [
            propensity.evaluate(visitor_scores.to_pandas(), propensity.VISITOR_PROPENSITY),
            propensity.evaluate(item_scores.to_pandas(), propensity.ITEM_SALES),
        ],
        ignore_index=True,
    )
