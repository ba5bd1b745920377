{#- One row per session. Sessions are assigned in int_events_enriched (SPEC §4: ordered by
    event_at, event type, item_id; a new session after a gap of more than
    `session_gap_minutes`); this mart only aggregates them. -#}
with

-- read several times below: `not materialized` scans the table once per use instead of
-- first copying all ~2.7 M rows into a temporary CTE result (measurably cheaper)
events as {{ cte_not_materialized() }} (
    select * from {{ ref('int_events_enriched') }}
),

per_session as (
    select
        visitor_id,
        session_number,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        count(*) as n_events,
        {{ event_type_counts() }}
    from events
    group by visitor_id, session_number
),

-- distinct items from pre-deduplicated rows: much cheaper than count(distinct) per
-- session over millions of events
distinct_session_items as (
    select distinct
        visitor_id,
        session_number,
        item_id
    from events
),

session_items as (
    select
        visitor_id,
        session_number,
        count(*) as n_distinct_items
    from distinct_session_items
    group by visitor_id, session_number
),

sessions_with_items as (
    select
        per_session.*,
        session_items.n_distinct_items
    from per_session
    inner join session_items
        on
            per_session.visitor_id = session_items.visitor_id
            and per_session.session_number = session_items.session_number
),

final as (
    select
        -- ids
        concat(visitor_id, '-', session_number) as session_id,
        visitor_id,
        session_number,
        -- timestamps
        started_at,
        ended_at,
        {{ epoch_seconds('ended_at') }} - {{ epoch_seconds('started_at') }} as duration_seconds,
        -- measures
        n_events,
        n_views,
        n_addtocarts,
        n_transactions,
        n_distinct_items,
        -- flags
        n_events = 1 as is_bounce,
        n_addtocarts > 0 as has_addtocart,
        n_transactions > 0 as has_transaction
    from sessions_with_items
)

select * from final
