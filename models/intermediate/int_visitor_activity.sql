{#- One row per visitor with any clean event: activity span, counts and the bot-like flag
    (more than `max_items_per_visitor` distinct items). Bot-like visitors stay in every
    count; model training and campaign targeting filter them out with this flag. -#}
{% set max_items = var('max_items_per_visitor') %}

with

-- read several times below: `not materialized` scans the table once per use instead of
-- first copying all ~2.7 M rows into a temporary CTE result (measurably cheaper)
events as {{ cte_not_materialized() }} (
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
        max(session_number) as n_sessions
    from events
    group by visitor_id
),

-- distinct counts from pre-deduplicated pairs: much faster than count(distinct) on
-- millions of events
distinct_items as (
    select
        visitor_id,
        count(*) as n_distinct_items
    from (select distinct
        visitor_id,
        item_id
    from events) as visitor_items
    group by visitor_id
),

orders as (
    select
        visitor_id,
        count(distinct transaction_id) as n_orders
    from events
    where transaction_id is not null
    group by visitor_id
),

final as (
    select
        per_visitor.visitor_id,
        per_visitor.first_seen_at,
        per_visitor.last_seen_at,
        per_visitor.first_purchase_at,
        per_visitor.last_purchase_at,
        per_visitor.n_events,
        per_visitor.n_views,
        per_visitor.n_addtocarts,
        per_visitor.n_transactions,
        coalesce(orders.n_orders, 0) as n_orders,
        distinct_items.n_distinct_items,
        per_visitor.n_sessions,
        distinct_items.n_distinct_items > {{ max_items }} as is_bot_like
    from per_visitor
    inner join distinct_items
        on per_visitor.visitor_id = distinct_items.visitor_id
    left join orders
        on per_visitor.visitor_id = orders.visitor_id
)

select * from final
