"""Item sales forecast: per cutoff family (production, readout), fit on its train split and
score its train, validation and score rows."""

from rocketmart import propensity


def model(dbt, session):
    dbt.config(materialized="table", packages=["scikit-learn", "pandas", "numpy", "scipy"])
    spec = propensity.ITEM_SALES
    # no reference kept to the Arrow table: only the pandas copy stays alive in the fit
    features = (
        dbt.ref("int_item_features")
        .select("cutoff_name", *spec.columns)
        .to_arrow_table()
        .to_pandas()
    )
    return propensity.fit_and_score_by_cutoff(features, spec)
