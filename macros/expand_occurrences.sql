{#- Turns a row that stands for `n_rows_column` identical raw lines back into one row per
    line: emits `occurrence` (1..n). Use in a select list. -#}
{% macro expand_occurrences(n_rows_column) -%}
    unnest(range(1, {{ n_rows_column }} + 1))
{%- endmacro %}
