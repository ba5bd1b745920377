with

visitor_items as (
    select * from "real"."intermediate"."int_recommendation_visitor_items"
    where recent_weight is not null
),

audience as (
    select * from "real"."intermediate"."int_recommendation_audience"
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