{#- One row per (recently active non-bot visitor, rank): the top `top_n` items of the
    hybrid recommender at the production cutoff (int_recommendation_lists). -#}
with

lists as (
    select * from {{ ref('int_recommendation_lists') }}
    where cutoff_name = 'production' and recommender = 'hybrid'
),

final as (
    select
        -- ids
        visitor_id,
        rank,
        item_id,
        -- measures
        score,
        strategy
    from lists
)

select * from final
