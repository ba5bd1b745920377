"""The item sales forecast at the campaign readout's cutoff: the readout family's scores
(int_item_sales_scores) thresholded on its own validation split."""

from rocketmart import propensity


def model(dbt, session):
    dbt.config(materialized="table", packages=["scikit-learn", "pandas", "numpy"])
    scores = (
        dbt.ref("int_item_sales_scores")
        .filter("cutoff_name = 'readout'")
        .to_arrow_table()
        .to_pandas()
    )
    forecast = propensity.predict_at_validation_threshold(scores, propensity.ITEM_SALES)
    return forecast.rename(
        columns={"probability": "sale_probability", "predicted": "predicted_to_sell"}
    )
