"""Item sales forecast: fit on the train split, score train, validation and score rows."""

from rocketmart import propensity


def model(dbt, session):
    dbt.config(materialized="table", packages=["scikit-learn", "pandas", "numpy"])
    features = dbt.ref("int_item_features").df()
    return propensity.fit_and_score(
        features,
        id_column="item_id",
        feature_columns=propensity.ITEM_FEATURES,
        label_column="has_sale_in_label_window",
        baseline_column="has_sale_recent",
    )
