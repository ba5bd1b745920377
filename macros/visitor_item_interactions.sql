{#- Distinct (visitor_id, item_id) pairs of an events relation, any event type, without
    bot-like visitors (more than `max_items_per_visitor` distinct items in that relation).
    The input of the item similarity (production and evaluation training). -#}
{% macro visitor_item_interactions(events_relation) -%}
    {%- set max_items = var('max_items_per_visitor') -%}
    select
        interaction_events.visitor_id,
        interaction_events.item_id
    from {{ events_relation }} as interaction_events
    group by interaction_events.visitor_id, interaction_events.item_id
    qualify count(*) over (partition by interaction_events.visitor_id) <= {{ max_items }}
{%- endmacro %}
