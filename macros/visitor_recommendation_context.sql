{#- The shared start of a visitor recommendation query (a comma-separated list of CTEs,
    no `with`): for the non-bot visitors of an events relation active in the
    `recent_days` days before `as_of_at`:
      visitor_items      every item of their history: recent_weight (strongest event type
                         in the window, event_type_weights), n_recent_views,
                         n_recent_events, is_bought
      active_visitors    visitor_id, n_bought (non-bot: at most max_items_per_visitor items)
      recent_items       visitor_items with a recent event
      excluded_items     (visitor_id, item_id) they ever bought: never recommended
      unavailable_items  item_id with is_available = false: never recommended
    Used by visitor_recommendation_candidates and visitor_recommendation_lists. -#}
{% macro visitor_recommendation_context(
    events_relation, as_of_at, item_state_relation, recent_days=30
) -%}
    {%- set max_items = var('max_items_per_visitor') -%}
    recent_visitors as (
        select distinct recent_events.visitor_id
        from {{ events_relation }} as recent_events
        where
            recent_events.event_at <= {{ as_of_at }}
            and recent_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
    ),

    visitor_items as (
        -- the whole history of the recently active visitors, one row per item
        select
            list_events.visitor_id,
            list_events.item_id,
            max(event_weights.popularity_weight) filter (
                where list_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
            ) as recent_weight,
            count(*) filter (
                where
                    list_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
                    and list_events.event_type = 'view'
            ) as n_recent_views,
            count(*) filter (
                where list_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
            ) as n_recent_events,
            bool_or(list_events.event_type = 'transaction') as is_bought
        from {{ events_relation }} as list_events
        inner join recent_visitors
            on list_events.visitor_id = recent_visitors.visitor_id
        inner join {{ ref('event_type_weights') }} as event_weights
            on list_events.event_type = event_weights.event_type
        where list_events.event_at <= {{ as_of_at }}
        group by list_events.visitor_id, list_events.item_id
    ),

    active_visitors as (
        select
            visitor_id,
            count(*) filter (where is_bought) as n_bought
        from visitor_items
        group by visitor_id
        having count(*) <= {{ max_items }} and count(recent_weight) > 0
    ),

    recent_items as (
        select visitor_items.*
        from visitor_items
        inner join active_visitors
            on visitor_items.visitor_id = active_visitors.visitor_id
        where visitor_items.recent_weight is not null
    ),

    excluded_items as (
        select
            visitor_items.visitor_id,
            visitor_items.item_id
        from visitor_items
        inner join active_visitors
            on visitor_items.visitor_id = active_visitors.visitor_id
        where visitor_items.is_bought
    ),

    unavailable_items as (
        select item_id
        from {{ item_state_relation }}
        where is_available = false
    )
{%- endmacro %}
