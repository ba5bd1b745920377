{#- Per-item features for every cutoff of `cutoffs_relation` (columns split, cutoff_at),
    read strictly from the events of `events_relation` before that cutoff (cutoff_at is an
    exclusive bound). One pass over the events serves all cutoffs. Emits a select
    statement: one row per split and item with at least one event before the cutoff.
    "Recent" means the last `recent_days` days before the cutoff; a sale is a transaction
    event. max_event_at_used lets a test prove that no event at or after the cutoff was
    read. -#}
{% macro item_features(events_relation, cutoffs_relation, recent_days) -%}
    select
        -- ids
        cutoffs.split,
        events.item_id,
        -- timestamps
        cutoffs.cutoff_at,
        max(events.event_at) as max_event_at_used,
        -- recency and age, in days before the cutoff
        date_diff('second', max(events.event_at), cutoffs.cutoff_at) / 86400.0 as recency_days,
        date_diff('second', min(events.event_at), cutoffs.cutoff_at) / 86400.0 as age_days,
        -- demand over the whole history before the cutoff
        count(*) filter (where events.event_type = 'view') as n_views,
        count(*) filter (where events.event_type = 'addtocart') as n_addtocarts,
        count(*) filter (where events.event_type = 'transaction') as n_sales,
        -- a visitor touched the item before the cutoff iff their first touch was
        count(*) filter (where events.is_first_visitor_event) as n_visitors,
        count(*) filter (where events.event_type = 'addtocart')
        / greatest(count(*) filter (where events.event_type = 'view'), 1) as carts_per_view,
        -- recent demand
        count(*) filter (
            where
                events.event_type = 'view'
                and events.event_at >= cutoffs.cutoff_at - interval '{{ recent_days }} days'
        ) as n_views_recent,
        count(*) filter (
            where
                events.event_type = 'addtocart'
                and events.event_at >= cutoffs.cutoff_at - interval '{{ recent_days }} days'
        ) as n_addtocarts_recent,
        count(*) filter (
            where
                events.event_type = 'transaction'
                and events.event_at >= cutoffs.cutoff_at - interval '{{ recent_days }} days'
        ) as n_sales_recent
    from (
        select
            *,
            row_number() over (
                partition by item_id, visitor_id order by event_at
            ) = 1 as is_first_visitor_event
        from {{ events_relation }}
    ) as events
    inner join {{ cutoffs_relation }} as cutoffs
        on events.event_at < cutoffs.cutoff_at
    group by cutoffs.split, events.item_id, cutoffs.cutoff_at
{%- endmacro %}
