{#- The engine's variable-length text type for casts: DuckDB `varchar`, Spark `string`
    (Spark's varchar needs a length). -#}
{% macro type_text() -%}
    {{ return(adapter.dispatch('type_text', 'rocketmart')()) }}
{%- endmacro %}

{% macro default__type_text() -%}
    varchar
{%- endmacro %}

{% macro spark__type_text() -%}
    string
{%- endmacro %}
