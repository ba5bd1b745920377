{#- An empty array (list) of text. Dispatched: DuckDB's `[]` literal is a syntax error on
    Spark, and an untyped empty array has no element type there. -#}
{% macro empty_text_array() -%}
    {{ return(adapter.dispatch('empty_text_array', 'rocketmart')()) }}
{%- endmacro %}

{% macro default__empty_text_array() -%}
    cast([] as varchar[])
{%- endmacro %}

{% macro spark__empty_text_array() -%}
    cast(array() as array<string>)
{%- endmacro %}
