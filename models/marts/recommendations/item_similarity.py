"""Item-item cosine similarity (top similarity_top_k neighbours): see rocketmart.similarity."""

from rocketmart.similarity import top_k_cosine


def model(dbt, session):
    dbt.config(materialized="table")
    interactions = dbt.ref("int_visitor_item_interactions").df()
    return top_k_cosine(
        interactions["visitor_id"].to_numpy(),
        interactions["item_id"].to_numpy(),
        k=int(dbt.config.get("similarity_top_k")),
    )
