{#- Popularity score per item over an events relation: the sum of the event types'
    popularity_weight (seed event_type_weights: 1·views + 5·addtocarts + 10·transactions).
    Used for the production marts (all events) and the evaluation (training events). -#}
{% macro item_popularity_scores(events_relation) -%}
    select
        scored_events.item_id,
        cast(sum(event_weights.popularity_weight) as double) as score
    from {{ events_relation }} as scored_events
    inner join {{ ref('event_type_weights') }} as event_weights
        on scored_events.event_type = event_weights.event_type
    group by scored_events.item_id
{%- endmacro %}
