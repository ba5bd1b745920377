{#- First implausible raw timestamp, 2100-01-01 00:00 UTC, in epoch milliseconds. -#}
{% macro epoch_ms_upper_bound() -%}
    4102444800000
{%- endmacro %}
