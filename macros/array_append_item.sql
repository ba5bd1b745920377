{#- `array_expression` with `value` appended at the end. Dispatched: DuckDB's
    list_append is Spark's array_append. -#}
{% macro array_append_item(array_expression, value) -%}
    {{ return(adapter.dispatch('array_append_item', 'rocketmart')(array_expression, value)) }}
{%- endmacro %}

{% macro default__array_append_item(array_expression, value) -%}
    list_append({{ array_expression }}, {{ value }})
{%- endmacro %}

{% macro spark__array_append_item(array_expression, value) -%}
    array_append({{ array_expression }}, {{ value }})
{%- endmacro %}
