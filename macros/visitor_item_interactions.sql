{#- Distinct (visitor_id, item_id) pairs of an events relation, any event type, without
    bot-like visitors (more than `max_items_per_visitor` distinct items in that relation).
    The input of the item similarity (production and evaluation training). -#}
{% macro visitor_item_interactions(events_relation) -%}
    {%- set max_items = var('max_items_per_visitor') -%}
    with

    pairs as (
        select
            interaction_events.visitor_id,
            interaction_events.item_id
        from {{ events_relation }} as interaction_events
        group by interaction_events.visitor_id, interaction_events.item_id
    ),

    -- a grouped count and a join: cheaper than a window over every pair
    kept_visitors as (
        select visitor_id
        from pairs
        group by visitor_id
        having count(*) <= {{ max_items }}
    )

    select
        pairs.visitor_id,
        pairs.item_id
    from pairs
    inner join kept_visitors
        on pairs.visitor_id = kept_visitors.visitor_id
{%- endmacro %}
