{#- The value of `arg` on the row with the greatest `val`, also when that value is null
    (an aggregate; add `filter (where …)` after it). Dispatched: DuckDB arg_max_null
    (its max_by skips null args), Spark max_by (keeps them). -#}
{% macro arg_max_keep_null(arg, val) -%}
    {{ return(adapter.dispatch('arg_max_keep_null', 'rocketmart')(arg, val)) }}
{%- endmacro %}

{% macro default__arg_max_keep_null(arg, val) -%}
    arg_max_null({{ arg }}, {{ val }})
{%- endmacro %}

{% macro spark__arg_max_keep_null(arg, val) -%}
    max_by({{ arg }}, {{ val }})
{%- endmacro %}
