{#- Per-visitor features for every cutoff of `cutoffs_relation` (columns split, cutoff_at),
    read strictly from the events of `events_relation` before that cutoff (cutoff_at is an
    exclusive bound). One pass over the events serves all cutoffs. Emits a select
    statement: one row per split and visitor with at least one event before the cutoff.
    "Recent" means the last `recent_days` days before the cutoff. max_event_at_used lets a
    test prove that no event at or after the cutoff was read. -#}
{% macro visitor_features(events_relation, cutoffs_relation, recent_days) -%}
    select
        -- ids
        cutoffs.split,
        events.visitor_id,
        -- timestamps
        cutoffs.cutoff_at,
        max(events.event_at) as max_event_at_used,
        -- recency and tenure, in days before the cutoff
        {{ elapsed_whole_second_days('max(events.event_at)', 'cutoffs.cutoff_at') }} as recency_days,
        {{ elapsed_whole_second_days('min(events.event_at)', 'cutoffs.cutoff_at') }} as tenure_days,
        -- frequency over the whole history before the cutoff
        count(*) as n_events,
        count(*) filter (where events.event_type = 'view') as n_views,
        count(*) filter (where events.event_type = 'addtocart') as n_addtocarts,
        count(*) filter (where events.event_type = 'transaction') as n_transactions,
        -- an item was touched before the cutoff iff its first touch was
        count(*) filter (where events.is_first_item_event) as n_distinct_items,
        -- a session has an event before the cutoff iff its first event is before it
        count(*) filter (where events.is_session_start) as n_sessions,
        count(*) filter (where events.event_type = 'addtocart')
        / greatest(count(*) filter (where events.event_type = 'view'), 1) as carts_per_view,
        -- recent activity
        count(*) filter (
            where events.event_at >= cutoffs.cutoff_at - interval '{{ recent_days }} days'
        ) as n_events_recent,
        count(*) filter (
            where
                events.event_type = 'addtocart'
                and events.event_at >= cutoffs.cutoff_at - interval '{{ recent_days }} days'
        ) as n_addtocarts_recent
    from (
        select
            *,
            row_number() over (
                partition by visitor_id, item_id order by event_at
            ) = 1 as is_first_item_event
        from {{ events_relation }}
    ) as events
    inner join {{ cutoffs_relation }} as cutoffs
        on events.event_at < cutoffs.cutoff_at
    group by cutoffs.split, events.visitor_id, cutoffs.cutoff_at
{%- endmacro %}
