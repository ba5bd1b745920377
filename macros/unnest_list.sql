{#- A set-returning select expression: one row per element of `list_expression` (a list
    column, or `array_from(...)` of literals). Dispatched: DuckDB unnest, Spark explode. -#}
{% macro unnest_list(list_expression) -%}
    {{ return(adapter.dispatch('unnest_list', 'rocketmart')(list_expression)) }}
{%- endmacro %}

{% macro default__unnest_list(list_expression) -%}
    unnest({{ list_expression }})
{%- endmacro %}

{% macro spark__unnest_list(list_expression) -%}
    explode({{ list_expression }})
{%- endmacro %}
