{#- Select of one row per `key_column` with an event in the `window_days` days up to the
    as-of time (as_of_relation.as_of_at): n_recent_views, n_recent_addtocarts and
    n_recent_distinct (distinct `distinct_column` values). The recent activity of the
    campaign targets (visitors or items). -#}
{% macro recent_activity_counts(events_relation, as_of_relation, key_column, distinct_column, window_days) -%}
    select
        recent_events.{{ key_column }},
        count(*) filter (where recent_events.event_type = 'view') as n_recent_views,
        count(*) filter (where recent_events.event_type = 'addtocart') as n_recent_addtocarts,
        count(distinct recent_events.{{ distinct_column }}) as n_recent_distinct
    from {{ events_relation }} as recent_events
    cross join {{ as_of_relation }} as recent_as_of
    where recent_events.event_at > recent_as_of.as_of_at - interval '{{ window_days }} days'
    group by recent_events.{{ key_column }}
{%- endmacro %}
