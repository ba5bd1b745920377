{#- Per-item features read strictly from the events of `events_relation` that happened
    before `cutoff_expression` (a timestamp expression, e.g. a scalar subquery; an
    exclusive bound). Emits a select statement: one row per item with at least one event
    before the cutoff. "Recent" means the last `recent_days` days before the cutoff; a
    sale is a transaction event. max_event_at_used lets a test prove that no event at or
    after the cutoff was read. -#}
{% macro item_features(events_relation, cutoff_expression, recent_days) -%}
    select
        -- ids
        events.item_id,
        -- timestamps
        cutoff.cutoff_at,
        max(events.event_at) as max_event_at_used,
        -- recency and age, in days before the cutoff
        date_diff('second', max(events.event_at), cutoff.cutoff_at) / 86400.0 as recency_days,
        date_diff('second', min(events.event_at), cutoff.cutoff_at) / 86400.0 as age_days,
        -- demand over the whole history before the cutoff
        count(*) filter (where events.event_type = 'view') as n_views,
        count(*) filter (where events.event_type = 'addtocart') as n_addtocarts,
        count(*) filter (where events.event_type = 'transaction') as n_sales,
        count(distinct events.visitor_id) as n_visitors,
        count(distinct events.visitor_id) filter (
            where events.event_type = 'transaction'
        ) as n_buyers,
        count(*) filter (where events.event_type = 'addtocart')
        / greatest(count(*) filter (where events.event_type = 'view'), 1) as carts_per_view,
        -- recent demand
        count(*) filter (
            where
                events.event_type = 'view'
                and events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ) as n_views_recent,
        count(*) filter (
            where
                events.event_type = 'addtocart'
                and events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ) as n_addtocarts_recent,
        count(*) filter (
            where
                events.event_type = 'transaction'
                and events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ) as n_sales_recent,
        count(distinct events.visitor_id) filter (
            where events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ) as n_visitors_recent,
        coalesce(bool_or(
            events.event_type = 'transaction'
            and events.event_at >= cutoff.cutoff_at - interval '{{ recent_days }} days'
        ), false) as has_sale_recent
    from {{ events_relation }} as events
    inner join (select {{ cutoff_expression }} as cutoff_at) as cutoff
        on events.event_at < cutoff.cutoff_at
    group by events.item_id, cutoff.cutoff_at
{%- endmacro %}
