"""Item similarity fitted on training interactions only (same function as item_similarity)."""

from rocketmart.similarity import top_k_cosine


def model(dbt, session):
    dbt.config(materialized="table")
    interactions = dbt.ref("int_recommendation_training_interactions").fetchnumpy()
    return top_k_cosine(
        interactions["visitor_id"],
        interactions["item_id"],
        k=int(dbt.config.get("similarity_top_k")),
    )
