{#- True when rows sharing this row's value got different buckets (ntile scores or deciles),
    i.e. the row's bucket rests on the tie-break column, not on the value; null when the
    bucket is null. Window functions: use in a CTE after the one that computes the bucket. -#}
{% macro is_tie_break(bucket, value) -%}
    min({{ bucket }}) over (partition by {{ value }})
    <> max({{ bucket }}) over (partition by {{ value }})
{%- endmacro %}
