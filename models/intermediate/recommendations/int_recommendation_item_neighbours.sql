{#- One row per recommendation cutoff, item-neighbour generator, item and linked item: the
    links the item-neighbour generators follow from a visitor's recent item (item_id) to a
    candidate (linked_item_id).
      item_similarity  int_item_similarity's neighbours: strength = cosine similarity,
                       n_evidence = common visitors;
      co_purchase      int_bought_together's pairs, both directions: strength = confidence
                       of item_id -> linked_item_id, n_evidence = baskets.
    Read by int_recommendation_candidates (the scores) and
    int_recommendation_reranked_candidates (the reasons). -#}
with

item_similarity as (
    select * from {{ ref('int_item_similarity') }}
),

bought_together as (
    select * from {{ ref('int_bought_together') }}
),

links as (
    select
        cutoff_name,
        'item_similarity' as generator,
        item_id,
        similar_item_id as linked_item_id,
        similarity as strength,
        n_common_visitors as n_evidence
    from item_similarity
    union all
    select
        cutoff_name,
        'co_purchase' as generator,
        item_a as item_id,
        item_b as linked_item_id,
        confidence_a_to_b as strength,
        n_baskets as n_evidence
    from bought_together
    union all
    select
        cutoff_name,
        'co_purchase' as generator,
        item_b as item_id,
        item_a as linked_item_id,
        confidence_b_to_a as strength,
        n_baskets as n_evidence
    from bought_together
),

final as (
    select
        -- ids
        cutoff_name,
        generator,
        item_id,
        linked_item_id,
        -- measures
        strength,
        n_evidence
    from links
)

select * from final
