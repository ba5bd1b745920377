{#- One row per visitor with any clean event: activity span, counts and the bot-like flag
    (more than `max_items_per_visitor` distinct items). Bot-like visitors stay in every
    count; model training and campaign targeting filter them out with this flag. -#}
{% set max_items = var('max_items_per_visitor') %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

per_visitor as (
    select
        visitor_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        min(event_at) filter (where event_type = 'transaction') as first_purchase_at,
        max(event_at) filter (where event_type = 'transaction') as last_purchase_at,
        count(*) as n_events,
        count(*) filter (where event_type = 'view') as n_views,
        count(*) filter (where event_type = 'addtocart') as n_addtocarts,
        count(*) filter (where event_type = 'transaction') as n_transactions,
        count(distinct transaction_id) as n_orders,
        count(distinct item_id) as n_distinct_items,
        max(session_number) as n_sessions
    from events
    group by visitor_id
),

final as (
    select
        *,
        n_distinct_items > {{ max_items }} as is_bot_like
    from per_visitor
)

select * from final
