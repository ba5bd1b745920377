{#- Per-visitor features read strictly from the events of `events_relation` that happened
    before `cutoff_expression` (a timestamp expression, e.g. a scalar subquery; an
    exclusive bound). Emits a select statement: one row per visitor with at least one
    event before the cutoff. "Recent" means the last `recent_days` days before the cutoff.
    max_event_at_used lets a test prove that no event at or after the cutoff was read. -#}
{% macro visitor_features(events_relation, cutoff_expression, recent_days) -%}
    select
        -- ids
        events.visitor_id,
        -- timestamps
        cutoff.cutoff_at,
        max(events.event_at) as max_event_at_used,
        -- recency and tenure, in days before the cutoff
        date_diff('second', max(events.event_at), cutoff.cutoff_at) / 86400.0 as recency_days,
        date_diff('second', min(events.event_at), cutoff.cutoff_at) / 86400.0 as tenure_days,
        -- frequency over the whole history before the cutoff
        count(*) as n_events,
        count(*) filter (where events.event_type = 'view') as n_views,
        count(*) filter (where events.event_type = 'addtocart') as n_addtocarts,
        count(*) filter (where events.event_type = 'transaction') as n_transactions,
        count(distinct events.transaction_id) as n_orders,
        count(distinct events.item_id) as n_distinct_items,
        count(distinct events.category_id) as n_distinct_categories,
        count(distinct events.session_id) as n_sessions,
        count(distinct events.event_date) as n_active_days,
        count(*) filter (where events.event_type = 'addtocart')
        / greatest(count(*) filter (where events.event_type = 'view'), 1) as carts_per_view,
        -- recent activity
        count(*) filter (
            where events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ) as n_events_recent,
        count(*) filter (
            where
                events.event_type = 'addtocart'
                and events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ) as n_addtocarts_recent,
        coalesce(bool_or(
            events.event_type = 'addtocart'
            and events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ), false) as has_addtocart_recent
    from {{ events_relation }} as events
    inner join (select {{ cutoff_expression }} as cutoff_at) as cutoff
        on events.event_at < cutoff.cutoff_at
    group by events.visitor_id, cutoff.cutoff_at
{%- endmacro %}
