{#- The elements of `array_expression` as text joined by `separator` (a SQL string
    literal). Dispatched: DuckDB's array_to_string is Spark's array_join. -#}
{% macro array_join_text(array_expression, separator) -%}
    {{ return(adapter.dispatch('array_join_text', 'rocketmart')(array_expression, separator)) }}
{%- endmacro %}

{% macro default__array_join_text(array_expression, separator) -%}
    array_to_string({{ array_expression }}, {{ separator }})
{%- endmacro %}

{% macro spark__array_join_text(array_expression, separator) -%}
    array_join({{ array_expression }}, {{ separator }})
{%- endmacro %}
