"""Item-item cosine similarity per recommendation cutoff: see rocketmart.similarity."""

from rocketmart.similarity import top_k_cosine_per_cutoff


def model(dbt, session):
    dbt.config(materialized="table")
    cutoff_names = [row[0] for row in dbt.ref("int_recommendation_cutoffs").select("cutoff_name").fetchall()]
    interactions = dbt.ref("int_visitor_item_interactions")
    return top_k_cosine_per_cutoff(
        {name: interactions.filter(f"cutoff_name = '{name}'").fetchnumpy() for name in cutoff_names},
        k=int(dbt.config.get("similarity_top_k")),
    )
