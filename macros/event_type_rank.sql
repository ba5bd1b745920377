{#- The funnel order of an event type (1-based position in event_types(): view 1 <
    addtocart 2 < transaction 3). Used to order events that share a timestamp and to
    number the funnel stages. -#}
{% macro event_type_rank(column_name) -%}
    case {{ column_name }}
        {%- for event_type in event_types() %}
            when '{{ event_type }}' then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}
