{#- One row per recommendation cutoff, audience visitor (int_recommendation_audience) and
    item they had an event on in the active_days before the cutoff: what their list is
    built from. recent_weight is the strongest event type on the item in that window
    (event_type_weights: view 1, addtocart 5, transaction 10). -#}
with

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
    where recent_weight is not null
),

audience as (
    select * from {{ ref('int_recommendation_audience') }}
),

final as (
    select
        -- ids
        visitor_items.cutoff_name,
        visitor_items.visitor_id,
        visitor_items.item_id,
        -- measures
        visitor_items.recent_weight,
        visitor_items.n_recent_views,
        visitor_items.n_recent_events
    from visitor_items
    semi join audience
        on
            visitor_items.cutoff_name = audience.cutoff_name
            and visitor_items.visitor_id = audience.visitor_id
)

select * from final
