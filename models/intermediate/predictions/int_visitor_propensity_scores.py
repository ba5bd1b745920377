"""Purchase propensity: fit on the train split, score train, validation and score rows."""

from rocketmart import propensity


def model(dbt, session):
    dbt.config(materialized="table", packages=["scikit-learn", "pandas", "numpy", "scipy"])
    spec = propensity.VISITOR_PROPENSITY
    # no reference kept to the Arrow table: only the pandas copy stays alive in the fit
    features = dbt.ref("int_visitor_features").select(*spec.columns).to_arrow_table().to_pandas()
    return propensity.fit_and_score(features, spec)
