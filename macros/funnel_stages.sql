{#- Select of one row per funnel stage: event_type and event_rank, its 1-based position in
    event_types() (the order event_type_rank gives). The stage list of funnel and
    funnel_daily. -#}
{% macro funnel_stages() -%}
    {%- for event_type in event_types() %}
    select
        '{{ event_type }}' as event_type,
        {{ loop.index }} as event_rank
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
