{#- Earliest plausible raw timestamp, 2000-01-01 00:00 UTC, in epoch milliseconds. -#}
{% macro epoch_ms_lower_bound() -%}
    946684800000
{%- endmacro %}
