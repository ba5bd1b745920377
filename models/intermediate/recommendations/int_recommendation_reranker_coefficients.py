"""The re-ranker's logistic regression, fitted at the training cutoff: see
rocketmart.reranker.training_coefficients."""

from rocketmart import reranker


def model(dbt, session):
    dbt.config(materialized="table")
    features = dbt.ref("int_recommendation_reranker_features").filter("cutoff_name = 'training'")
    return reranker.training_coefficients(features.df())
