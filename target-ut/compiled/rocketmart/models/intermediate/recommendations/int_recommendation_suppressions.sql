

with

-- read twice below: scanned once per use rather than copied into a CTE result
visitor_items as not materialized (
    select * from "real"."intermediate"."int_recommendation_visitor_items"
),

item_state as (
    select * from "real"."intermediate"."int_recommendation_item_state"
    where is_available = false
),

already_bought as (
    select
        cutoff_name,
        'already_bought' as reason,
        visitor_id,
        item_id
    from visitor_items
    where is_bought
),

unavailable as (
    select
        cutoff_name,
        'unavailable' as reason,
        cast(null as bigint) as visitor_id,
        item_id
    from item_state
),

bot_like as (
    select
        cutoff_name,
        'bot_like' as reason,
        visitor_id,
        cast(null as bigint) as item_id
    from visitor_items
    group by cutoff_name, visitor_id
    having count(*) > 300
),

final as (
    select * from already_bought
    union all
    select * from unavailable
    union all
    select * from bot_like
)

select * from final