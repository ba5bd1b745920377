{#- A ratio as a double, null when the denominator is 0 or null (never a division error).
    Used by every *_rate / pct_* column of the behaviour marts. -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}
