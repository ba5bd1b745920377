"""Purchase propensity: fit on the train split, score train, validation and score rows."""

from rocketmart import propensity


def model(dbt, session):
    dbt.config(materialized="table", packages=["scikit-learn", "pandas", "numpy"])
    features = dbt.ref("int_visitor_features").df()
    return propensity.fit_and_score(
        features,
        id_column="visitor_id",
        feature_columns=propensity.VISITOR_FEATURES,
        label_column="has_purchase_in_label_window",
        baseline_column="has_addtocart_recent",
    )
