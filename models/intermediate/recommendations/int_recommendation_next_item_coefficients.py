"""The next-item re-ranker's logistic regression, fitted at the training cutoff: see
rocketmart.reranker.next_item_coefficients."""

from rocketmart import reranker


def model(dbt, session):
    dbt.config(materialized="table")
    features = dbt.ref("int_recommendation_next_item_features").filter("cutoff_name = 'training'")
    return reranker.next_item_coefficients(features.df())
