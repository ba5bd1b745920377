{#- One row per recommendation cutoff and item with an event at or before the cutoff: its
    popularity score, the sum of its events' popularity_weight (seed event_type_weights:
    1·views + 5·addtocarts + 10·transactions), bot-like visitors included, and its rank
    at the cutoff (score desc, then item_id). -#}
with

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

item_scores as (
    select
        cutoff_name,
        item_id,
        cast(sum(popularity_weight) as double) as score
    from visitor_items
    group by cutoff_name, item_id
),

final as (
    select
        -- ids
        cutoff_name,
        item_id,
        -- measures
        score,
        row_number() over (
            partition by cutoff_name
            order by score desc, item_id asc
        ) as popularity_rank
    from item_scores
)

select * from final
