{#- One row per recommendation cutoff and item with an event at or before the cutoff: its
    popularity score, the sum of its events' popularity_weight (seed event_type_weights:
    1·views + 5·addtocarts + 10·transactions), bot-like visitors included. -#}
with

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

final as (
    select
        -- ids
        cutoff_name,
        item_id,
        -- measures
        cast(sum(popularity_weight) as double) as score
    from visitor_items
    group by cutoff_name, item_id
)

select * from final
