

with

visitor_items as (
    select * from "real"."intermediate"."int_recommendation_visitor_items"
),

bot_like_visitors as (
    select * from "real"."intermediate"."int_recommendation_suppressions"
    where reason = 'bot_like'
),

final as (
    select
        visitor_items.cutoff_name,
        visitor_items.visitor_id,
        visitor_items.item_id
    from visitor_items
    anti join bot_like_visitors
        on
            visitor_items.cutoff_name = bot_like_visitors.cutoff_name
            and visitor_items.visitor_id = bot_like_visitors.visitor_id
)

select * from final