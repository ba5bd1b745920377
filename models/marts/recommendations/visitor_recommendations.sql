{#- One row per (recently active non-bot visitor, rank): the top `top_n` items of the
    re-ranker (recommender reranked) at the production cutoff (int_recommendation_lists). -#}
with

lists as (
    select * from {{ ref('int_recommendation_lists') }}
    where cutoff_name = 'production' and recommender = 'reranked'
),

final as (
    select
        -- ids
        visitor_id,
        rank,
        item_id,
        -- measures
        score,
        strategy,
        reason
    from lists
)

select * from final
