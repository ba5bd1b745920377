{#- A one-element array (list) holding `value`. Dispatched: DuckDB's `[x]` literal is a
    syntax error on Spark. -#}
{% macro array_from(value) -%}
    {{ return(adapter.dispatch('array_from', 'rocketmart')(value)) }}
{%- endmacro %}

{% macro default__array_from(value) -%}
    [{{ value }}]
{%- endmacro %}

{% macro spark__array_from(value) -%}
    array({{ value }})
{%- endmacro %}
