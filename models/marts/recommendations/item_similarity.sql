{#- One row per (item, neighbour): the top `similarity_top_k` most similar items of every
    item by cosine over who interacted with what up to as-of: the production cutoff of
    int_item_similarity. -#}
with

item_similarity as (
    select * from {{ ref('int_item_similarity') }}
    where cutoff_name = 'production'
),

final as (
    select
        -- ids
        item_id,
        similar_item_id,
        -- measures
        similarity,
        n_common_visitors,
        rank
    from item_similarity
)

select * from final
