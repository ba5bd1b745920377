"""Item-item cosine similarity per recommendation cutoff: see rocketmart.similarity."""

from rocketmart.similarity import top_k_cosine_per_cutoff


def model(dbt, session):
    dbt.config(materialized="table")
    # cutoffs without a recommender (the campaign readout) need no similarity
    cutoffs = (
        dbt.ref("int_recommendation_cutoffs")
        .filter("cardinality(recommenders) > 0")
        .select("cutoff_name")
        .fetchall()
    )
    interactions = dbt.ref("int_visitor_item_interactions")
    # one pure call per cutoff, each on the interactions at or before that cutoff only;
    # a generator, so one cutoff's id arrays are in memory at a time
    return top_k_cosine_per_cutoff(
        (
            (
                name,
                interactions.filter(f"cutoff_name = '{name}'")
                .select("visitor_id", "item_id")
                .fetchnumpy(),
            )
            for (name,) in cutoffs
        ),
        k=int(dbt.config.get("similarity_top_k")),
    )
