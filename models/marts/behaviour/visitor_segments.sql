{#- One row per visitor with any clean event: the behaviour segment (buyer: any
    transaction; cart_abandoner: an addtocart but no transaction; browser: views only),
    the activity span and counts, and the bot-like flag. Bot-like visitors stay here and
    in every count; model training and campaign targeting filter on is_bot_like. -#}
with

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

final as (
    select
        -- ids
        visitor_id,
        -- segment
        case
            when n_transactions > 0 then 'buyer'
            when n_addtocarts > 0 then 'cart_abandoner'
            else 'browser'
        end as segment,
        -- timestamps
        first_seen_at,
        last_seen_at,
        first_purchase_at,
        last_purchase_at,
        -- measures
        n_events,
        n_views,
        n_addtocarts,
        n_transactions,
        n_orders,
        n_distinct_items,
        cast(n_sessions as bigint) as n_sessions,
        -- flags
        is_bot_like
    from visitor_activity
)

select * from final
