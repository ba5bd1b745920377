{#- The event types in funnel order (view < addtocart < transaction): the one place that
    order is written. Returns a Jinja list; event_type_rank and the funnel stages read it. -#}
{% macro event_types() -%}
    {{ return(['view', 'addtocart', 'transaction']) }}
{%- endmacro %}
